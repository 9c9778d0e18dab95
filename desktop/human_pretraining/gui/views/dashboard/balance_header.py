"""The balance, large, with today's earned and spent points beneath it."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from human_pretraining.core.model import format_points
from human_pretraining.services.queries import Summary


class BalanceHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._caption = QLabel("Balance")
        self._balance = QLabel()
        self._balance.setAccessibleName("Balance")
        font = QFont(self._balance.font())
        font.setPointSizeF(font.pointSizeF() * 2.6)
        font.setBold(True)
        self._balance.setFont(font)
        self._today = QLabel()
        self._today.setAccessibleName("Today's earned and spent points")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._caption)
        layout.addWidget(self._balance)
        layout.addWidget(self._today)

    def show_summary(self, summary: Summary) -> None:
        self._balance.setText(f"{format_points(summary.balance)} points")
        self._today.setText(
            f"Today: {format_points(summary.earned_today)} earned · "
            f"{format_points(summary.spent_today)} spent"
        )

    @property
    def balance_text(self) -> str:
        return self._balance.text()

    @property
    def today_text(self) -> str:
        return self._today.text()
