"""What the surfaces read: balance, today's summary, time per subject, recent entries.

Every query reads aggregated tables (``ledger_totals``, ``daily_usage``,
``goal_periods``) or a narrow index range, so it stays within the brief's
targets on a year of history.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from human_pretraining.core.clock import add_days, day_of
from human_pretraining.core.goals import BADGES, GoalProgress, badge_value
from human_pretraining.services.deps import Deps
from human_pretraining.services.progress import goal_progress, goal_streak, lifetime_totals
from human_pretraining.store.ledger import balance
from human_pretraining.store.models import (
    DailyUsage,
    Device,
    EarnedBadge,
    LedgerEntry,
    Purchase,
    Subject,
)

# What a ledger entry says to a person (the dashboard's list; the export adds its keys).
LEDGER_ROW = (
    LedgerEntry.at_ms,
    LedgerEntry.day,
    LedgerEntry.amount,
    LedgerEntry.kind,
    LedgerEntry.ref,
    LedgerEntry.note,
)


@dataclass(frozen=True)
class GoalStatus:
    progress: GoalProgress
    streak: int


@dataclass(frozen=True)
class ActiveAllowance:
    reward: str
    target: str
    ends_ms: int


@dataclass(frozen=True)
class Summary:
    balance: int
    earned_today: int
    spent_today: int
    goals: tuple[GoalStatus, ...]
    allowances: tuple[ActiveAllowance, ...]
    day: int


@dataclass(frozen=True)
class UsageRow:
    source: str
    subject: str
    category: str
    rule_id: str | None
    active_ms: int
    words: int
    points: int


@dataclass(frozen=True)
class DeviceTime:
    """Counted time of one machine over some days (they share one ledger)."""

    device_id: int
    name: str
    this_device: bool
    active_ms: int
    points: int
    by_category: dict[str, int]  # category -> ms


@dataclass(frozen=True)
class BadgeStatus:
    id: str
    title: str
    description: str
    earned_ms: int | None
    progress: float


class Queries:
    def __init__(self, deps: Deps) -> None:
        self._db = deps.db
        self._device = deps.device_id
        self._config = deps.config
        self._tz = deps.tz
        self._clock = deps.clock

    def today(self) -> int:
        return day_of(self._clock(), self._tz())

    def balance(self) -> int:
        with self._db.read() as conn:
            return balance(conn)

    def summary(self) -> Summary:
        today = self.today()
        now = self._clock()
        with self._db.read() as conn:
            earned, spent = conn.execute(
                select(
                    func.coalesce(func.sum(LedgerEntry.amount).filter(LedgerEntry.amount > 0), 0),
                    func.coalesce(func.sum(LedgerEntry.amount).filter(LedgerEntry.amount < 0), 0),
                ).where(LedgerEntry.day == today)
            ).one()
            goals = tuple(
                GoalStatus(goal_progress(conn, g, today, today), goal_streak(conn, g, today))
                for g in self._config().goals
            )
            return Summary(
                balance=balance(conn),
                earned_today=int(earned),
                spent_today=-int(spent),
                goals=goals,
                allowances=tuple(self._allowances(conn, now)),
                day=today,
            )

    def _allowances(self, conn: Connection, now: int) -> Iterator[ActiveAllowance]:
        rows = conn.execute(
            select(
                Purchase.reward,
                Purchase.allowance_site,
                Purchase.allowance_category,
                Purchase.ends_ms,
            )
            .where(Purchase.ends_ms > now, Purchase.at_ms <= now)
            .order_by(Purchase.ends_ms)
        ).all()
        for r in rows:
            yield ActiveAllowance(
                r.reward, r.allowance_site or r.allowance_category or "", r.ends_ms
            )

    def usage(self, first_day: int, last_day: int) -> list[UsageRow]:
        """Counted time per subject over [first_day, last_day], most time first."""
        with self._db.read() as conn:
            rows = conn.execute(
                select(
                    Subject.source,
                    Subject.name,
                    DailyUsage.category,
                    DailyUsage.rule_id,
                    func.sum(DailyUsage.active_ms).label("ms"),
                    func.sum(DailyUsage.words),
                    func.sum(DailyUsage.points),
                )
                .join(Subject, Subject.id == DailyUsage.subject_id)
                .where(DailyUsage.day >= first_day, DailyUsage.day <= last_day)
                .group_by(Subject.source, Subject.name, DailyUsage.category, DailyUsage.rule_id)
                .order_by(func.sum(DailyUsage.active_ms).desc())
            ).all()
        return [UsageRow(r[0], r[1], r[2], r[3], int(r[4]), int(r[5]), int(r[6])) for r in rows]

    def device_usage(self, first_day: int, last_day: int) -> list[DeviceTime]:
        """Counted time per device over [first_day, last_day], most time first.

        Only devices with time in the range appear; balance, goals and badges are
        the same on every device (they read all devices' rows).
        """
        with self._db.read() as conn:
            rows = conn.execute(
                select(
                    Device.id,
                    Device.name,
                    DailyUsage.category,
                    func.sum(DailyUsage.active_ms),
                    func.sum(DailyUsage.points),
                )
                .join(Device, Device.id == DailyUsage.device_id)
                .where(DailyUsage.day >= first_day, DailyUsage.day <= last_day)
                .group_by(Device.id, Device.name, DailyUsage.category)
            ).all()
        devices: dict[int, tuple[str, dict[str, int], list[int]]] = {}
        for device_id, name, category, ms, points in rows:
            entry = devices.setdefault(device_id, (name, {}, [0]))
            entry[1][category] = int(ms)
            entry[2][0] += int(points)
        result = [
            DeviceTime(d, name, d == self._device, sum(cats.values()), pts[0], cats)
            for d, (name, cats, pts) in devices.items()
        ]
        return sorted(result, key=lambda t: (-t.active_ms, t.device_id))

    def week_usage(self) -> list[UsageRow]:
        today = self.today()
        return self.usage(add_days(today, -6), today)

    def recent_entries(self, limit: int = 10) -> list[dict[str, Any]]:
        with self._db.read() as conn:
            rows = conn.execute(
                select(*LEDGER_ROW)
                .order_by(LedgerEntry.at_ms.desc(), LedgerEntry.id.desc())
                .limit(limit)
            ).all()
        return [dict(r._mapping) for r in rows]

    def badges(self) -> list[BadgeStatus]:
        today = self.today()
        with self._db.read() as conn:
            earned = dict(conn.execute(select(EarnedBadge.badge, EarnedBadge.earned_ms)).all())
            totals = lifetime_totals(conn, self._config(), today)
        return [
            BadgeStatus(
                b.id,
                b.title,
                b.description,
                earned.get(b.id),
                min(1.0, badge_value(b, totals) / b.threshold),
            )
            for b in BADGES
        ]
