"""Settlement bookings, purchase checks, goal verdicts, streaks and badges (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from human_pretraining.core.goals import (
    LifetimeTotals,
    PeriodTotals,
    earned_badges,
    evaluate,
    streak,
)
from human_pretraining.core.ledger import PurchaseRefused, check_purchase, settlement_bookings
from human_pretraining.core.model import (
    MINUTE_MS,
    Category,
    Goal,
    GoalKind,
    Period,
    Reward,
    Settings,
)


@given(st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=10))
def test_bookings_bring_a_bucket_to_its_latest_target(targets: list[int]) -> None:
    booked: dict[str, tuple[int, int]] = {}
    for target in targets:
        for b in settlement_bookings(20261126, {"r": (target, "why")}, booked):
            have, count = booked.get(b.bucket or "", (0, 0))
            assert b.idem_key == f"{b.bucket}#{count}", "keys number the bucket's entries"
            booked[b.bucket or ""] = (have + b.amount, count + 1)
        assert booked.get("activity:20261126:r", (0, 0))[0] == target
    # Settling again with the same target books nothing: idempotent.
    assert settlement_bookings(20261126, {"r": (targets[-1], "why")}, booked) == []


def test_a_rule_with_no_time_left_is_brought_back_to_zero() -> None:
    bookings = settlement_bookings(20261126, {}, {"activity:20261126:old": (5000, 1)})
    assert [(b.amount, b.idem_key) for b in bookings] == [(-5000, "activity:20261126:old#1")]


PHONE = Reward("30 min of phone time", cost=60_000, daily_limit=2)


def test_purchase_beyond_the_balance_is_refused_with_the_numbers() -> None:
    with pytest.raises(PurchaseRefused, match="costs 60 points; the balance is 25, 35 short"):
        check_purchase(PHONE, 25_000, 0, Settings())


def test_overdraft_only_when_enabled_and_within_its_limit() -> None:
    settings = Settings(allow_overdraft=True, overdraft_limit=40_000)
    check_purchase(PHONE, 25_000, 0, settings)  # ends at -35: allowed
    with pytest.raises(PurchaseRefused):
        check_purchase(PHONE, 10_000, 0, settings)  # would end at -50


def test_daily_limit() -> None:
    with pytest.raises(PurchaseRefused, match="2 times a day"):
        check_purchase(PHONE, 1_000_000, 2, Settings())


DEEP = Goal("Deep work", GoalKind.MINUTES, 120, Period.DAY, Category.FOCUS, bonus=20_000)
FEEDS = Goal("Feeds", GoalKind.MAX_MINUTES, 30, Period.DAY, Category.DISTRACTION)
WEEKLY = Goal("Weekly words", GoalKind.WORDS, 2000, Period.WEEK)


def test_minutes_goal_met_as_soon_as_reached() -> None:
    totals = PeriodTotals({Category.FOCUS: 125 * MINUTE_MS})
    progress = evaluate(DEEP, 20261126, totals, today=20261126)
    assert (progress.value, progress.met, progress.closed) == (125, True, False)


def test_at_most_goal_is_judged_only_when_the_day_is_over() -> None:
    totals = PeriodTotals({Category.DISTRACTION: 10 * MINUTE_MS})
    assert not evaluate(FEEDS, 20261126, totals, today=20261126).met
    assert evaluate(FEEDS, 20261126, totals, today=20261127).met
    idle_day = PeriodTotals({})
    assert not evaluate(FEEDS, 20261126, idle_day, today=20261127).met, "nothing tracked"
    over = PeriodTotals({Category.DISTRACTION: 31 * MINUTE_MS})
    assert not evaluate(FEEDS, 20261126, over, today=20261127).met


def test_week_goal_uses_iso_weeks() -> None:
    progress = evaluate(WEEKLY, 20261126, PeriodTotals({}, words=2500), today=20261126)
    assert (progress.period_key, progress.met) == ("2026-W48", True)


def test_streak_counts_consecutive_met_periods() -> None:
    met = {"20261126", "20261125", "20261124", "20261122"}
    assert streak(DEEP, met, 20261126) == 3
    # Today not met yet: the streak up to yesterday still stands.
    assert streak(DEEP, met - {"20261126"}, 20261126) == 2
    assert streak(WEEKLY, {"2026-W47", "2026-W46"}, 20261126) == 2


def test_badges_for_milestones() -> None:
    ids = {
        b.id
        for b in earned_badges(
            LifetimeTotals(focus_ms=10 * 60 * MINUTE_MS, words=10_000, best_streak=7, tasks=1)
        )
    }
    assert {"focus-10h", "words-10k", "streak-7", "first-task"} <= ids
    assert "focus-100h" not in ids
    assert earned_badges(LifetimeTotals()) == []
