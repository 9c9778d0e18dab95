"""The Badges view: milestones earned (with the date) and the next ones with their progress.

Everything comes from ``services.queries.badges()``: the core decides what a
badge asks and how far along the user is; this view only draws it.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.base import View
from human_pretraining.gui.widgets.lazy_refresh import LazyRefresh
from human_pretraining.gui.widgets.table_items import text_item
from human_pretraining.services.queries import BadgeStatus


def _table(name: str, headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    return table


class BadgesView(View):
    title = "Badges"

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._summary = QLabel()
        self._summary.setAccessibleName("Badges earned")
        self.earned = _table("Earned badges", ("Badge", "For", "Earned on"))
        self.upcoming = _table("Next badges", ("Badge", "For", "Progress"))
        layout = QVBoxLayout(self)
        layout.addWidget(self._summary)
        layout.addWidget(self._create_group("Earned", self.earned), 1)
        layout.addWidget(self._create_group("Next", self.upcoming), 2)
        self._lazy = LazyRefresh(self, self.refresh)
        ctx.bridge.ledgerChanged.connect(self._lazy.changed)
        ctx.bridge.activityChanged.connect(self._lazy.changed)
        ctx.bridge.configChanged.connect(self._lazy.changed)

    def _create_group(self, title: str, table: QTableWidget) -> QGroupBox:
        group = QGroupBox(title)
        QVBoxLayout(group).addWidget(table)
        return group

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._lazy.shown()

    @property
    def summary_text(self) -> str:
        return self._summary.text()

    @Slot()
    def refresh(self) -> None:
        badges = self._ctx.services.queries.badges()
        earned = sorted(
            (b for b in badges if b.earned_ms is not None), key=lambda b: -(b.earned_ms or 0)
        )
        # Closest first: what the user can reach next is what motivates.
        upcoming = sorted((b for b in badges if b.earned_ms is None), key=lambda b: -b.progress)
        self._summary.setText(f"{len(earned)} of {len(badges)} badges earned")
        self._show_earned(earned)
        self._show_upcoming(upcoming)

    def _show_earned(self, badges: list[BadgeStatus]) -> None:
        tz = self._ctx.services.tz()
        self.earned.setRowCount(len(badges))
        for row, badge in enumerate(badges):
            assert badge.earned_ms is not None
            when = datetime.fromtimestamp(badge.earned_ms / 1000, tz).strftime("%Y-%m-%d")
            self.earned.setItem(row, 0, text_item(badge.title))
            self.earned.setItem(row, 1, text_item(badge.description))
            self.earned.setItem(row, 2, text_item(when))
        self.earned.resizeColumnToContents(0)

    def _show_upcoming(self, badges: list[BadgeStatus]) -> None:
        self.upcoming.setRowCount(len(badges))
        for row, badge in enumerate(badges):
            self.upcoming.setItem(row, 0, text_item(badge.title))
            self.upcoming.setItem(row, 1, text_item(badge.description))
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(int(badge.progress * 100))
            bar.setAccessibleName(f"{badge.title} progress")
            self.upcoming.setCellWidget(row, 2, bar)
        self.upcoming.resizeColumnToContents(0)

    def earned_titles(self) -> list[tuple[str, str]]:
        """(title, date) of each earned badge as shown."""
        return [self._texts(self.earned, row, 0, 2) for row in range(self.earned.rowCount())]

    def upcoming_titles(self) -> list[str]:
        return [self._texts(self.upcoming, r, 0, 0)[0] for r in range(self.upcoming.rowCount())]

    def progress_of(self, title: str) -> int:
        for row in range(self.upcoming.rowCount()):
            if self._texts(self.upcoming, row, 0, 0)[0] == title:
                bar = self.upcoming.cellWidget(row, 2)
                assert isinstance(bar, QProgressBar)
                return bar.value()
        raise KeyError(title)

    @staticmethod
    def _texts(table: QTableWidget, row: int, first: int, second: int) -> tuple[str, str]:
        a, b = table.item(row, first), table.item(row, second)
        return (a.text() if a else "", b.text() if b else "")
