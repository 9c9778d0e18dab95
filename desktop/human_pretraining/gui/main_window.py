"""The main window: a list of views on the left, the chosen view on the right.

Ctrl+1 … Ctrl+7 switch views from the keyboard; the window remembers its size,
position and last view in a small INI file beside the data (not in the user's
global Qt settings, so tests and several homes never share it).
"""

from __future__ import annotations

from typing import Protocol, TypeVar, cast

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.activity.view import ActivityView
from human_pretraining.gui.views.badges.view import BadgesView
from human_pretraining.gui.views.base import View
from human_pretraining.gui.views.dashboard.view import DashboardView
from human_pretraining.gui.views.goals.view import GoalsView
from human_pretraining.gui.views.rewards.view import RewardsView
from human_pretraining.gui.views.rules.view import RulesView
from human_pretraining.gui.views.settings.view import SettingsView

TITLE = "Human Pretraining"
V = TypeVar("V", bound=View)
DEFAULT_SIZE = (1100, 760)


class ViewKind(Protocol):
    """A view class: its title for the list, and how to build it."""

    title: str

    def __call__(self, ctx: GuiContext) -> View: ...


class MainWindow(QMainWindow):
    """The window; closing it either hides it (a tray exists) or quits (no tray)."""

    visibilityChanged = Signal(bool)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._settings = QSettings(
            str(ctx.services.paths.data_dir / "window.ini"), QSettings.Format.IniFormat
        )
        # With a tray, closing hides the window; without one, closing quits, and
        # ``quit_notice`` says so the first time (the launcher turns it on).
        self.hide_on_close = False
        self.quit_notice = False
        self.setWindowTitle(TITLE)
        self.resize(*DEFAULT_SIZE)
        # Each view is built the first time it is shown (an empty page stands in until
        # then): the window appears sooner, and views nobody opens cost nothing.
        self._kinds: list[ViewKind] = [
            DashboardView,
            ActivityView,
            RulesView,
            GoalsView,
            RewardsView,
            BadgesView,
            SettingsView,
        ]
        self._views: list[View | None] = [None] * len(self._kinds)
        self._nav = self._create_nav()
        self._stack = QStackedWidget()
        for _kind in self._kinds:
            self._stack.addWidget(QWidget())
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self._nav)
        layout.addWidget(self._stack, 1)
        self.setCentralWidget(central)
        self._status = QLabel()
        self._status.setAccessibleName("Tracking status")
        self.statusBar().addWidget(self._status, 1)
        self._nav.currentRowChanged.connect(self._switch_to)
        for index in range(len(self._kinds)):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.activated.connect(lambda i=index: self.show_view(i))
        ctx.bridge.clientsChanged.connect(self.refresh_status)
        ctx.bridge.configChanged.connect(self.refresh_status)
        ctx.bridge.pauseChanged.connect(self.refresh_status)
        ctx.bridge.trackingChanged.connect(self.refresh_status)
        self._restore()
        self.refresh_status()

    def _create_nav(self) -> QListWidget:
        nav = QListWidget()
        nav.setAccessibleName("Views")
        nav.setFixedWidth(170)
        for index, kind in enumerate(self._kinds):
            item = QListWidgetItem(kind.title)
            item.setToolTip(f"{kind.title} (Ctrl+{index + 1})")
            nav.addItem(item)
        return nav

    def _built(self, index: int) -> View:
        view = self._views[index]
        if view is None:
            view = self._kinds[index](self._ctx)
            stand_in = self._stack.widget(index)
            current = self._stack.currentIndex()
            self._stack.insertWidget(index, view)
            if stand_in is not None:
                self._stack.removeWidget(stand_in)
                stand_in.deleteLater()
            self._stack.setCurrentIndex(current)
            self._views[index] = view
        return view

    @Slot(int)
    def _switch_to(self, index: int) -> None:
        self._built(index)
        self._stack.setCurrentIndex(index)

    @property
    def views(self) -> list[View]:
        """Every view (building any not yet shown)."""
        return [self._built(i) for i in range(len(self._kinds))]

    def view(self, kind: type[V]) -> V:
        view = self._built(next(i for i, k in enumerate(self._kinds) if cast(object, k) is kind))
        assert isinstance(view, kind)
        return view

    @Slot(int)
    def show_view(self, index: int) -> None:
        self._nav.setCurrentRow(index)

    def current_view(self) -> View:
        return self._built(self._stack.currentIndex())

    @Slot()
    def refresh_status(self) -> None:
        self._status.setText(self._ctx.tracking_line())

    def bring_to_front(self) -> None:
        """Show, un-minimise and raise the window (a second start asked for it)."""
        self.show()
        self.setWindowState(
            (self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
        )
        self.raise_()
        self.activateWindow()

    def _restore(self) -> None:
        geometry = self._settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        view = self._settings.value("view", 0)
        try:
            index = int(view)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            index = 0
        self.show_view(index if 0 <= index < len(self._kinds) else 0)

    def save_state(self) -> None:
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.setValue("view", self._stack.currentIndex())
        self._settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.visibilityChanged.emit(True)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.visibilityChanged.emit(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        if self.hide_on_close:
            event.ignore()
            self.hide()
        elif self.quit_notice and not self._settings.value("told_close_quits", False, type=bool):
            # No tray: the window is the app. Say so the first time, not every time.
            self._settings.setValue("told_close_quits", True)
            self._settings.sync()
            self.inform(
                TITLE,
                "There is no system tray here, so closing the window quits Human Pretraining "
                "and stops tracking until you start it again.",
            )

    def quit_app(self) -> None:
        """Quit for real (tray menu, a signal): Qt 6 asks every window to close on quit,
        and a window that only hides or asks first would cancel it."""
        self.hide_on_close = False
        self.quit_notice = False
        QApplication.quit()

    def inform(self, title: str, text: str) -> None:
        """A message box (a seam: tests replace it rather than click a modal dialog)."""
        QMessageBox.information(self, title, text)
