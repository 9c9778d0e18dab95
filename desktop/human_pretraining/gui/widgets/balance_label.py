"""The balance as one large bold line ("Balance: 80 points") atop the Goals and Rewards views."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget

from human_pretraining.core.model import format_points


class BalanceLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Balance")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.setFont(font)

    def show_balance(self, milli: int) -> None:
        self.setText(f"Balance: {format_points(milli)} points")
