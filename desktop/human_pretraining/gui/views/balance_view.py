"""The frame of the Goals & tasks and Rewards views: the balance on top, a message line
under it, groups of a table with its buttons, and a refresh whenever the ledger or the
configuration changes (at once while shown, else when next shown).

Subclasses add their groups to ``self._layout`` and implement :meth:`refresh`.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.base import View
from human_pretraining.gui.widgets.balance_label import BalanceLabel
from human_pretraining.gui.widgets.confirm import Confirm, ask
from human_pretraining.gui.widgets.lazy_refresh import LazyRefresh
from human_pretraining.gui.widgets.message_line import MessageLine
from human_pretraining.services.history import History


class BalanceView(View):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._history = History(ctx.services.deps)
        self.confirm: Confirm = ask
        self._balance = BalanceLabel()
        self._message = MessageLine()
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self._balance)
        self._layout.addWidget(self._message)
        self._lazy = LazyRefresh(self, self.refresh)
        ctx.bridge.ledgerChanged.connect(self._lazy.changed)
        ctx.bridge.configChanged.connect(self._lazy.changed)

    def refresh(self) -> None:
        raise NotImplementedError

    def _create_button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        return button

    def _create_group(self, title: str, content: QWidget, *buttons: QPushButton) -> QGroupBox:
        group = QGroupBox(title)
        layout = QVBoxLayout(group)
        layout.addWidget(content)
        if buttons:
            row = QHBoxLayout()
            for button in buttons:
                row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        return group

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._lazy.shown()

    @property
    def balance_text(self) -> str:
        return self._balance.text()

    @property
    def message(self) -> str:
        return "" if self._message.isHidden() else self._message.text
