"""The main window: a list of views on the left, the chosen view on the right.

Ctrl+1 … Ctrl+7 switch views from the keyboard; the window remembers its size,
position and last view in a small INI file beside the data (not in the user's
global Qt settings, so tests and several homes never share it).
"""

from __future__ import annotations

from typing import TypeVar

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
from human_pretraining.gui.views.activity import ActivityView
from human_pretraining.gui.views.badges import BadgesView
from human_pretraining.gui.views.base import View
from human_pretraining.gui.views.dashboard import DashboardView
from human_pretraining.gui.views.goals import GoalsView
from human_pretraining.gui.views.rewards import RewardsView
from human_pretraining.gui.views.rules import RulesView
from human_pretraining.gui.views.settings import SettingsView

TITLE = "Human Pretraining"
V = TypeVar("V", bound=View)
DEFAULT_SIZE = (1100, 760)


class MainWindow(QMainWindow):
    """The window; closing it either hides it (a tray exists) or quits (no tray)."""

    closeRequested = Signal()
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
        self._views: list[View] = [
            DashboardView(ctx),
            ActivityView(ctx),
            RulesView(ctx),
            GoalsView(ctx),
            RewardsView(ctx),
            BadgesView(ctx),
            SettingsView(ctx),
        ]
        self._nav = self._create_nav()
        self._stack = QStackedWidget()
        for view in self._views:
            self._stack.addWidget(view)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self._nav)
        layout.addWidget(self._stack, 1)
        self.setCentralWidget(central)
        self._status = QLabel()
        self._status.setAccessibleName("Tracking status")
        self.statusBar().addWidget(self._status, 1)
        self._nav.currentRowChanged.connect(self._stack.setCurrentIndex)
        for index in range(len(self._views)):
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
        for index, view in enumerate(self._views):
            item = QListWidgetItem(view.title)
            item.setToolTip(f"{view.title} (Ctrl+{index + 1})")
            nav.addItem(item)
        return nav

    @property
    def views(self) -> list[View]:
        return list(self._views)

    def view(self, kind: type[V]) -> V:
        return next(v for v in self._views if isinstance(v, kind))

    @Slot(int)
    def show_view(self, index: int) -> None:
        self._nav.setCurrentRow(index)

    def current_view(self) -> View:
        return self._views[self._stack.currentIndex()]

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
        self.show_view(index if 0 <= index < len(self._views) else 0)

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
        self.closeRequested.emit()

    def quit_app(self) -> None:
        """Quit for real (tray menu, a signal): Qt 6 asks every window to close on quit,
        and a window that only hides or asks first would cancel it."""
        self.hide_on_close = False
        self.quit_notice = False
        QApplication.quit()

    def inform(self, title: str, text: str) -> None:
        """A message box (a seam: tests replace it rather than click a modal dialog)."""
        QMessageBox.information(self, title, text)
