"""A person spending or earning points by hand — redeeming, buying site time, checking off a task.

The one path every surface takes (the CLI, the Rewards view, the tray, the
endpoint): settle first, so the purchase is checked against a balance that
includes the latest activity (the settling thread may be up to 30 s behind);
book (:class:`~human_pretraining.services.economy.Economy`, one write transaction);
settle again, so an allowance's window is re-scored as prepaid and task goals,
goal bonuses and badges follow at once. The balance returned is the one after
that second settlement: what the user sees next everywhere else.

``Economy`` stays the booking alone, for back-dated work (demo data) that
settles once at the end.
"""

from __future__ import annotations

from dataclasses import replace

from human_pretraining.services.economy import Bought, Economy, TaskDone
from human_pretraining.services.queries import Queries
from human_pretraining.services.settle import Settler
from human_pretraining.services.web import Web


class Spending:
    def __init__(self, economy: Economy, web: Web, settler: Settler, queries: Queries) -> None:
        self._economy = economy
        self._web = web
        self._settler = settler
        self._queries = queries

    def redeem(self, reward: str) -> Bought:
        """Buy the shop's ``reward``; raises NotFound or PurchaseRefused (nothing written)."""
        self._settler.settle()
        bought = self._economy.redeem(reward)
        return replace(bought, balance=self._settled_balance())

    def buy_allowance(self, url_or_site: str, minutes: int) -> Bought:
        """Prepay ``minutes`` of a site (the nudge page's offer); raises like :meth:`redeem`."""
        self._settler.settle()
        bought = self._web.buy_allowance(url_or_site, minutes)
        return replace(bought, balance=self._settled_balance())

    def complete_task(self, task: str) -> TaskDone:
        """Check off ``task``; raises NotFound or AlreadyDone (nothing written)."""
        done = self._economy.complete_task(task)
        return replace(done, balance=self._settled_balance())

    def _settled_balance(self) -> int:
        self._settler.settle(goals_now=True)
        return self._queries.balance()
