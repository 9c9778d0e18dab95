"""The Rewards view (placeholder until it is built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.base import View


class RewardsView(View):
    title = "Rewards"

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Rewards"))
