"""The shop: each reward with its cost, daily limit, what it is, and a Redeem button.

Whether a reward can be bought comes from ``services.history.History.shop``
(which asks the core's ``check_purchase``); a reward that cannot be bought has
its button disabled and the reason both as tooltip and as visible text.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QPushButton, QTableWidget, QWidget

from human_pretraining.core.model import Reward, format_points
from human_pretraining.gui.table_items import text_item
from human_pretraining.services.history import ShopItem

HEADERS = ("Reward", "Cost", "Daily limit", "What it is", "", "Status")


def what_it_is(reward: Reward) -> str:
    if reward.site:
        return f"{reward.minutes} min of {reward.site}"
    if reward.category:
        return f"{reward.minutes} min of {reward.category.value} time"
    return "plain reward"


def limit_text(item: ShopItem) -> str:
    limit = item.reward.daily_limit
    if limit is None:
        return "none"
    return f"{item.bought_today} of {limit} today"


class RewardTable(QTableWidget):
    redeemClicked = Signal(str)  # the reward's name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setAccessibleName("Rewards")
        self.setHorizontalHeaderLabels(HEADERS)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self._rewards: list[Reward] = []
        self._buttons: dict[str, QPushButton] = {}

    def show_items(self, items: tuple[ShopItem, ...]) -> None:
        selected = self.selected_reward()
        same = [i.reward for i in items] == self._rewards
        self._rewards = [i.reward for i in items]
        if not same:
            self._buttons = {}
            self.setRowCount(len(items))
        for row, item in enumerate(items):
            reward = item.reward
            self.setItem(row, 0, text_item(reward.name))
            self.setItem(row, 1, text_item(format_points(reward.cost), numeric=True))
            self.setItem(row, 2, text_item(limit_text(item)))
            self.setItem(row, 3, text_item(what_it_is(reward)))
            if same:
                # Update in place: the button just clicked keeps the keyboard focus.
                self._update_button(self._buttons[reward.name], item)
            else:
                self.setCellWidget(row, 4, self._create_button(item))
            self.setItem(row, 5, text_item(item.refusal, tooltip=item.refusal))
            if selected is not None and reward.name == selected.name:
                self.selectRow(row)

    def _create_button(self, item: ShopItem) -> QPushButton:
        name = item.reward.name
        button = QPushButton("Redeem")
        button.setAccessibleName(f"Redeem {name}")
        self._update_button(button, item)
        button.clicked.connect(lambda: self.redeemClicked.emit(name))
        self._buttons[name] = button
        return button

    def _update_button(self, button: QPushButton, item: ShopItem) -> None:
        button.setEnabled(item.can_buy)
        cost = format_points(item.reward.cost)
        button.setToolTip(item.refusal or f"Buy '{item.reward.name}' for {cost} points")
        button.setAccessibleDescription(item.refusal)

    def redeem_button(self, name: str) -> QPushButton:
        return self._buttons[name]

    def status_text(self, name: str) -> str:
        for row, reward in enumerate(self._rewards):
            cell = self.item(row, 5)
            if reward.name == name and cell is not None:
                return cell.text()
        raise KeyError(name)

    def selected_reward(self) -> Reward | None:
        rows = self.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._rewards):
            return None
        return self._rewards[rows[0].row()]

    def select_reward(self, name: str) -> None:
        for row, reward in enumerate(self._rewards):
            if reward.name == name:
                self.selectRow(row)
