"""The Activity view: any day's time per app, site and output folder, with category and points.

The rows are what settlement stored (``services.queries.usage``), most time
first. A subject no rule matches shows as "unclassified"; selecting it and
clicking a category (or choosing one from its context menu) writes a rule
(``services.classify``), marks the affected days for re-scoring and asks the
settler to run, so the row soon shows its new category and points. The view
refreshes when the services announce new activity, bookings or rules, and only
while it is visible (a hidden window costs no queries).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QDate,
    QItemSelectionModel,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Slot,
)
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from human_pretraining.config.errors import ConfigError
from human_pretraining.core.clock import add_days, from_date, to_date
from human_pretraining.core.model import Category, ValidationError
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.activity.activity_model import (
    KINDS,
    SORT_ROLE,
    TIME,
    ActivityModel,
    duration_text,
    signed_points,
)
from human_pretraining.gui.views.activity.classify_bar import ClassifyBar, category_menu
from human_pretraining.gui.views.base import View
from human_pretraining.gui.widgets.message_line import MessageLine
from human_pretraining.services.classify import CLASSIFIABLE
from human_pretraining.services.queries import UsageRow


def _qdate(day: int) -> QDate:
    d = to_date(day)
    return QDate(d.year, d.month, d.day)


def _day(qdate: QDate) -> int:
    return from_date(date(qdate.year(), qdate.month(), qdate.day()))


class ActivityView(View):
    title = "Activity"

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._day = ctx.services.queries.today()
        self._stale = True
        self._model = ActivityModel(self)
        self._proxy = QSortFilterProxyModel(self)
        self._proxy.setSourceModel(self._model)
        self._proxy.setSortRole(SORT_ROLE)
        self._date = self._create_date_edit()
        self._previous = self._create_button("&Previous day", "Show the day before (Alt+Left)")
        self._next = self._create_button("Ne&xt day", "Show the day after (Alt+Right)")
        self._today = self._create_button("&Today", "Show today")
        self._total = QLabel()
        self._total.setAccessibleName("Day total")
        self._table = self._create_table()
        self._classify = ClassifyBar()
        self._message = MessageLine()
        self._empty = QLabel("Nothing was tracked on this day.")
        self._empty.setAccessibleName("No activity")

        day_bar = QHBoxLayout()
        day_bar.addWidget(self._previous)
        day_bar.addWidget(self._date)
        day_bar.addWidget(self._next)
        day_bar.addWidget(self._today)
        day_bar.addStretch(1)
        day_bar.addWidget(self._total)
        layout = QVBoxLayout(self)
        layout.addLayout(day_bar)
        layout.addWidget(self._table, 1)
        layout.addWidget(self._empty)
        layout.addWidget(self._classify)
        layout.addWidget(self._message)
        self.setTabOrder(self._previous, self._date)
        self.setTabOrder(self._date, self._next)
        self.setTabOrder(self._next, self._today)
        self.setTabOrder(self._today, self._table)

        self._date.dateChanged.connect(self._on_date_changed)
        self._previous.clicked.connect(lambda: self.show_day(add_days(self._day, -1)))
        self._next.clicked.connect(lambda: self.show_day(add_days(self._day, 1)))
        self._today.clicked.connect(lambda: self.show_day(self._ctx.services.queries.today()))
        self._table.selectionModel().selectionChanged.connect(self._on_current_changed)
        self._table.customContextMenuRequested.connect(self._on_context_menu)
        self._classify.chosen.connect(self._on_classify)
        for keys, step in (("Alt+Left", -1), ("Alt+Right", 1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self.show_day(add_days(self._day, step)))
        ctx.bridge.activityChanged.connect(self.refresh)
        ctx.bridge.ledgerChanged.connect(self.refresh)
        ctx.bridge.configChanged.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------------ builders

    def _create_date_edit(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("ddd d MMM yyyy")
        edit.setAccessibleName("Day")
        edit.setToolTip("The day to show (arrow keys change it; the button opens a calendar)")
        edit.setMaximumDate(_qdate(self._day))
        edit.setDate(_qdate(self._day))
        return edit

    def _create_button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.replace("&", ""))
        button.setToolTip(tip)
        return button

    def _create_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self._proxy)
        table.setAccessibleName("Time per app and site")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSortingEnabled(True)
        table.sortByColumn(TIME, Qt.SortOrder.DescendingOrder)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self._model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        return table

    # ------------------------------------------------------------------ state

    @property
    def day(self) -> int:
        return self._day

    def show_day(self, day: int) -> None:
        """Show ``day`` (clamped to today: there is no activity in the future)."""
        today = self._ctx.services.queries.today()
        self._date.setMaximumDate(_qdate(today))
        self._date.setDate(_qdate(min(day, today)))

    def selected_row(self) -> UsageRow | None:
        index = self._table.selectionModel().currentIndex()
        if not index.isValid() or not self._table.selectionModel().isRowSelected(index.row()):
            return None
        return self._model.row(self._proxy.mapToSource(index).row())

    def select_subject(self, subject: str) -> bool:
        """Select the row of ``subject`` (as the user would by clicking it); False if absent."""
        for position, row in enumerate(self._model.rows()):
            if row.subject == subject:
                index = self._proxy.mapFromSource(self._model.index(position, 0))
                self._table.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                return True
        return False

    @Slot()
    def refresh(self) -> None:
        """Re-read the shown day (deferred until shown if the view is hidden)."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        selected = self.selected_row()
        today = self._ctx.services.queries.today()
        self._date.setMaximumDate(_qdate(today))
        self._next.setEnabled(self._day < today)
        self._today.setEnabled(self._day != today)
        rows = self._ctx.services.queries.usage(self._day, self._day)
        # Unchanged rows (activity arrived, nothing settled yet) leave the table as it is.
        changed = self._model.set_rows(rows)
        self._table.setVisible(bool(rows))
        self._empty.setVisible(not rows)
        active = sum(r.active_ms for r in rows)
        points = sum(r.points for r in rows)
        self._total.setText(f"Total {duration_text(active)} · {signed_points(points)} points")
        if changed and (selected is None or not self.select_subject(selected.subject)):
            self._on_current_changed()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # ------------------------------------------------------------------ slots

    @Slot(QDate)
    def _on_date_changed(self, qdate: QDate) -> None:
        self._day = _day(qdate)
        self._message.clear()
        self.refresh()

    @Slot()
    def _on_current_changed(self) -> None:
        row = self.selected_row()
        if row is None:
            self._classify.set_target(None, "Select an app or site to classify it.")
        elif row.source not in CLASSIFIABLE:
            self._classify.set_target(
                None, f"{row.subject} is an output folder: change its rule in the Rules view."
            )
        else:
            self._classify.set_target(f"{row.subject} ({KINDS[row.source]})")

    def context_menu_at(self, position: QPoint) -> QMenu | None:
        """Select the row at ``position`` (viewport coordinates) and build its classify menu."""
        index = self._table.indexAt(position)
        if not index.isValid():
            return None
        self._table.selectRow(index.row())
        row = self.selected_row()
        if row is None or row.source not in CLASSIFIABLE:
            return None
        menu = category_menu(self, row.subject)
        menu.triggered.connect(lambda action: self._on_classify(str(action.data())))
        menu.aboutToHide.connect(menu.deleteLater)
        return menu

    @Slot(QPoint)
    def _on_context_menu(self, position: QPoint) -> None:
        menu = self.context_menu_at(position)
        if menu is not None:
            menu.popup(self._table.viewport().mapToGlobal(position))

    @Slot(str)
    def _on_classify(self, category: str) -> None:
        row = self.selected_row()
        if row is None:
            return
        try:
            done = self._ctx.services.classification.classify(
                row.source,
                row.subject,
                Category(category),
                rule_id=row.rule_id,
                day=self._day,
            )
        except (ValidationError, ConfigError) as exc:
            self._message.show_error(f"{row.subject} was not classified: {exc}")
            return
        if not done.changed:
            self._message.show_info(
                f"{row.subject} already counts as {category} ({done.rule_text})."
            )
            return
        what = "new rule" if done.created else "rule"
        days = "this day" if len(done.days) <= 1 else f"{len(done.days)} days"
        self._message.show_info(
            f"{row.subject} now counts as {category}: {what} '{done.rule_id}' ({done.rule_text}). "
            f"Re-scoring {days}."
        )
        self._ctx.settle_soon()
