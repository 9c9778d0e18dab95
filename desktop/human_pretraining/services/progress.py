"""Goal periods, goal bonuses and badges, refreshed inside a settling transaction.

Reads the aggregated ``daily_usage``, task completions and purchases, asks
``core.goals`` for the verdicts and books a goal's bonus once per period (its
idempotency key is the goal and the period). Badges are earned once and kept.
"""

from __future__ import annotations

from collections.abc import Iterable

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
    conn.execute(
        delete(GoalPeriod).where(
            GoalPeriod.goal == progress.goal.name, GoalPeriod.period_key == progress.period_key
        )
    )
    conn.execute(
        insert(GoalPeriod).values(
            goal=progress.goal.name,
            period_key=progress.period_key,
            value=progress.value,
            target=progress.goal.target,
            met=progress.met,
        )
    )


def refresh_goals(
    conn: Connection, config: Config, device: int, days: Iterable[int], today: int, now: int
) -> int:
    """Re-evaluate every goal for the periods containing ``days``; book new bonuses."""
    booked = 0
    for goal in config.goals:
        seen: set[str] = set()
        for day in sorted(days):
            progress = goal_progress(conn, goal, day, today)
            if progress.period_key in seen:
                continue
            seen.add(progress.period_key)
            _save_period(conn, progress)
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


def refresh_badges(
    conn: Connection, config: Config, device: int, today: int, now: int
) -> list[str]:
    """Award badges whose milestone is reached; returns the ids newly earned."""
    have = set(conn.execute(select(EarnedBadge.badge)).scalars())
    new = [b.id for b in earned_badges(lifetime_totals(conn, config, today)) if b.id not in have]
    if new:
        conn.execute(
            insert(EarnedBadge), [{"badge": b, "earned_ms": now, "device_id": device} for b in new]
        )
    return new


def update_progress(
    conn: Connection, config: Config, device: int, days: set[int], today: int, now: int
) -> int:
    """Goals for the changed days plus today and the periods that just closed, then badges."""
    # Yesterday and last week may just have closed: "at most" goals are judged then.
    touched = days | {today, add_days(today, -1), add_days(today, -7)}
    booked = refresh_goals(conn, config, device, touched, today, now)
    refresh_badges(conn, config, device, today, now)
    return booked
