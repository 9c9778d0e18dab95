"""Parsing rule tables: the ``[[rules]]`` of the config file into validated rules.

The same rule dictionaries come from the TOML config and from
``shared/vectors/rule-matching.json``, which the browser extension also runs.
Every problem raises a ``ValidationError`` naming the field as the user wrote it
(``rules[3].site``), with a hint where one helps. Pure functions only: no I/O.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import TypeVar

from human_pretraining.core.model import (
    AppMatcher,
    Category,
    Enforcement,
    FolderMatcher,
    Rule,
    Schedule,
    SiteMatcher,
    ValidationError,
    to_milli,
)
from human_pretraining.core.subjects import normalize_app_name, normalize_path, parse_site

_HOURS = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
# The names of Schedule.days (0 = Monday) in the file, also how rules are explained.
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NUMBERS = {name: i % 7 for i, name in enumerate(DAY_NAMES + _FULL_DAY_NAMES)}
_KEYS = ("id", "site", "app", "folder", "title", "category", "rate", "daily_cap",
         "hourly_cap", "enforcement", "schedule")  # fmt: skip
_T = TypeVar("_T")
_E = TypeVar("_E", bound=StrEnum)


def rule_from_dict(data: Mapping[str, object], index: int) -> Rule:
    """Build the rule at position ``index`` of the config/vector list, or raise.

    Every problem raises ``ValidationError`` whose field is ``rules[index].key``.
    """
    at = f"rules[{index}]"
    if not isinstance(data, Mapping):
        raise ValidationError(at, f"must be a table with site, app or folder, got {data!r}")
    for key in data:
        if key not in _KEYS:
            close = difflib.get_close_matches(str(key), _KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "expected " + ", ".join(_KEYS)
            raise ValidationError(f"{at}.{key}", f"unknown key ({hint})")
    kinds = [k for k in ("site", "app", "folder") if k in data]
    if len(kinds) != 1:
        raise ValidationError(at, f"needs exactly one of site, app, folder, got {kinds or 'none'}")
    kind = kinds[0]
    matcher, default_id = _matcher(kind, data, at)
    if "title" in data and kind != "app":
        raise ValidationError(f"{at}.title", "only app rules can match a window title")
    enforcement = _choice(data.get("enforcement", "track"), Enforcement, f"{at}.enforcement")
    if enforcement is not Enforcement.TRACK and kind != "site":
        raise ValidationError(f"{at}.enforcement", f"{enforcement} only works on site rules")
    if "category" not in data:
        raise ValidationError(f"{at}.category", "is required")
    if "rate" not in data:
        raise ValidationError(f"{at}.rate", "is required (points per minute, e.g. -3)")
    rule_id = data.get("id", default_id)
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise ValidationError(f"{at}.id", f"must be a non-empty string, got {rule_id!r}")
    return Rule(
        id=rule_id.strip(),
        matcher=matcher,
        category=_choice(data["category"], Category, f"{at}.category"),
        rate=to_milli(data["rate"], f"{at}.rate"),
        enforcement=enforcement,
        daily_cap=_cap(data.get("daily_cap"), f"{at}.daily_cap"),
        hourly_cap=_cap(data.get("hourly_cap"), f"{at}.hourly_cap"),
        schedule=_schedule(data["schedule"], f"{at}.schedule") if "schedule" in data else None,
        order=index,
    )


def _matcher(
    kind: str, data: Mapping[str, object], at: str
) -> tuple[SiteMatcher | AppMatcher | FolderMatcher, str]:
    value, field = data[kind], f"{at}.{kind}"
    if kind == "app":
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list | tuple) or not names:
            raise ValidationError(field, f"must be a name or a list of names, got {value!r}")
        keys: list[str] = []
        for i, name in enumerate(names):
            if not isinstance(name, str):
                raise ValidationError(f"{field}[{i}]", f"must be a string, got {name!r}")
            key = _reraise(normalize_app_name, name, f"{field}[{i}]")
            keys += [key] if key not in keys else []
        title = data.get("title")
        if title is not None:
            if not isinstance(title, str) or not title:
                raise ValidationError(f"{at}.title", f"must be a regex string, got {title!r}")
            try:
                re.compile(title, re.IGNORECASE)
            except re.error as exc:
                raise ValidationError(f"{at}.title", f"is not a valid regex: {exc}") from None
        title = str(title) if title else None  # a plain str, not a TOML library wrapper
        return AppMatcher(tuple(keys), title), f"app:{keys[0]}" + (f"~{title}" if title else "")
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, f"must be a non-empty string, got {value!r}")
    if kind == "site":
        domain, path = _reraise(parse_site, value, field)
        path = path.rstrip("/")  # "youtube.com/shorts/" means the same as ".../shorts"
        return SiteMatcher(domain, path), f"site:{domain}{path}"
    folder = normalize_path(value)
    if not re.match(r"(/|~|[A-Z]:(/|$))", folder):
        raise ValidationError(field, f"must be an absolute path or start with ~, got {value!r}")
    return FolderMatcher(folder), f"folder:{folder}"


def _reraise(parse: Callable[[str], _T], value: str, field: str) -> _T:
    # The parsers name a generic field ("site"); the user needs "rules[3].site".
    try:
        return parse(value)
    except ValidationError as exc:
        raise ValidationError(field, exc.message) from None


def _choice(value: object, enum: type[_E], field: str) -> _E:
    allowed = [member.value for member in enum]
    if isinstance(value, str) and value in allowed:
        return enum(value)
    raise ValidationError(field, f"must be one of {', '.join(allowed)}, got {value!r}")


def _cap(value: object, field: str) -> int | None:
    if value is None:
        return None
    milli = to_milli(value, field)
    if milli <= 0:
        raise ValidationError(field, f"must be more than 0 points, got {value!r}")
    return milli


def _schedule(value: object, field: str) -> Schedule:
    if not isinstance(value, Mapping):
        raise ValidationError(field, f"must be a table with days and/or hours, got {value!r}")
    for key in value:
        if key not in ("days", "hours"):
            raise ValidationError(f"{field}.{key}", "unknown key (expected days, hours)")
    days = value.get("days", list(DAY_NAMES))
    if not isinstance(days, list | tuple) or not days:
        raise ValidationError(
            f"{field}.days", f"must be a non-empty list like ['mon'], got {days!r}"
        )
    numbers: set[int] = set()
    for day in days:
        number = _DAY_NUMBERS.get(day.strip().casefold()) if isinstance(day, str) else None
        if number is None:
            raise ValidationError(f"{field}.days", f"must be {', '.join(DAY_NAMES)}, got {day!r}")
        numbers.add(number)
    hours = value.get("hours", "00:00-24:00")
    match = _HOURS.fullmatch(hours) if isinstance(hours, str) else None
    h1, m1, h2, m2 = map(int, match.groups()) if match else (99, 0, 0, 0)
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if m1 > 59 or m2 > 59 or start >= 24 * 60 or end > 24 * 60 or start == end:
        raise ValidationError(f"{field}.hours", f"must look like '09:00-17:00', got {hours!r}")
    return Schedule(frozenset(numbers), start, end)


def rules_from_dicts(items: Sequence[Mapping[str, object]]) -> tuple[Rule, ...]:
    """Parse the whole rule list; ids must be unique so logs and charts can name rules."""
    rules = tuple(rule_from_dict(item, i) for i, item in enumerate(items))
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules):
        if rule.id in seen:
            raise ValidationError(
                f"rules[{i}].id",
                f"duplicate id {rule.id!r} (also rules[{seen[rule.id]}]); give one an explicit id",
            )
        seen[rule.id] = i
    return rules
