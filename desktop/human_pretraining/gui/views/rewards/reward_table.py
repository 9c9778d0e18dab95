"""The shop: each reward with its cost, daily limit, what it is, and a Redeem button.

Whether a reward can be bought comes from ``services.history.History.shop``
(which asks the core's ``check_purchase``); a reward that cannot be bought has
its button disabled and the reason both as tooltip and as visible text.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from human_pretraining.core.model import Reward, format_points
from human_pretraining.gui.widgets.entry_table import EntryTable
from human_pretraining.gui.widgets.table_items import text_item
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


class RewardTable(EntryTable[Reward]):
    redeemClicked = Signal(str)  # the reward's name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Rewards", HEADERS, stretch=(0, 5), fit=range(1, 5), parent=parent)

    def show_items(self, items: tuple[ShopItem, ...]) -> None:
        selected = self.selected_entry()
        same = self._set_entries([i.reward for i in items])
        for row, item in enumerate(items):
            reward = item.reward
            self.setItem(row, 0, text_item(reward.name))
            self.setItem(row, 1, text_item(format_points(reward.cost), numeric=True))
            self.setItem(row, 2, text_item(limit_text(item)))
            self.setItem(row, 3, text_item(what_it_is(reward)))
            button = self._row_button(row, 4, reward.name, "Redeem", self.redeemClicked, same=same)
            button.setAccessibleName(f"Redeem {reward.name}")
            button.setEnabled(item.can_buy)
            cost = format_points(reward.cost)
            button.setToolTip(item.refusal or f"Buy '{reward.name}' for {cost} points")
            button.setAccessibleDescription(item.refusal)
            self.setItem(row, 5, text_item(item.refusal, tooltip=item.refusal))
        self._reselect(selected)

    def redeem_button(self, name: str) -> QPushButton:
        return self._buttons[name]

    def status_text(self, name: str) -> str:
        for row, reward in enumerate(self._entries):
            cell = self.item(row, 5)
            if reward.name == name and cell is not None:
                return cell.text()
        raise KeyError(name)
