"""The Rewards view: the shop (redeem, or why not), running allowances counting down, the
purchase history, and adding, editing or deleting rewards (written to the config file).
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QSplitter, QWidget

from human_pretraining.core.model import Reward, format_points
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.balance_view import BalanceView
from human_pretraining.gui.views.rewards.allowance_list import AllowanceList
from human_pretraining.gui.views.rewards.purchase_table import PurchaseTable
from human_pretraining.gui.views.rewards.reward_dialog import RewardDialog
from human_pretraining.gui.views.rewards.reward_table import RewardTable
from human_pretraining.gui.widgets.config_entries import ConfigEntries
from human_pretraining.services.economy import NotFound, PurchaseRefused

HISTORY_ROWS = 200


class RewardsView(BalanceView):
    title = "Rewards"

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        services = ctx.services
        self.shop = RewardTable()
        self.allowances = AllowanceList(services.clock)
        self.purchases = PurchaseTable(services.tz)
        self._add = self._create_button("&Add reward…", "Add reward")
        self._edit = self._create_button("&Edit reward…", "Edit reward")
        self._delete = self._create_button("&Delete reward", "Delete reward")
        below = QSplitter()
        below.addWidget(self._create_group("Running allowances", self.allowances))
        below.addWidget(self._create_group("Purchase history", self.purchases))
        below.setStretchFactor(1, 2)
        self._layout.addWidget(
            self._create_group("Shop", self.shop, self._add, self._edit, self._delete), 3
        )
        self._layout.addWidget(below, 2)
        self._entries = ConfigEntries[Reward, RewardDialog](
            self,
            self._message,
            self.refresh,
            noun="reward",
            kept="Past purchases stay in the history.",
            dialog=RewardDialog,
            add=services.config_file.add_reward,
            replace=services.config_file.replace_reward,
            remove=services.config_file.remove_reward,
        )
        self.shop.redeemClicked.connect(self._on_redeem)
        self.shop.itemSelectionChanged.connect(self._update_buttons)
        self.shop.doubleClicked.connect(self.edit_reward)
        self.allowances.expired.connect(self._lazy.changed)
        self._add.clicked.connect(self.add_reward)
        self._edit.clicked.connect(self.edit_reward)
        self._delete.clicked.connect(self.delete_reward)
        self._update_buttons()

    @Slot()
    def refresh(self) -> None:
        shop = self._history.shop()
        self._balance.show_balance(shop.balance)
        self.shop.show_items(shop.items)
        self.allowances.show_allowances(self._ctx.services.queries.summary().allowances)
        self.purchases.show_purchases(self._history.purchases(HISTORY_ROWS))
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        selected = self.shop.selected_entry() is not None
        self._edit.setEnabled(selected)
        self._delete.setEnabled(selected)

    @Slot(str)
    def _on_redeem(self, name: str) -> None:
        try:
            bought = self._ctx.services.spending.redeem(name)
        except (PurchaseRefused, NotFound) as exc:
            self._message.show_error(str(exc))
        else:
            self._message.show_info(
                f"Bought '{bought.reward}' for {format_points(bought.cost)} points. "
                f"Balance: {format_points(bought.balance)} points."
            )
        self.refresh()

    @Slot()
    def add_reward(self) -> RewardDialog:
        return self._entries.add()

    @Slot()
    def edit_reward(self) -> RewardDialog | None:
        return self._entries.edit(self.shop.selected_entry())

    @Slot()
    def delete_reward(self) -> None:
        self._entries.delete(self.shop.selected_entry(), self.confirm)
