"""Checking off tasks and buying rewards: the two ways points move by the user's hand.

Each is one write transaction that checks and books together (``BEGIN IMMEDIATE``
on SQLite, an advisory lock on PostgreSQL), so two purchases racing — on one
machine or two — cannot both spend the same points, and a refused purchase
writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, select

from human_pretraining.core.clock import day_of, days_between
from human_pretraining.core.ledger import Booking, PurchaseRefused, check_purchase
from human_pretraining.core.model import MINUTE_MS, Repeat, Reward, Task, format_points
from human_pretraining.services.deps import Deps
from human_pretraining.services.ingest import mark_dirty
from human_pretraining.services.notify import Change
from human_pretraining.store.concurrency import SPENDING, lock_app
from human_pretraining.store.ledger import balance, book
from human_pretraining.store.models import Purchase, TaskCompletion


class NotFound(LookupError):
    """No task or reward by that name; the message lists what exists."""


class AlreadyDone(Exception):
    """A once/daily task that has already paid for this period."""


@dataclass(frozen=True)
class TaskDone:
    task: str
    points: int
    balance: int


@dataclass(frozen=True)
class Bought:
    reward: str
    cost: int
    balance: int
    ends_ms: int | None  # allowances: when the prepaid window closes


def _not_found(what: str, name: str, items: Sequence[Task] | Sequence[Reward]) -> NotFound:
    known = ", ".join(f"'{i.name}'" for i in items) or "none defined"
    return NotFound(f"There is no {what} named '{name}'. {what.capitalize()}s: {known}.")


class Economy:
    def __init__(self, deps: Deps) -> None:
        self._db = deps.db
        self._device = deps.device_id
        self._config = deps.config
        self._tz = deps.tz
        self._clock = deps.clock
        self._notifier = deps.notifier

    def complete_task(self, name: str) -> TaskDone:
        config = self._config()
        task = config.task(name)
        if task is None:
            raise _not_found("task", name, config.tasks)
        now = self._clock()
        today = day_of(now, self._tz())
        period = {Repeat.ONCE: "once", Repeat.DAILY: str(today)}.get(task.repeat, str(uuid.uuid4()))
        with self._db.write() as conn:
            lock_app(conn, SPENDING)  # machines check off and spend one at a time
            done = conn.execute(
                select(TaskCompletion.id).where(
                    TaskCompletion.task == task.name, TaskCompletion.period_key == period
                )
            ).first()
            if done is not None:
                when = "already" if task.repeat is Repeat.ONCE else "already today"
                raise AlreadyDone(
                    f"'{task.name}' was {when} checked off; it pays {task.repeat.value}."
                )
            conn.execute(
                insert(TaskCompletion).values(
                    device_id=self._device,
                    task=task.name,
                    period_key=period,
                    points=task.points,
                    at_ms=now,
                    day=today,
                )
            )
            mark_dirty(conn, [today])  # task goals and badges are refreshed by settling
            note = f"Task '{task.name}' checked off: +{format_points(task.points)}"
            book(
                conn,
                self._device,
                now,
                today,
                Booking(f"task:{task.name}:{period}", task.points, "task", task.name, note),
            )
            done_task = TaskDone(task.name, task.points, balance(conn))
        self._notifier.publish(Change.LEDGER)
        return done_task

    def redeem(self, name: str) -> Bought:
        """Buy a reward; raises PurchaseRefused (nothing written) when it may not be bought."""
        config = self._config()
        reward = config.reward(name)
        if reward is None:
            raise _not_found("reward", name, config.rewards)
        return self.buy(reward)

    def buy(self, reward: Reward) -> Bought:
        """Book a purchase of ``reward`` (from the shop or an ad-hoc site allowance)."""
        settings = self._config().settings
        now = self._clock()
        today = day_of(now, self._tz())
        with self._db.write() as conn:
            lock_app(conn, SPENDING)  # the balance checked is the balance debited
            bought_today = conn.execute(
                select(func.count()).where(Purchase.reward == reward.name, Purchase.day == today)
            ).scalar_one()
            current = balance(conn)
            check_purchase(reward, current, int(bought_today), settings)
            uid = str(uuid.uuid4())
            ends = now + reward.minutes * MINUTE_MS if reward.is_allowance else None
            conn.execute(
                insert(Purchase).values(
                    uid=uid,
                    device_id=self._device,
                    reward=reward.name,
                    cost=reward.cost,
                    at_ms=now,
                    day=today,
                    allowance_site=reward.site if reward.is_allowance else None,
                    allowance_category=reward.category.value
                    if reward.is_allowance and reward.category
                    else None,
                    ends_ms=ends,
                )
            )
            # Today's goals and badges refresh on settling; for an allowance, time already
            # settled inside its window must be re-scored as prepaid.
            mark_dirty(conn, days_between(now, ends, self._tz()) if ends else [today])
            what = f" ({reward.minutes} min allowance)" if reward.is_allowance else ""
            note = f"Bought '{reward.name}'{what}: -{format_points(reward.cost)}"
            booking = Booking(f"purchase:{uid}", -reward.cost, "reward", reward.name, note)
            book(conn, self._device, now, today, booking)
        self._notifier.publish(Change.LEDGER)
        return Bought(reward.name, reward.cost, current - reward.cost, ends)


__all__ = ["AlreadyDone", "Bought", "Economy", "NotFound", "PurchaseRefused", "TaskDone"]
