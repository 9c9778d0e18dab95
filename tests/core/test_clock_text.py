"""Times as text: one RFC 3339 writer and reader for machines, one format for people.

Expected strings are written out by hand; the instants come from the standard library.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from human_pretraining.core.clock import (
    RFC3339_HINT,
    format_clock,
    format_time,
    parse_rfc3339,
    rfc3339,
)

# 2026-11-26 14:00:00 UTC
AT = int(datetime(2026, 11, 26, 14, 0, tzinfo=UTC).timestamp()) * 1000


@pytest.mark.parametrize(
    ("ms", "zone", "text"),
    [
        (AT, "UTC", "2026-11-26T14:00:00Z"),
        (AT + 250, "UTC", "2026-11-26T14:00:00.250Z"),
        (AT + 7, "UTC", "2026-11-26T14:00:00.007Z"),
        (AT, "Europe/Berlin", "2026-11-26T15:00:00+01:00"),
        (AT, "Asia/Kathmandu", "2026-11-26T19:45:00+05:45"),
        (AT, "America/St_Johns", "2026-11-26T10:30:00-03:30"),
        (AT, "Europe/London", "2026-11-26T14:00:00Z"),  # GMT in winter: offset zero
    ],
)
def test_rfc3339_writes_the_moment_in_the_zone_given(ms: int, zone: str, text: str) -> None:
    assert rfc3339(ms, ZoneInfo(zone)) == text
    assert parse_rfc3339(text) == ms  # and reads it back to the millisecond


def test_utc_is_the_default_zone_for_machines() -> None:
    assert rfc3339(AT) == "2026-11-26T14:00:00Z"


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-26T14:00:00",  # no offset: which moment?
        "2026-11-26 14:00:00Z",  # a space is ISO 8601's, not RFC 3339's
        "2026-11-26T14:00:00+0100",  # the offset needs its colon
        "yesterday",
    ],
)
def test_what_is_not_rfc3339_is_refused_with_the_one_sentence(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_rfc3339(text)
    assert str(info.value) == RFC3339_HINT


def test_a_well_formed_impossible_date_is_named() -> None:
    with pytest.raises(ValueError, match="is not a real date and time: '2026-02-30T10:00:00Z'"):
        parse_rfc3339("2026-02-30T10:00:00Z")


def test_lower_case_t_and_z_are_rfc3339_too() -> None:
    assert parse_rfc3339("2026-11-26t14:00:00z") == AT


def test_people_read_minutes_in_the_configured_zone() -> None:
    assert format_time(AT, ZoneInfo("Asia/Kathmandu")) == "2026-11-26 19:45"
    assert format_clock(AT, ZoneInfo("Europe/Berlin")) == "15:00"
