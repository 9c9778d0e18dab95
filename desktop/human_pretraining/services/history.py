"""What the Goals and Rewards views read beyond the summary: task status, the shop, purchases.

* :meth:`History.task_status` says, per task, whether it can be checked off now
  or has already paid for its period (the same period keys
  :meth:`Economy.complete_task` uses), with the reason in the user's words.
* :meth:`History.shop` says, per reward, whether it can be bought now. It does
  not restate the rule: it reads the balance and today's purchases and asks
  :func:`core.ledger.check_purchase`, the check the purchase itself runs.
* :meth:`History.purchases` lists purchases newest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from human_pretraining.core.clock import day_of
from human_pretraining.core.ledger import PurchaseRefused, check_purchase
from human_pretraining.core.model import Repeat, Reward, Task
from human_pretraining.services.deps import Deps
from human_pretraining.store.ledger import balance
from human_pretraining.store.models import Purchase, TaskCompletion

# check_purchase speaks to someone who just tried to buy; before any try, this tail is noise.
_AFTER_A_TRY = " Nothing was spent."


@dataclass(frozen=True)
class TaskStatus:
    task: Task
    done: bool  # already paid for its current period
    reason: str  # why it cannot be checked off now ("" when it can)


@dataclass(frozen=True)
class ShopItem:
    reward: Reward
    bought_today: int
    refusal: str  # why it cannot be bought now ("" when it can)

    @property
    def can_buy(self) -> bool:
        return not self.refusal


@dataclass(frozen=True)
class Shop:
    balance: int
    items: tuple[ShopItem, ...]


@dataclass(frozen=True)
class PurchaseRow:
    at_ms: int
    reward: str
    cost: int
    ends_ms: int | None


class History:
    def __init__(self, deps: Deps) -> None:
        self._db = deps.db
        self._config = deps.config
        self._tz = deps.tz
        self._clock = deps.clock

    def task_status(self) -> list[TaskStatus]:
        """Every configured task, in file order, with whether it already paid this period."""
        tasks = self._config().tasks
        today = str(day_of(self._clock(), self._tz()))
        with self._db.read() as conn:
            rows = conn.execute(
                select(TaskCompletion.task, TaskCompletion.period_key).where(
                    TaskCompletion.period_key.in_(("once", today))
                )
            ).all()
        done = {(r.task, r.period_key) for r in rows}
        result = []
        for task in tasks:
            if task.repeat is Repeat.ONCE and (task.name, "once") in done:
                result.append(TaskStatus(task, True, "Done: it pays once, and it has."))
            elif task.repeat is Repeat.DAILY and (task.name, today) in done:
                result.append(TaskStatus(task, True, "Done today: it pays again tomorrow."))
            else:
                result.append(TaskStatus(task, False, ""))
        return result

    def shop(self) -> Shop:
        """Every reward with whether it can be bought now, and the balance it was judged on."""
        config = self._config()
        today = day_of(self._clock(), self._tz())
        with self._db.read() as conn:
            current = balance(conn)
            rows = conn.execute(
                select(Purchase.reward, func.count())
                .where(Purchase.day == today)
                .group_by(Purchase.reward)
            ).all()
        counts = {r[0]: int(r[1]) for r in rows}
        items = []
        for reward in config.rewards:
            bought = int(counts.get(reward.name, 0))
            try:
                check_purchase(reward, current, bought, config.settings)
                refusal = ""
            except PurchaseRefused as exc:
                refusal = str(exc).removesuffix(_AFTER_A_TRY)
            items.append(ShopItem(reward, bought, refusal))
        return Shop(current, tuple(items))

    def purchases(self, limit: int = 100) -> list[PurchaseRow]:
        """The latest purchases, newest first."""
        with self._db.read() as conn:
            rows = conn.execute(
                select(Purchase.at_ms, Purchase.reward, Purchase.cost, Purchase.ends_ms)
                .order_by(Purchase.at_ms.desc(), Purchase.id.desc())
                .limit(limit)
            ).all()
        return [PurchaseRow(r.at_ms, r.reward, r.cost, r.ends_ms) for r in rows]
