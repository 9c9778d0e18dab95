"""The latest ledger entries: when, how many points, and the entry's own explanation."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from human_pretraining.core.model import format_points

COLUMNS = ("When", "Points", "Why")


class RecentEntries(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setAccessibleName("Latest ledger entries")
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def show_entries(self, entries: list[dict[str, Any]], tz: tzinfo) -> None:
        self.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            when = datetime.fromtimestamp(entry["at_ms"] / 1000, tz).strftime("%d %b %H:%M")
            amount = entry["amount"]
            points = ("+" if amount > 0 else "") + format_points(amount)
            self.setItem(row, 0, QTableWidgetItem(when))
            self.setItem(row, 1, QTableWidgetItem(points))
            self.setItem(row, 2, QTableWidgetItem(entry["note"]))
