"""Edges of heartbeat merging, foreground precedence, goals, event ids and points formatting.

Each test pins a detail an earlier test suite left loose (see docs/mutation-testing.md);
every expected value is written out by hand.
"""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from human_pretraining.core.goals import (
    PeriodTotals,
    evaluate,
    goal_value,
    period_days,
    streak,
)
from human_pretraining.core.ids import uuid7
from human_pretraining.core.model import (
    MINUTE_MS,
    Category,
    Goal,
    GoalKind,
    Period,
    Source,
    ValidationError,
    format_points,
    to_milli,
)
from human_pretraining.core.timeline import (
    Flags,
    Heartbeat,
    Span,
    continues,
    foreground_pieces,
    merge_heartbeats,
    to_span,
)

PULSE = 30_000

# ---------------------------------------------------------------------- merging


def test_a_merged_span_adds_up_scrolling_and_words_and_keeps_the_detail() -> None:
    beats = [
        Heartbeat(Source.WEB, "x.com", 0, 10_000, Flags.NONE, 300, 2_000, 0, "home"),
        Heartbeat(Source.WEB, "x.com", 10_000, 10_000, Flags.NONE, 500, 4_000, 0, "home"),
    ]
    assert merge_heartbeats(beats, PULSE) == [
        Span(Source.WEB, "x.com", 0, 20_000, Flags.NONE, 800, 6_000, 0, "home")
    ]


def test_merged_output_reports_add_their_words() -> None:
    beats = [
        Heartbeat(Source.OUTPUT, "/notes", 0, 0, words=40),
        Heartbeat(Source.OUTPUT, "/notes", 5_000, 0, words=60),
    ]
    [span] = merge_heartbeats(beats, PULSE)
    assert (span.start_ms, span.end_ms, span.words) == (0, 5_000, 100)


def test_a_span_carries_every_field_of_its_first_heartbeat_and_its_device() -> None:
    beat = Heartbeat(Source.APP, "code", 1_000, 2_000, Flags.IDLE, 7, 8, 9, "title")
    assert to_span(beat, device=3) == Span(
        Source.APP, "code", 1_000, 3_000, Flags.IDLE, 7, 8, 9, "title", 3
    )


def test_interleaved_subjects_each_keep_growing_their_own_span() -> None:
    # The editor and a site report alternately (two sources): each merges with its own.
    beats = [
        Heartbeat(Source.APP, "code", 0, 10_000),
        Heartbeat(Source.WEB, "x.com", 0, 10_000),
        Heartbeat(Source.APP, "code", 10_000, 10_000),
        Heartbeat(Source.WEB, "x.com", 10_000, 10_000),
    ]
    spans = merge_heartbeats(beats, PULSE)
    assert [(s.subject, s.start_ms, s.end_ms) for s in spans] == [
        ("code", 0, 20_000),
        ("x.com", 0, 20_000),
    ]


def test_a_heartbeat_exactly_pulsetime_after_the_end_still_continues() -> None:
    beat = Heartbeat(Source.APP, "code", 10_000 + PULSE, 1_000)
    assert continues(0, 10_000, beat, PULSE)
    assert not continues(0, 10_000, beat._replace(start_ms=10_001 + PULSE), PULSE)


# ----------------------------------------------------------------- precedence


def app(subject: str, start_s: int, end_s: int, flags: Flags = Flags.NONE) -> Span:
    return Span(Source.APP, subject, start_s * 1000, end_s * 1000, flags)


def owned(pieces: list[Span]) -> list[tuple[str, int, int]]:
    return [(p.subject, p.start_ms // 1000, p.end_ms // 1000) for p in pieces]


def test_a_span_inside_another_is_dropped_and_later_spans_still_count() -> None:
    pieces = foreground_pieces([app("a", 0, 100), app("b", 10, 50), app("c", 200, 300)])
    assert owned(pieces) == [("a", 0, 100), ("c", 200, 300)]


def test_an_overlapping_span_keeps_only_its_part_after_the_earlier_one() -> None:
    pieces = foreground_pieces([app("a", 0, 100), app("b", 50, 150)])
    assert owned(pieces) == [("a", 0, 100), ("b", 100, 150)]


def test_no_empty_pieces() -> None:
    pieces = foreground_pieces([app("a", 0, 100), app("b", 100, 100), app("c", 50, 100)])
    assert owned(pieces) == [("a", 0, 100)]


def test_spans_at_the_epoch_and_far_in_the_past_keep_their_start() -> None:
    early = Span(Source.APP, "a", -(2**61), -(2**61) + 1000)
    assert foreground_pieces([early]) == [early]


def test_sites_are_cut_around_every_non_browser_app() -> None:
    # The browser reports x.com for 0-100 s; two other apps take 10-20 s and 40-50 s.
    spans = [
        Span(Source.WEB, "x.com", 0, 100_000),
        app("code", 10, 20),
        app("slack", 40, 50),
    ]
    assert owned(foreground_pieces(spans)) == [
        ("x.com", 0, 10),
        ("code", 10, 20),
        ("x.com", 20, 40),
        ("slack", 40, 50),
        ("x.com", 50, 100),
    ]


def test_a_later_site_is_cut_by_an_app_that_ended_before_an_earlier_one() -> None:
    spans = [
        Span(Source.WEB, "a.com", 0, 10_000),
        Span(Source.WEB, "b.com", 30_000, 60_000),
        app("code", 5, 8),
        app("slack", 40, 45),
    ]
    assert owned(foreground_pieces(spans)) == [
        ("a.com", 0, 5),
        ("code", 5, 8),
        ("a.com", 8, 10),
        ("b.com", 30, 40),
        ("slack", 40, 45),
        ("b.com", 45, 60),
    ]


# ------------------------------------------------------------------------ goals

DEEP = Goal("Deep work", GoalKind.MINUTES, 120, Period.DAY, Category.FOCUS)
FEEDS = Goal("Feeds", GoalKind.MAX_MINUTES, 30, Period.DAY, Category.DISTRACTION)
WEEKLY_FEEDS = Goal("Feeds a week", GoalKind.MAX_MINUTES, 100, Period.WEEK, Category.DISTRACTION)


def test_minutes_count_whole_minutes_only() -> None:
    totals = PeriodTotals({Category.FOCUS: 120 * MINUTE_MS - 1})
    progress = evaluate(DEEP, 20261126, totals, today=20261126)
    assert (progress.goal, progress.period_key, progress.value, progress.met) == (
        DEEP,
        "20261126",
        119,
        False,
    )
    assert evaluate(DEEP, 20261126, PeriodTotals({Category.FOCUS: 120 * MINUTE_MS}), 20261126).met


def test_a_minutes_goal_without_a_category_or_time_counts_zero() -> None:
    assert goal_value(Goal("Any", GoalKind.MINUTES, 10), PeriodTotals({Category.FOCUS: 10**9})) == 0
    assert goal_value(DEEP, PeriodTotals({Category.LEARNING: 30 * MINUTE_MS})) == 0


def test_an_at_most_goal_is_met_at_exactly_its_target_once_closed() -> None:
    exactly = PeriodTotals({Category.DISTRACTION: 30 * MINUTE_MS})
    over = PeriodTotals({Category.DISTRACTION: 31 * MINUTE_MS})
    assert evaluate(FEEDS, 20261126, exactly, today=20261127).met
    assert not evaluate(FEEDS, 20261126, over, today=20261127).met


def test_an_at_most_goal_needs_some_tracked_time() -> None:
    nothing = PeriodTotals({Category.DISTRACTION: 0})
    one_ms = PeriodTotals({Category.FOCUS: 1})
    assert not evaluate(FEEDS, 20261126, nothing, today=20261127).met
    assert evaluate(FEEDS, 20261126, one_ms, today=20261127).met


def test_a_weekly_goal_closes_only_after_sunday() -> None:
    totals = PeriodTotals({Category.FOCUS: MINUTE_MS})
    assert period_days(WEEKLY_FEEDS, 20261126) == list(range(20261123, 20261130))
    assert not evaluate(WEEKLY_FEEDS, 20261126, totals, today=20261129).closed
    assert evaluate(WEEKLY_FEEDS, 20261126, totals, today=20261130).closed


def test_streaks_step_back_one_day_or_one_week() -> None:
    daily = {"20261124", "20261125", "20261126"}
    assert streak(FEEDS, daily, today=20261126) == 3
    assert streak(FEEDS, daily | {"20261122"}, today=20261126) == 3  # the 23rd breaks it
    weekly = {"2026-W46", "2026-W47", "2026-W48"}
    assert streak(WEEKLY_FEEDS, weekly, today=20261126) == 3
    assert streak(WEEKLY_FEEDS, weekly - {"2026-W47"}, today=20261126) == 1


# -------------------------------------------------------------------------- ids


@given(st.integers(0, 2**48 - 1), st.integers(0, 2**74 - 1))
def test_every_random_bit_lands_in_its_field(ms: int, bits: int) -> None:
    value = uuid.UUID(uuid7(ms, bits)).int
    assert value >> 80 == ms
    assert (value >> 64) & 0xFFF == bits >> 62  # rand_a: the top 12 random bits
    assert value & (2**62 - 1) == bits % 2**62  # rand_b: the low 62


def test_a_known_id() -> None:
    # RFC 9562's example time 0x017F22E279B0 with all-ones random bits.
    assert uuid7(0x017F22E279B0, 2**74 - 1) == "017f22e2-79b0-7fff-bfff-ffffffffffff"
    assert uuid7(0x017F22E279B0, 0) == "017f22e2-79b0-7000-8000-000000000000"


def test_times_beyond_48_bits_wrap() -> None:
    assert uuid7(2**48 + 5, 0) == uuid7(5, 0)


# ------------------------------------------------------------------------ model


def test_a_validation_error_names_its_field_only_when_there_is_one() -> None:
    assert str(ValidationError("rate", "must be a number")) == "rate: must be a number"
    assert str(ValidationError("", "bad file")) == "bad file"


@pytest.mark.parametrize("value", [None, [1], {"a": 1}, b"1"])
def test_only_numbers_and_number_strings_convert_to_points(value: object) -> None:
    with pytest.raises(ValidationError, match="must be a number"):
        to_milli(value, "cost")


def test_points_drop_only_trailing_zeros_of_the_fraction() -> None:
    assert format_points(10_500) == "10.5"
    assert format_points(100_050) == "100.05"
    assert format_points(-1_001) == "-1.001"
