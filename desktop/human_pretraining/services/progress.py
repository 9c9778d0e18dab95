"""Goal periods, goal bonuses and badges, refreshed inside a settling transaction.

Reads the aggregated ``daily_usage``, task completions and purchases, asks
``core.goals`` for the verdicts and books a goal's bonus once per period (its
idempotency key is the goal and the period). Badges are earned once and kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select

from human_pretraining.core.clock import add_days
from human_pretraining.core.goals import (
    GoalProgress,
    LifetimeTotals,
    PeriodTotals,
    earned_badges,
    evaluate,
    period_days,
    streak,
)
from human_pretraining.core.ledger import Booking
from human_pretraining.core.model import Category, Config, Goal, format_points
from human_pretraining.store.concurrency import PROGRESS, insert_new, lock_app
from human_pretraining.store.ledger import book
from human_pretraining.store.models import (
    DailyUsage,
    EarnedBadge,
    GoalPeriod,
    LedgerEntry,
    Purchase,
    TaskCompletion,
)


def period_totals(conn: Connection, days: list[int]) -> PeriodTotals:
    lo, hi = min(days), max(days)
    rows = conn.execute(
        select(DailyUsage.category, func.sum(DailyUsage.active_ms), func.sum(DailyUsage.words))
        .where(DailyUsage.day >= lo, DailyUsage.day <= hi)
        .group_by(DailyUsage.category)
    ).all()
    tasks = conn.execute(
        select(func.count()).where(TaskCompletion.day >= lo, TaskCompletion.day <= hi)
    ).scalar_one()
    return PeriodTotals(
        active_ms={Category(c): int(ms or 0) for c, ms, _ in rows},
        words=sum(int(w or 0) for _, _, w in rows),
        tasks=int(tasks),
    )


def goal_progress(conn: Connection, goal: Goal, day: int, today: int) -> GoalProgress:
    return evaluate(goal, day, period_totals(conn, period_days(goal, day)), today)


def goal_streak(conn: Connection, goal: Goal, today: int) -> int:
    met = set(
        conn.execute(
            select(GoalPeriod.period_key).where(GoalPeriod.goal == goal.name, GoalPeriod.met)
        ).scalars()
    )
    return streak(goal, met, today)


def _save_period(conn: Connection, progress: GoalProgress) -> None:
    """Store a goal period's value, writing only when it changed (keeps the write short)."""
    key = (GoalPeriod.goal == progress.goal.name, GoalPeriod.period_key == progress.period_key)
    stored = conn.execute(
        select(GoalPeriod.value, GoalPeriod.target, GoalPeriod.met).where(*key)
    ).first()
    if stored is not None and tuple(stored) == (
        progress.value,
        progress.goal.target,
        progress.met,
    ):
        return
    conn.execute(delete(GoalPeriod).where(*key))
    conn.execute(
        insert(GoalPeriod).values(
            goal=progress.goal.name,
            period_key=progress.period_key,
            value=progress.value,
            target=progress.goal.target,
            met=progress.met,
        )
    )


@dataclass(frozen=True)
class ProgressPlan:
    """What a refresh will write, worked out on a read snapshot (no lock held)."""

    periods: tuple[tuple[int, GoalProgress], ...]  # (a day in the period, its progress)
    new_badges: tuple[str, ...]


def plan_progress(
    conn: Connection, config: Config, days: Iterable[int], today: int
) -> ProgressPlan:
    """Every goal's progress for the periods containing ``days``, and badges newly reached."""
    periods: list[tuple[int, GoalProgress]] = []
    for goal in config.goals:
        seen: set[str] = set()
        for day in sorted(days):
            progress = goal_progress(conn, goal, day, today)
            if progress.period_key not in seen:
                seen.add(progress.period_key)
                periods.append((day, progress))
    have = set(conn.execute(select(EarnedBadge.badge)).scalars())
    reached = earned_badges(lifetime_totals(conn, config, today))
    return ProgressPlan(tuple(periods), tuple(b.id for b in reached if b.id not in have))


def apply_progress(conn: Connection, plan: ProgressPlan, device: int, now: int) -> int:
    """Save the goal periods, book bonuses for goals met (once per period), add badges."""
    lock_app(conn, PROGRESS)  # one machine at a time rewrites goal periods
    booked = 0
    for day, progress in plan.periods:
        _save_period(conn, progress)
        goal = progress.goal
        if progress.met and goal.bonus:
            bonus = Booking(
                idem_key=f"goal:{goal.name}:{progress.period_key}",
                amount=goal.bonus,
                kind="goal",
                ref=goal.name,
                note=f"Goal '{goal.name}' met ({progress.period_key}): "
                f"+{format_points(goal.bonus)} bonus",
            )
            booked += book(conn, device, now, day, bonus)
    have = set(conn.execute(select(EarnedBadge.badge)).scalars())
    new = [b for b in plan.new_badges if b not in have]
    if new:
        conn.execute(
            insert_new(conn, EarnedBadge, ["badge"]),
            [{"badge": b, "earned_ms": now, "device_id": device} for b in new],
        )
    return booked


def lifetime_totals(conn: Connection, config: Config, today: int) -> LifetimeTotals:
    by_category = dict(
        conn.execute(
            select(DailyUsage.category, func.sum(DailyUsage.active_ms)).group_by(
                DailyUsage.category
            )
        ).all()
    )
    words = conn.execute(select(func.coalesce(func.sum(DailyUsage.words), 0))).scalar_one()
    tasks = conn.execute(select(func.count()).select_from(TaskCompletion)).scalar_one()
    purchases = conn.execute(select(func.count()).select_from(Purchase)).scalar_one()
    earned = conn.execute(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(LedgerEntry.amount > 0)
    ).scalar_one()
    best = max((goal_streak(conn, g, today) for g in config.goals), default=0)
    return LifetimeTotals(
        focus_ms=int(by_category.get("focus") or 0),
        learning_ms=int(by_category.get("learning") or 0),
        words=int(words),
        tasks=int(tasks),
        purchases=int(purchases),
        earned=int(earned),
        best_streak=best,
    )


def progress_days(days: set[int], today: int) -> set[int]:
    """The changed days plus today and the periods that may just have closed.

    Yesterday and last week matter because "at most" goals are judged once over.
    """
    return days | {today, add_days(today, -1), add_days(today, -7)}
