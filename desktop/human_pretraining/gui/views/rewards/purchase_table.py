"""The purchase history, newest first: when, what, and what it cost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QWidget

from human_pretraining.core.clock import format_time
from human_pretraining.core.model import format_points
from human_pretraining.gui.widgets.table_items import text_item
from human_pretraining.services.history import PurchaseRow

HEADERS = ("When", "Reward", "Cost")


class PurchaseTable(QTableWidget):
    def __init__(self, tz: Callable[[], tzinfo], parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setAccessibleName("Purchase history")
        self.setHorizontalHeaderLabels(HEADERS)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._tz = tz

    def show_purchases(self, rows: list[PurchaseRow]) -> None:
        tz = self._tz()
        self.setRowCount(len(rows))
        for index, row in enumerate(rows):
            when = format_time(row.at_ms, tz)
            self.setItem(index, 0, text_item(when))
            self.setItem(index, 1, text_item(row.reward))
            self.setItem(index, 2, text_item(f"-{format_points(row.cost)}", numeric=True))
        self.resizeColumnToContents(0)

    def row_texts(self, index: int) -> tuple[str, str, str]:
        cells = [self.item(index, column) for column in range(3)]
        texts = [cell.text() if cell is not None else "" for cell in cells]
        return texts[0], texts[1], texts[2]
