"""Calendar arithmetic: local days, hour boundaries across DST, ISO weeks, parsing.

Expected instants are written as UTC wall-clock datetimes; Berlin is UTC+1 in
winter and UTC+2 in summer, and switches on the last Sundays of March and October.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from human_pretraining.core.clock import (
    add_days,
    day_bounds,
    day_of,
    days_between,
    format_day,
    from_date,
    frozen_clock,
    hour_boundaries,
    local_ms,
    now_ms,
    parse_day,
    to_date,
    week_days,
    week_key,
)

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3_600_000


def utc_ms(year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, sec, tzinfo=UTC).timestamp() * 1000)


def test_the_local_day_follows_the_time_zone_not_utc() -> None:
    # 23:30 UTC on the 25th is 00:30 on the 26th in Berlin.
    assert day_of(utc_ms(2026, 11, 25, 23, 30), BERLIN) == 20261126
    assert day_of(utc_ms(2026, 11, 25, 23, 30), UTC) == 20261125
    assert day_of(utc_ms(2026, 11, 25, 22, 59, 59) + 999, BERLIN) == 20261125


def test_days_and_dates_convert_both_ways() -> None:
    assert to_date(20261126) == date(2026, 11, 26)
    assert to_date(20260102) == date(2026, 1, 2)
    assert from_date(date(2026, 1, 2)) == 20260102
    assert add_days(20261231, 1) == 20270101
    assert add_days(20260301, -1) == 20260228
    assert add_days(20261126, 0) == 20261126


def test_a_local_hour_is_an_instant_in_that_zone() -> None:
    assert local_ms(date(2026, 11, 26), 0, BERLIN) == utc_ms(2026, 11, 25, 23)
    assert local_ms(date(2026, 7, 1), 9, BERLIN) == utc_ms(2026, 7, 1, 7)


def test_a_day_runs_from_local_midnight_to_the_next() -> None:
    assert day_bounds(20261126, BERLIN) == (utc_ms(2026, 11, 25, 23), utc_ms(2026, 11, 26, 23))


def test_an_ordinary_day_has_24_hour_boundaries_plus_its_end() -> None:
    bounds = hour_boundaries(20261126, BERLIN)
    assert len(bounds) == 25
    assert bounds[0] == utc_ms(2026, 11, 25, 23)
    assert bounds[1] - bounds[0] == HOUR
    assert bounds[-1] == utc_ms(2026, 11, 26, 23)


def test_spring_forward_gives_23_hours_and_fall_back_25() -> None:
    spring = hour_boundaries(20260329, BERLIN)  # 02:00 -> 03:00
    autumn = hour_boundaries(20261025, BERLIN)  # 03:00 -> 02:00
    assert len(spring) - 1 == 23
    assert len(autumn) - 1 == 25
    assert spring[-1] - spring[0] == 23 * HOUR
    assert autumn[-1] - autumn[0] == 25 * HOUR
    assert all(b - a == HOUR for a, b in itertools.pairwise(autumn))


def test_an_interval_touches_every_day_it_overlaps() -> None:
    start = utc_ms(2026, 11, 25, 22)  # 23:00 Berlin on the 25th
    assert days_between(start, start + HOUR, BERLIN) == [20261125]  # ends exactly at midnight
    assert days_between(start, start + HOUR + 1, BERLIN) == [20261125, 20261126]
    assert days_between(start, start + 49 * HOUR, BERLIN) == [20261125, 20261126, 20261127]
    assert days_between(start, start, BERLIN) == [20261125]  # an instant
    assert days_between(start + HOUR, start, BERLIN) == [20261126]  # reversed: the start's day


def test_weeks_are_iso_weeks_starting_monday() -> None:
    assert week_key(20261126) == "2026-W48"
    assert week_key(20260101) == "2026-W01"  # a Thursday: week 1 of 2026
    assert week_key(20270101) == "2026-W53"  # a Friday: still 2026's last week
    assert week_key(20260105) == "2026-W02"
    assert week_days(20261126) == [
        20261123,
        20261124,
        20261125,
        20261126,
        20261127,
        20261128,
        20261129,
    ]
    assert week_days(20261123) == week_days(20261129)


def test_days_parse_and_format_as_iso_dates() -> None:
    assert parse_day("2026-11-26") == 20261126
    assert format_day(20260102) == "2026-01-02"
    with pytest.raises(ValueError, match=r"^not a date \(YYYY-MM-DD\): '26\.11\.2026'$"):
        parse_day("26.11.2026")


def test_a_frozen_clock_stays_put_and_the_real_one_moves_forward() -> None:
    clock = frozen_clock(1_234)
    assert (clock(), clock()) == (1_234, 1_234)
    before = int(datetime.now(UTC).timestamp() * 1000)
    now = now_ms()
    after = int(datetime.now(UTC).timestamp() * 1000)
    assert before <= now <= after
