"""Scoring at its edges: rounding of costs, idle media, stacked allowances, caps, shares.

Each test here was written against a one-line change of ``core/scoring.py`` that the
older tests let through (see docs/mutation-testing.md). Every expected number is
worked out by hand in the test from the rule's rate: rates are milli-points per
minute, so ``-4_000`` is "-4 points a minute" and 1 ms of it is -4000/60000 milli-points.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from hypothesis import given
from hypothesis import strategies as st

from human_pretraining.core.clock import hour_boundaries
from human_pretraining.core.model import (
    MINUTE_MS,
    AppMatcher,
    Category,
    FolderMatcher,
    Rule,
    Settings,
    SiteMatcher,
    Source,
)
from human_pretraining.core.scoring import Allowance, DayScore, score_day
from human_pretraining.core.timeline import Flags, Span

DAY = 20261126
BOUNDS = hour_boundaries(DAY, UTC)
T0 = BOUNDS[9]  # 09:00 UTC
SETTINGS = Settings()  # 25 words a minute, doomscrolling x1.5 from 40 %, surcharge x2

CODE = Rule("vscode", AppMatcher(("code",)), Category.FOCUS, rate=2_000)  # +2 / min
DOCS = Rule("docs", SiteMatcher("docs.python.org"), Category.LEARNING, rate=2_000)  # +2 / min
SHORTS = Rule("shorts", SiteMatcher("youtube.com"), Category.DISTRACTION, rate=-4_000)  # -4 / min
NEWS = Rule("news", SiteMatcher("news.example"), Category.NEUTRAL, rate=0)
NOTES = Rule("notes", FolderMatcher("/notes"), Category.OUTPUT, rate=3_000)  # +3 / min
RULES = {
    "code": CODE,
    "docs.python.org": DOCS,
    "youtube.com/shorts": SHORTS,
    "youtube.com/watch": SHORTS,
    "news.example": NEWS,
    "/notes": NOTES,
}


def score(
    spans: list[Span], allowances: list[Allowance] | None = None, rules: dict[str, Rule] = RULES
) -> DayScore:
    def by_table(span: Span, _at: int) -> Rule | None:
        return rules.get(span.subject)

    return score_day(spans, by_table, BOUNDS, SETTINGS, allowances or ())


def points(spans: list[Span], allowances: list[Allowance] | None = None) -> dict[str, int]:
    return {rule_id: t.points for rule_id, t in score(spans, allowances).rules.items()}


def web(subject: str, start_ms: int, end_ms: int, flags: Flags = Flags.NONE) -> Span:
    return Span(Source.WEB, subject, start_ms, end_ms, flags)


def at(minutes: float) -> int:
    return T0 + int(minutes * MINUTE_MS)


# ------------------------------------------------------------------ rounding


def test_a_cost_with_a_fraction_of_a_milli_point_rounds_toward_zero() -> None:
    # 30.001 s at -4 points a minute: -4000 * 30_001 / 60_000 = -2000.07 milli-points.
    # Toward zero that is -2000; rounding toward minus infinity would charge -2001.
    span = web("youtube.com/shorts", T0, T0 + 30_001)
    assert points([span]) == {"shorts": -2_000}


def test_a_credit_with_a_fraction_of_a_milli_point_rounds_toward_zero() -> None:
    # 30.001 s at +2 a minute: 2000 * 30_001 / 60_000 = 1000.03 -> 1000.
    span = Span(Source.APP, "code", T0, T0 + 30_001)
    assert points([span]) == {"vscode": 1_000}


def test_costs_and_credits_of_the_same_size_round_to_the_same_size() -> None:
    # 1 ms at -4 / +4 a minute is 1/15 milli-point either way: both round to 0.
    fast_code = {"code": Rule("fast", AppMatcher(("code",)), Category.FOCUS, rate=4_000)}
    cost = score([web("youtube.com/shorts", T0, T0 + 1)]).rules["shorts"].points
    credit = score([Span(Source.APP, "code", T0, T0 + 1)], rules=fast_code).rules["fast"].points
    assert (cost, credit) == (0, 0)


def test_a_cost_shared_between_two_videos_rounds_each_share_toward_zero() -> None:
    # One rule, two subjects: 1 minute and 2 minutes of -4/min = -4 and -8 points, -12 in all.
    # The display shares split the rule's points by weighted time.
    spans = [
        web("youtube.com/shorts", at(0), at(1) + 1),  # 60.001 s
        web("youtube.com/watch", at(10), at(12)),
    ]
    result = score(spans)
    # Rule: -4000 * 180_001 / 60_000 = -12_000.07 -> -12_000.
    assert result.rules["shorts"].points == -12_000
    shares = {row.subject: row.points for row in result.usage}
    # First row: -12_000 * 60_001 / 180_001 = -4000.02 -> -4000 toward zero (-4001 if
    # floored); the last row takes the rest, -8000.
    assert shares == {"youtube.com/shorts": -4_000, "youtube.com/watch": -8_000}


# ---------------------------------------------------------------- idle media


def test_audible_idle_time_on_an_earning_site_earns_nothing() -> None:
    # A lecture video playing to an empty chair: 10 min would be +20 points if counted.
    span = web("docs.python.org", at(0), at(10), Flags.IDLE | Flags.AUDIBLE)
    result = score([span])
    assert result.rules == {}
    assert [(row.subject, row.active_ms) for row in result.usage] == []


def test_audible_idle_time_on_a_focus_app_earns_nothing() -> None:
    span = Span(Source.APP, "code", at(0), at(10), Flags.IDLE | Flags.AUDIBLE)
    assert points([span]) == {}


def test_audible_idle_time_on_a_free_or_unmatched_subject_is_not_counted() -> None:
    free = web("news.example", at(0), at(10), Flags.IDLE | Flags.AUDIBLE)
    unmatched = web("radio.example", at(20), at(30), Flags.IDLE | Flags.AUDIBLE)
    result = score([free, unmatched])
    assert result.rules == {}
    assert result.usage == []


def test_audible_idle_time_on_a_feed_costs_its_full_rate() -> None:
    # 10 min at -4 = -40 points; the minutes also show as time spent on the feed.
    span = web("youtube.com/shorts", at(0), at(10), Flags.IDLE | Flags.AUDIBLE)
    result = score([span])
    assert result.rules["shorts"].points == -40_000
    assert [(row.subject, row.active_ms) for row in result.usage] == [
        ("youtube.com/shorts", 10 * MINUTE_MS)
    ]


def test_silent_idle_time_on_a_feed_costs_nothing() -> None:
    assert points([web("youtube.com/shorts", at(0), at(10), Flags.IDLE)]) == {}


def test_unfocused_audible_time_never_counts() -> None:
    span = web("youtube.com/shorts", at(0), at(10), Flags.UNFOCUSED | Flags.AUDIBLE)
    assert points([span]) == {}


# ---------------------------------------------------------------- allowances


def test_two_allowances_covering_the_same_minutes_prepay_them_once() -> None:
    # 20 min of shorts; one allowance covers 0-15, a second 5-20. Together they cover
    # the 20 minutes once: nothing is charged, and certainly nothing is *earned*.
    span = web("youtube.com/shorts", at(0), at(20))
    allowances = [
        Allowance(at(0), at(15), site="youtube.com"),
        Allowance(at(5), at(20), site="youtube.com"),
    ]
    assert points([span], allowances) == {"shorts": 0}


def test_overlapping_allowances_with_a_gap_charge_exactly_the_uncovered_minutes() -> None:
    # Covered: 0-10 and 5-12 -> 0-12 once; 12-20 is charged: 8 min x -4 = -32 points.
    span = web("youtube.com/shorts", at(0), at(20))
    allowances = [
        Allowance(at(5), at(12), site="youtube.com"),
        Allowance(at(0), at(10), site="youtube.com"),
    ]
    assert points([span], allowances) == {"shorts": -32_000}


def test_an_allowance_inside_another_adds_nothing() -> None:
    # 0-15 contains 2-5: 15 min covered, 5 charged = -20 points.
    span = web("youtube.com/shorts", at(0), at(20))
    allowances = [
        Allowance(at(0), at(15), site="youtube.com"),
        Allowance(at(2), at(5), site="youtube.com"),
    ]
    assert points([span], allowances) == {"shorts": -20_000}


def test_a_site_and_a_category_allowance_at_once_prepay_the_minutes_once() -> None:
    span = web("youtube.com/shorts", at(0), at(20))
    allowances = [
        Allowance(at(0), at(20), site="youtube.com"),
        Allowance(at(0), at(20), category=Category.DISTRACTION),
    ]
    assert points([span], allowances) == {"shorts": 0}


def test_adjacent_allowances_cover_both_windows() -> None:
    # 0-8 then 8-15: 15 min covered, 5 min charged = -20.
    span = web("youtube.com/shorts", at(0), at(20))
    allowances = [
        Allowance(at(8), at(15), site="youtube.com"),
        Allowance(at(0), at(8), site="youtube.com"),
    ]
    assert points([span], allowances) == {"shorts": -20_000}


def test_an_allowance_outside_the_time_changes_nothing() -> None:
    span = web("youtube.com/shorts", at(0), at(10))
    before = Allowance(at(-30), at(0), site="youtube.com")  # ends as the time starts
    after = Allowance(at(10), at(40), site="youtube.com")  # starts as the time ends
    assert points([span], [before, after]) == {"shorts": -40_000}


def test_an_allowance_for_another_site_or_category_prepays_nothing() -> None:
    span = web("youtube.com/shorts", at(0), at(10))
    others = [
        Allowance(at(0), at(10), site="reddit.com"),
        Allowance(at(0), at(10), site="youtube.com/watch"),  # another path of the same site
        Allowance(at(0), at(10), category=Category.LEARNING),
    ]
    assert points([span], others) == {"shorts": -40_000}


def test_a_site_allowance_covers_subdomains_and_sub_paths_only() -> None:
    rules = {**RULES, "m.youtube.com/shorts/abc": SHORTS, "notyoutube.com": SHORTS}
    spans = [
        web("m.youtube.com/shorts/abc", at(0), at(10)),  # covered by youtube.com/shorts
        web("notyoutube.com", at(10), at(15)),  # another domain that only ends alike
    ]
    allowance = Allowance(at(0), at(15), site="youtube.com/shorts")
    result = score(spans, [allowance], rules)
    assert result.rules["shorts"].points == -20_000  # only the 5 min on notyoutube.com


def test_allowances_never_touch_earning_time() -> None:
    span = Span(Source.APP, "code", at(0), at(10))
    allowance = Allowance(at(0), at(10), category=Category.FOCUS)
    assert points([span], [allowance]) == {"vscode": 20_000}


@given(
    windows=st.lists(st.tuples(st.integers(-30, 50), st.integers(1, 40)), max_size=6),
    length=st.integers(1, 40),
)
def test_allowances_can_only_bring_a_cost_toward_zero(
    windows: list[tuple[int, int]], length: int
) -> None:
    """Whatever allowances overlap, the charged minutes are the uncovered ones, never fewer."""
    span = web("youtube.com/shorts", at(0), at(length))
    allowances = [Allowance(at(s), at(s + n), site="youtube.com") for s, n in windows]
    covered = {m for s, n in windows for m in range(s, s + n)} & set(range(length))
    expected = -4_000 * (length - len(covered))  # whole minutes: no rounding
    assert points([span], allowances) == {"shorts": expected}


# ---------------------------------------------------------- weights and caps


def test_scrolling_exactly_at_the_threshold_is_doomscrolling() -> None:
    # 40 % of 10 min = 4 min scrolling: at the threshold, so x1.5 -> -60 points.
    at_threshold = Span(Source.WEB, "youtube.com/shorts", at(0), at(10), scroll_ms=4 * MINUTE_MS)
    just_under = Span(Source.WEB, "youtube.com/shorts", at(0), at(10), scroll_ms=4 * MINUTE_MS - 1)
    assert points([at_threshold]) == {"shorts": -60_000}
    assert points([just_under]) == {"shorts": -40_000}


def test_scrolling_on_an_earning_site_never_multiplies() -> None:
    span = Span(Source.WEB, "docs.python.org", at(0), at(10), scroll_ms=10 * MINUTE_MS)
    assert points([span]) == {"docs": 20_000}


def test_a_cost_is_capped_at_minus_the_cap() -> None:
    # 60 min at -4 = -240 points; an hourly cap of 100 holds it at -100, a daily cap
    # of 150 holds two such hours (-200) at -150.
    capped = replace(SHORTS, daily_cap=150_000, hourly_cap=100_000)
    rules = {"youtube.com/shorts": capped}
    one_hour = score([web("youtube.com/shorts", at(0), at(60))], rules=rules)
    two_hours = score([web("youtube.com/shorts", at(0), at(120))], rules=rules)
    assert one_hour.rules["shorts"].points == -100_000
    assert two_hours.rules["shorts"].points == -150_000


def test_a_credit_under_its_caps_is_paid_in_full() -> None:
    capped = replace(CODE, daily_cap=120_000, hourly_cap=120_000)
    result = score([Span(Source.APP, "code", at(0), at(60))], rules={"code": capped})
    assert result.rules["vscode"].points == 120_000  # exactly at both caps


def test_time_is_booked_in_the_clock_hour_it_happened() -> None:
    # 08:50-09:10 UTC: 10 min in hour 8, 10 in hour 9; an hourly cap of 15 points keeps
    # each hour's 20 points at 15, so 30 in all (one 40-point hour would give 15).
    capped = replace(CODE, hourly_cap=15_000)
    result = score([Span(Source.APP, "code", at(-10), at(10))], rules={"code": capped})
    assert result.rules["vscode"].points == 30_000
    assert result.rules["vscode"].active_ms == 20 * MINUTE_MS


def test_words_convert_to_minutes_at_the_rule_rate() -> None:
    # 50 words at 25 words a minute = 2 min, x 3 points = 6 points.
    words = Span(Source.OUTPUT, "/notes", at(0), at(0), words=50)
    assert points([words]) == {"notes": 6_000}


def test_words_outside_the_day_are_not_credited() -> None:
    before = Span(Source.OUTPUT, "/notes", BOUNDS[0] - 1, BOUNDS[0] - 1, words=500)
    at_end = Span(Source.OUTPUT, "/notes", BOUNDS[-1], BOUNDS[-1], words=500)
    first = Span(Source.OUTPUT, "/notes", BOUNDS[0], BOUNDS[0], words=25)  # 1 min x 3
    assert points([before, at_end, first]) == {"notes": 3_000}


def test_usage_rows_show_time_words_and_weight_per_subject() -> None:
    spans = [
        Span(Source.APP, "code", at(0), at(3)),
        Span(Source.OUTPUT, "/notes", at(5), at(5), words=75),
        Span(Source.WEB, "youtube.com/shorts", at(10), at(12), scroll_ms=2 * MINUTE_MS),
    ]
    rows = {
        row.subject: (row.rule_id, row.category, row.active_ms, row.words, row.weighted, row.points)
        for row in score(spans).usage
    }
    assert rows == {
        # weighted time is milliseconds x percent
        "code": ("vscode", Category.FOCUS, 3 * MINUTE_MS, 0, 3 * MINUTE_MS * 100, 6_000),
        "/notes": ("notes", Category.OUTPUT, 0, 75, 0, 9_000),  # 75 / 25 = 3 min x 3
        "youtube.com/shorts": (
            "shorts",
            Category.DISTRACTION,
            2 * MINUTE_MS,
            0,
            2 * MINUTE_MS * 150,  # all of it scrolling: x1.5
            -12_000,  # 2 min x -4 x 1.5
        ),
    }


def test_schedule_steps_split_time_by_minute_without_changing_points() -> None:
    # The classifier sees each minute on its own: minutes 0-4 are focus, 5-9 distraction.
    def by_minute(span: Span, instant: int) -> Rule | None:
        return CODE if instant < at(5) else SHORTS

    span = Span(Source.APP, "code", at(0), at(10))
    result = score_day([span], by_minute, BOUNDS, SETTINGS, (), step_ms=MINUTE_MS)
    # 5 min x +2 = +10, 5 min x -4 = -20.
    assert {r: t.points for r, t in result.rules.items()} == {"vscode": 10_000, "shorts": -20_000}


# ------------------------------------------------------- found by mutation testing


def test_an_allowance_without_a_site_or_category_covers_nothing() -> None:
    empty = Allowance(at(0), at(10))
    assert not empty.covers(Source.WEB, "youtube.com/shorts", Category.DISTRACTION)
    site = Allowance(at(0), at(10), site="youtube.com")
    # A site allowance is for web time only, even if an app reports the same text.
    assert not site.covers(Source.APP, "youtube.com", Category.DISTRACTION)
    assert site.covers(Source.WEB, "youtube.com", Category.DISTRACTION)


def test_a_free_rule_keeps_its_weighted_time_under_an_allowance() -> None:
    # Allowances prepay costs only; a rule that costs nothing keeps its time's weight.
    span = web("news.example", at(0), at(10))
    allowance = Allowance(at(0), at(10), category=Category.NEUTRAL)
    [row] = score([span], [allowance]).usage
    assert (row.active_ms, row.weighted, row.points) == (10 * MINUTE_MS, 10 * MINUTE_MS * 100, 0)


def test_a_very_high_rate_shows_no_phantom_time() -> None:
    # 6000 points a minute = 100 milli-points a millisecond: 1 ms is exactly 100.
    huge = {"code": replace(CODE, rate=6_000_000), "/notes": replace(NOTES, rate=6_000_000)}
    time_only = score([Span(Source.APP, "code", T0, T0 + 1)], rules=huge)
    assert time_only.rules["vscode"].points == 100
    # One word at 25 words a minute = 2.4 s = 240_000 milli-points, nothing more.
    words_only = score([Span(Source.OUTPUT, "/notes", T0, T0, words=1)], rules=huge)
    assert words_only.rules["notes"].points == 240_000


def test_doomscrolling_needs_some_scrolling_even_at_a_zero_threshold() -> None:
    never = replace(SETTINGS, doomscroll_share_pct=0)
    still = Span(Source.WEB, "youtube.com/shorts", at(0), at(10))
    scrolled = replace(still, scroll_ms=1)
    assert points_with(never, [still]) == {"shorts": -40_000}
    assert points_with(never, [scrolled]) == {"shorts": -60_000}


def test_even_a_two_millisecond_span_can_be_doomscrolling() -> None:
    # Weighted time is ms x percent: 2 ms at 150 % = 300; 1 ms = 150.
    two = Span(Source.WEB, "youtube.com/shorts", T0, T0 + 2, scroll_ms=1)
    one = Span(Source.WEB, "youtube.com/shorts", T0 + 10, T0 + 11, scroll_ms=1)
    assert [row.weighted for row in score([two]).usage] == [300]
    assert [row.weighted for row in score([one]).usage] == [150]


def test_surcharge_and_doomscrolling_multiply_to_whole_percent() -> None:
    # 150 % x 125 % = 187.5 %, kept at 187 %: 10 min x -4 x 1.87 = -74.8 points.
    cheaper = replace(SETTINGS, nudge_surcharge_pct=125)
    span = Span(
        Source.WEB, "youtube.com/shorts", at(0), at(10), Flags.SURCHARGE, scroll_ms=5 * MINUTE_MS
    )
    assert points_with(cheaper, [span]) == {"shorts": -74_800}


def test_the_last_hour_of_the_day_is_scored() -> None:
    last = BOUNDS[-2]  # 23:00 UTC
    spans = [
        Span(Source.APP, "code", last + 30 * MINUTE_MS, BOUNDS[-1] + 30 * MINUTE_MS),
        Span(Source.OUTPUT, "/notes", last + 59 * MINUTE_MS, last + 59 * MINUTE_MS, words=25),
    ]
    assert points(spans) == {"vscode": 60_000, "notes": 3_000}  # 30 min x 2; 1 min x 3


def test_usage_rows_add_up_every_piece_of_a_subject() -> None:
    spans = [
        Span(Source.APP, "code", at(0), at(5)),
        Span(Source.APP, "code", at(50), at(70)),  # crosses into the next hour
        Span(Source.OUTPUT, "/notes", at(1), at(1), words=30),
        Span(Source.OUTPUT, "/notes", at(2), at(2), words=20),
    ]
    rows = {row.subject: row for row in score(spans).usage}
    assert (rows["code"].active_ms, rows["code"].weighted) == (25 * MINUTE_MS, 25 * MINUTE_MS * 100)
    assert rows["/notes"].words == 50


def test_usage_rows_name_their_device_and_source() -> None:
    spans = [
        Span(Source.APP, "code", at(0), at(5), device=7),
        Span(Source.WEB, "youtube.com/shorts", at(0), at(5), device=8),
    ]
    rows = sorted((row.device, row.source, row.subject) for row in score(spans).usage)
    assert rows == [(7, Source.APP, "code"), (8, Source.WEB, "youtube.com/shorts")]


def test_words_are_classified_at_the_moment_they_were_reported() -> None:
    seen: list[int] = []

    def by_time(span: Span, instant: int) -> Rule | None:
        seen.append(instant)
        return NOTES

    score_day([Span(Source.OUTPUT, "/notes", at(7), at(7), words=25)], by_time, BOUNDS, SETTINGS)
    assert seen == [at(7)]


def test_words_in_two_clock_hours_get_two_hourly_caps() -> None:
    # 100 words = 4 min x 3 = 12 points per report; an hourly cap of 20.
    capped = {"/notes": replace(NOTES, hourly_cap=20_000)}
    same_hour = [
        Span(Source.OUTPUT, "/notes", at(10), at(10), words=100),
        Span(Source.OUTPUT, "/notes", at(50), at(50), words=100),
    ]
    two_hours = [same_hour[0], replace(same_hour[1], start_ms=at(70), end_ms=at(70))]
    assert score(same_hour, rules=capped).rules["notes"].points == 20_000
    assert score(two_hours, rules=capped).rules["notes"].points == 24_000


def test_schedule_steps_cut_at_whole_minutes_even_when_time_starts_mid_minute() -> None:
    # 09:04:30-09:06:00; the classifier says focus before 09:05 and distraction after:
    # 30 s x +2 = +1 point, 60 s x -4 = -4 points.
    def by_minute(span: Span, instant: int) -> Rule | None:
        return CODE if instant < at(5) else SHORTS

    span = Span(Source.APP, "code", at(4.5), at(6))
    result = score_day([span], by_minute, BOUNDS, SETTINGS, (), step_ms=MINUTE_MS)
    assert {r: t.points for r, t in result.rules.items()} == {"vscode": 1_000, "shorts": -4_000}


def test_a_fully_prepaid_rule_shares_zero_points_among_its_subjects() -> None:
    spans = [web("youtube.com/shorts", at(0), at(5)), web("youtube.com/watch", at(5), at(10))]
    allowance = Allowance(at(0), at(10), site="youtube.com")
    result = score(spans, [allowance])
    assert result.rules["shorts"].points == 0
    assert [row.points for row in result.usage] == [0, 0]


def test_three_subjects_share_a_rule_exactly() -> None:
    # 1, 2 and 3 minutes at -4: -4, -8 and -12 points, -24 in all.
    spans = [
        web("youtube.com/shorts", at(0), at(1)),
        web("youtube.com/watch", at(10), at(12)),
        web("youtube.com/shorts2", at(20), at(23)),
    ]
    rules = {**RULES, "youtube.com/shorts2": SHORTS}
    shares = {row.subject: row.points for row in score(spans, rules=rules).usage}
    assert shares == {
        "youtube.com/shorts": -4_000,
        "youtube.com/watch": -8_000,
        "youtube.com/shorts2": -12_000,
    }


def test_shares_are_whole_milli_points() -> None:
    spans = [
        web("youtube.com/shorts", at(0), at(1)),
        web("youtube.com/watch", at(10), at(12)),
        Span(Source.OUTPUT, "/notes", at(1), at(1), words=7),
        Span(Source.OUTPUT, "/notes/b", at(2), at(2), words=11),
    ]
    rules = {**RULES, "/notes/b": NOTES}
    assert all(type(row.points) is int for row in score(spans, rules=rules).usage)


def points_with(settings: Settings, spans: list[Span]) -> dict[str, int]:
    def by_table(span: Span, _at: int) -> Rule | None:
        return RULES.get(span.subject)

    return {r: t.points for r, t in score_day(spans, by_table, BOUNDS, settings).rules.items()}


def test_a_capped_words_rule_shares_its_points_by_words_rounding_down() -> None:
    # 7 + 14 words would be 21 / 25 min x 3 = 2.52 points; the hourly cap holds it at 1.
    # Shares by words: 1000 x 7 / 21 = 333.3 -> 333, the last file takes the rest, 667.
    capped = {
        "/notes": replace(NOTES, hourly_cap=1_000),
        "/notes/b": replace(NOTES, hourly_cap=1_000),
    }
    spans = [
        Span(Source.OUTPUT, "/notes", at(1), at(1), words=7),
        Span(Source.OUTPUT, "/notes/b", at(2), at(2), words=14),
    ]
    result = score(spans, rules=capped)
    assert result.rules["notes"].points == 1_000
    assert {row.subject: row.points for row in result.usage} == {"/notes": 333, "/notes/b": 667}
