"""Goal periods, goal bonuses and badges, refreshed inside a settling transaction.

Reads the aggregated ``daily_usage``, task completions and purchases, asks
``core.goals`` for the verdicts and books a goal's bonus once per period (its
idempotency key is the goal and the period). Badges are earned once and kept.

Which days need it is on disk (``goal_work``): :func:`queue_goal_work` runs in the
transaction that changes a day, :func:`finish_goal_work` in the one that writes
the goals, so a crash between the two loses nothing. Badges are judged on the
periods the same refresh writes, so a streak completed today earns its badge now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select, text, update

from human_pretraining.core.clock import add_days, week_days
from human_pretraining.core.goals import (
    GoalProgress,
    LifetimeTotals,
    PeriodTotals,
    earned_badges,
    evaluate,
    period_days,
    period_key,
    previous_period_day,
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
    GoalWork,
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


def _met_keys(conn: Connection, goal: Goal, planned: Mapping[tuple[str, str], bool]) -> set[str]:
    """The periods ``goal`` met: stored ones, overridden by what a refresh is about to write."""
    met = set(
        conn.execute(
            select(GoalPeriod.period_key).where(GoalPeriod.goal == goal.name, GoalPeriod.met)
        ).scalars()
    )
    for (name, key), is_met in planned.items():
        if name == goal.name:
            (met.add if is_met else met.discard)(key)
    return met


def goal_streak(conn: Connection, goal: Goal, today: int) -> int:
    return streak(goal, _met_keys(conn, goal, {}), today)


# Enough periods to walk a century of days back; a period key from the future (a
# clock set wrong once) must not make the walk endless.
_MAX_WALK = 40_000


def longest_streak(goal: Goal, met_keys: set[str], today: int) -> int:
    """The longest run of consecutive periods met, up to today's.

    Not just the current one: a backlog delivered late can complete a run in the
    past, and that run earns its badge as if it had arrived on time.
    """
    left = set(met_keys)
    best = run = 0
    day = today
    for _ in range(_MAX_WALK):
        if not left:
            break
        key = period_key(goal, day)
        if key in left:
            left.discard(key)
            run += 1
            best = max(best, run)
        else:
            run = 0
        day = previous_period_day(goal, day)
    return best


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
    work: tuple[tuple[int, int], ...] = ()  # the goal work (day, stamp) this plan covers
    today: int = 0


def plan_progress(
    conn: Connection,
    config: Config,
    days: Iterable[int],
    today: int,
    work: Sequence[tuple[int, int]] = (),
) -> ProgressPlan:
    """Every goal's progress for the periods containing ``days``, and badges newly reached.

    Badges are judged as if the periods planned here were already stored, so the
    refresh that completes a streak also earns its badge.
    """
    periods: list[tuple[int, GoalProgress]] = []
    for goal in config.goals:
        seen: set[str] = set()
        for day in sorted(days):
            progress = goal_progress(conn, goal, day, today)
            if progress.period_key not in seen:
                seen.add(progress.period_key)
                periods.append((day, progress))
    planned = {(p.goal.name, p.period_key): p.met for _, p in periods}
    bonuses = {
        f"goal:{p.goal.name}:{p.period_key}": p.goal.bonus
        for _, p in periods
        if p.met and p.goal.bonus > 0
    }
    have = set(conn.execute(select(EarnedBadge.badge)).scalars())
    reached = earned_badges(lifetime_totals(conn, config, today, planned, bonuses))
    return ProgressPlan(
        tuple(periods), tuple(b.id for b in reached if b.id not in have), tuple(work), today
    )


def apply_progress(conn: Connection, plan: ProgressPlan, device: int, now: int) -> int:
    """Save the goal periods, book bonuses for goals met (once per period), add badges,
    and consume the goal work the plan covered."""
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
    finish_goal_work(conn, plan.work, plan.today)
    return booked


def lifetime_totals(
    conn: Connection,
    config: Config,
    today: int,
    planned: Mapping[tuple[str, str], bool] | None = None,
    bonuses: Mapping[str, int] | None = None,
) -> LifetimeTotals:
    """Everything badges are about; ``planned`` periods and ``bonuses`` are a refresh's
    own results, counted as if already written."""
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
    earned = int(
        conn.execute(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(LedgerEntry.amount > 0)
        ).scalar_one()
    )
    if bonuses:
        booked = set(
            conn.execute(
                select(LedgerEntry.idem_key).where(LedgerEntry.idem_key.in_(list(bonuses)))
            ).scalars()
        )
        earned += sum(amount for key, amount in bonuses.items() if key not in booked)
    best = max(
        (longest_streak(g, _met_keys(conn, g, planned or {}), today) for g in config.goals),
        default=0,
    )
    return LifetimeTotals(
        focus_ms=int(by_category.get("focus") or 0),
        learning_ms=int(by_category.get("learning") or 0),
        words=int(words),
        tasks=int(tasks),
        purchases=int(purchases),
        earned=earned,
        best_streak=best,
    )


# --------------------------------------------------------------------------- goal work

_QUEUE = (
    "INSERT INTO goal_work (day, stamp, due) VALUES (:day, 1, 0)"
    " ON CONFLICT (day) DO UPDATE SET stamp = goal_work.stamp + 1, due = 0"
)


def queue_goal_work(conn: Connection, days: Iterable[int]) -> None:
    """Record, in the caller's transaction, that ``days`` changed and their goals must follow.

    A day already queued gets a new stamp, so a refresh that read the old one
    leaves it queued (it did not see this change).
    """
    rows = [{"day": d} for d in sorted(set(days))]
    if rows:
        conn.execute(text(_QUEUE), rows)


def pending_goal_work(conn: Connection, today: int) -> list[tuple[int, int]]:
    """The (day, stamp) rows due by ``today``, oldest day first."""
    rows = conn.execute(
        select(GoalWork.day, GoalWork.stamp).where(GoalWork.due <= today).order_by(GoalWork.day)
    ).all()
    return [(int(day), int(stamp)) for day, stamp in rows]


def _closes(day: int, today: int) -> int | None:
    """The next day on which a verdict about ``day`` becomes final, or None if all are.

    A day's own period closes the day after; its week the day after the week ends
    ("at most" goals are judged only once their period is over).
    """
    if day >= today:
        return add_days(day, 1)
    week_end = max(week_days(day))
    if week_end >= today:
        return add_days(week_end, 1)
    return None


def finish_goal_work(conn: Connection, work: Iterable[tuple[int, int]], today: int) -> None:
    """Consume the evaluated work: gone if final, else due when its period closes.

    Only rows whose stamp is still the one read: a day changed since stays queued.
    """
    for day, stamp in work:
        mine = (GoalWork.day == day, GoalWork.stamp == stamp)
        closes = _closes(day, today)
        if closes is None:
            conn.execute(delete(GoalWork).where(*mine))
        else:
            conn.execute(update(GoalWork).where(*mine).values(due=closes))


def progress_days(days: set[int], today: int) -> set[int]:
    """The changed days plus today and the periods that may just have closed.

    Yesterday and last week matter because "at most" goals are judged once over.
    """
    return days | {today, add_days(today, -1), add_days(today, -7)}
