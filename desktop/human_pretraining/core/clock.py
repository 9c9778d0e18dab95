"""Calendar arithmetic on integer times: local days, clock hours, ISO weeks.

A local day is an ``int`` like ``20261126``; times are epoch milliseconds. Day and
hour boundaries come from the user's time zone (``zoneinfo``), so a DST change
gives a 23- or 25-hour day rather than misplaced points.

Also the one place times are written and read as text: RFC 3339 for machines
(:func:`rfc3339`, :func:`parse_rfc3339`) and minutes for people
(:func:`format_time`), always in the zone the caller passes — the configured one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo

from human_pretraining.core.model import MINUTE_MS


def day_of(ms: int, tz: tzinfo) -> int:
    """The local day (``YYYYMMDD``) containing the instant ``ms``."""
    local = datetime.fromtimestamp(ms / 1000, tz)
    return local.year * 10000 + local.month * 100 + local.day


def to_date(day: int) -> date:
    return date(day // 10000, day // 100 % 100, day % 100)


def from_date(d: date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def add_days(day: int, n: int) -> int:
    return from_date(to_date(day) + timedelta(days=n))


def local_ms(d: date, hour: int, tz: tzinfo) -> int:
    """Epoch ms of local wall-clock ``d`` at ``hour``:00 (first occurrence on a DST fold)."""
    return int(datetime(d.year, d.month, d.day, hour, tzinfo=tz).timestamp() * 1000)


def day_bounds(day: int, tz: tzinfo) -> tuple[int, int]:
    """[start, end) of a local day in epoch ms."""
    d = to_date(day)
    return local_ms(d, 0, tz), local_ms(d + timedelta(days=1), 0, tz)


def hour_boundaries(day: int, tz: tzinfo) -> list[int]:
    """Epoch ms of every local clock-hour start in the day, plus the day's end.

    Uses UTC arithmetic from the day's start so a DST day yields 23 or 25 hours.
    """
    start, end = day_bounds(day, tz)
    bounds = list(range(start, end, 60 * MINUTE_MS))
    bounds.append(end)
    return bounds


def days_between(start_ms: int, end_ms: int, tz: tzinfo) -> list[int]:
    """Every local day that the interval [start, end] touches, in order."""
    first, last = day_of(start_ms, tz), day_of(max(start_ms, end_ms - 1), tz)
    days = [first]
    while days[-1] < last:
        days.append(add_days(days[-1], 1))
    return days


def week_key(day: int) -> str:
    """ISO week of a local day, e.g. ``2026-W48`` (weeks start on Monday)."""
    year, week, _ = to_date(day).isocalendar()
    return f"{year}-W{week:02d}"


def week_days(day: int) -> list[int]:
    """The seven local days (Monday first) of the ISO week containing ``day``."""
    d = to_date(day)
    monday = d - timedelta(days=d.weekday())
    return [from_date(monday + timedelta(days=i)) for i in range(7)]


def now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def frozen_clock(ms: int) -> Callable[[], int]:
    """A clock stopped at ``ms``: for back-dated bookings (demo data, benchmarks, tests)."""
    return lambda: ms


def parse_day(text: str) -> int:
    """``2026-11-26`` → ``20261126``; raises ValueError with the input in the message."""
    try:
        return from_date(date.fromisoformat(text))
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {text!r}") from None


def format_day(day: int) -> str:
    return to_date(day).isoformat()


def format_time(ms: int, tz: tzinfo) -> str:
    """``2026-11-26 14:05``: a moment for people, in the zone ``tz`` (the configured one)."""
    return datetime.fromtimestamp(ms / 1000, tz).strftime("%Y-%m-%d %H:%M")


def format_clock(ms: int, tz: tzinfo) -> str:
    """``14:05``: a moment later today, for people, in the zone ``tz``."""
    return datetime.fromtimestamp(ms / 1000, tz).strftime("%H:%M")


def rfc3339(ms: int, tz: tzinfo = UTC) -> str:
    """``2026-11-26T14:00:00Z``, or ``…T14:00:00.250Z`` when there are milliseconds.

    Outside UTC the offset is written ``+01:00``; a zone at offset zero is ``Z``.
    """
    moment = datetime.fromtimestamp(ms // 1000, tz).replace(microsecond=ms % 1000 * 1000)
    text = moment.isoformat(timespec="milliseconds" if ms % 1000 else "seconds")
    return text.removesuffix("+00:00") + "Z" if moment.utcoffset() == timedelta(0) else text


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RFC3339_HINT = "must be an RFC 3339 date-time with a UTC offset, e.g. 2026-11-26T14:00:00Z"
# RFC 3339 section 5.6 exactly: "T"/"Z" in either case, and an offset written +hh:mm.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")


def parse_rfc3339(text: str) -> int:
    """Epoch ms of an RFC 3339 date-time; raises ValueError saying what is wrong.

    The message is :data:`RFC3339_HINT` for the wrong shape and ``is not a real date
    and time`` for a well-formed impossible one (February 30th).
    """
    if not _RFC3339.fullmatch(text):
        raise ValueError(RFC3339_HINT)
    try:
        moment = datetime.fromisoformat(text.upper())
    except ValueError:
        raise ValueError(f"is not a real date and time: {text!r}") from None
    return (moment - _EPOCH) // timedelta(milliseconds=1)  # exact: no float rounding


def is_rfc3339(text: str) -> bool:
    """Whether ``text`` is an RFC 3339 date-time (the JSON Schemas' ``date-time`` format)."""
    try:
        parse_rfc3339(text)
    except ValueError:
        return False
    return True
