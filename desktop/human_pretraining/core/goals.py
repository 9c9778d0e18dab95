"""Goals per day or week, streaks of periods met, and milestone badges.

Pure functions over totals the store already aggregated: a period's minutes per
category, words written and tasks done. ``max_minutes`` goals ("feeds under 30
minutes") can only be judged once their period is over; the others are met the
moment the value reaches the target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from human_pretraining.core.clock import add_days, week_days, week_key
from human_pretraining.core.model import MINUTE_MS, Category, Goal, GoalKind, Period


@dataclass(frozen=True)
class PeriodTotals:
    """What happened in one goal period."""

    active_ms: Mapping[Category, int]
    words: int = 0
    tasks: int = 0


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    period_key: str
    value: int  # minutes, words or tasks so far
    met: bool
    closed: bool  # the period is over, so the verdict is final

    @property
    def fraction(self) -> float:
        """Progress toward the target for a bar, 0..1 (for ``max_minutes``: budget used)."""
        if self.goal.target <= 0:
            return 1.0
        return min(1.0, self.value / self.goal.target)


def period_key(goal: Goal, day: int) -> str:
    return str(day) if goal.period is Period.DAY else week_key(day)


def period_days(goal: Goal, day: int) -> list[int]:
    return [day] if goal.period is Period.DAY else week_days(day)


def goal_value(goal: Goal, totals: PeriodTotals) -> int:
    if goal.kind in (GoalKind.MINUTES, GoalKind.MAX_MINUTES):
        if goal.category is None:
            return 0
        return totals.active_ms.get(goal.category, 0) // MINUTE_MS
    if goal.kind is GoalKind.WORDS:
        return totals.words
    return totals.tasks


def evaluate(goal: Goal, day: int, totals: PeriodTotals, today: int) -> GoalProgress:
    """Progress of ``goal`` in the period containing ``day``, judged as of ``today``."""
    closed = max(period_days(goal, day)) < today
    value = goal_value(goal, totals)
    if goal.kind is GoalKind.MAX_MINUTES:
        # A day the computer was not used proves no restraint: it meets no "at most" goal.
        tracked = any(ms > 0 for ms in totals.active_ms.values())
        met = closed and tracked and value <= goal.target
    else:
        met = value >= goal.target
    return GoalProgress(goal, period_key(goal, day), value, met, closed)


def previous_period_day(goal: Goal, day: int) -> int:
    return add_days(day, -1 if goal.period is Period.DAY else -7)


def streak(goal: Goal, met_keys: set[str], today: int) -> int:
    """Consecutive periods met, ending with the current one (or the last one if the
    current period is still open and not yet met)."""
    day = today
    if period_key(goal, day) not in met_keys:
        day = previous_period_day(goal, day)
    count = 0
    while period_key(goal, day) in met_keys:
        count += 1
        day = previous_period_day(goal, day)
    return count


# --------------------------------------------------------------------------- badges


@dataclass(frozen=True)
class LifetimeTotals:
    """Everything a badge can be about, summed over all of history."""

    focus_ms: int = 0
    learning_ms: int = 0
    words: int = 0
    tasks: int = 0
    purchases: int = 0
    earned: int = 0  # milli-points credited in total
    best_streak: int = 0


@dataclass(frozen=True)
class BadgeSpec:
    id: str
    title: str
    description: str
    metric: str  # a LifetimeTotals field
    threshold: int


BADGES: Sequence[BadgeSpec] = (
    BadgeSpec("first-task", "First step", "Check off your first task", "tasks", 1),
    BadgeSpec(
        "focus-10h", "Deep worker", "10 hours of focused work", "focus_ms", 10 * 60 * MINUTE_MS
    ),
    BadgeSpec(
        "learning-10h",
        "Lifelong learner",
        "10 hours of learning",
        "learning_ms",
        10 * 60 * MINUTE_MS,
    ),
    BadgeSpec(
        "focus-100h", "Centurion", "100 hours of focused work", "focus_ms", 100 * 60 * MINUTE_MS
    ),
    BadgeSpec("words-10k", "Author", "10,000 words written", "words", 10_000),
    BadgeSpec("words-100k", "Novelist", "100,000 words written", "words", 100_000),
    BadgeSpec("streak-7", "One good week", "Meet a goal 7 periods in a row", "best_streak", 7),
    BadgeSpec("streak-30", "Habit formed", "Meet a goal 30 periods in a row", "best_streak", 30),
    BadgeSpec("tasks-50", "Reliable", "Check off 50 tasks", "tasks", 50),
    BadgeSpec("first-reward", "Treat yourself", "Buy your first reward", "purchases", 1),
    BadgeSpec("earned-1000", "Four digits", "Earn 1,000 points in total", "earned", 1_000_000),
)


def badge_value(spec: BadgeSpec, totals: LifetimeTotals) -> int:
    value = getattr(totals, spec.metric)
    assert isinstance(value, int)
    return value


def earned_badges(totals: LifetimeTotals) -> list[BadgeSpec]:
    return [b for b in BADGES if badge_value(b, totals) >= b.threshold]
