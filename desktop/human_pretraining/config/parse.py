"""From TOML text to a validated :class:`~human_pretraining.core.model.Config`.

The file speaks in points and seconds; the model holds milli-points, so every
points value goes through :func:`~human_pretraining.core.model.to_milli` here.
Every table is checked for unknown keys (a typo must never silently do
nothing), every value for its type and a sane range. Problems raise
:class:`~human_pretraining.config.errors.ConfigError` with the field and, best
effort, the line it is on. Indices in field names count from 0, like the rules
parser's: ``rules[2]`` is the third ``[[rules]]`` entry.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from human_pretraining.config.errors import ConfigError
from human_pretraining.config.layout import Layout
from human_pretraining.core.model import (
    MILLI,
    Category,
    Config,
    FolderMatcher,
    Goal,
    GoalKind,
    Period,
    Repeat,
    Reward,
    Rule,
    Settings,
    Task,
    ValidationError,
    to_milli,
)
from human_pretraining.core.rule_parsing import rules_from_dicts
from human_pretraining.core.subjects import parse_site

SECTIONS = ("settings", "rules", "tasks", "goals", "rewards")
MAX_POINTS = 1_000_000  # no single value in the file may move more points than this
_E = TypeVar("_E", bound=StrEnum)


# ------------------------------------------------------------------ settings specs


@dataclass(frozen=True)
class SettingSpec:
    """How one ``[settings]`` key is checked. ``points`` values are converted to milli."""

    kind: type[bool] | type[int] | type[str]
    low: int | None = None
    high: int | None = None
    points: bool = False
    check: Callable[[str], str | None] | None = None  # returns a problem or None


def _check_timezone(value: str) -> str | None:
    if not value:
        return None
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        if not zoneinfo.available_timezones():
            return None  # no time zone database on this machine: cannot judge, accept
        return f"is not a known time zone (like 'Europe/Berlin'), got {value!r}"
    return None


def _check_database_url(value: str) -> str | None:
    if value and "://" not in value:
        return f"must be a database URL like 'sqlite:///path/to/file.sqlite3', got {value!r}"
    return None


def _check_device_name(value: str) -> str | None:
    if len(value) > 64 or any(not c.isprintable() for c in value):
        return f"must be at most 64 printable characters, got {value!r}"
    return None


SETTINGS: dict[str, SettingSpec] = {
    "device_name": SettingSpec(str, check=_check_device_name),
    "database_url": SettingSpec(str, check=_check_database_url),
    "timezone": SettingSpec(str, check=_check_timezone),
    "port": SettingSpec(int, 1024, 65535),
    "idle_threshold_s": SettingSpec(int, 10, 3600),
    "pulsetime_s": SettingSpec(int, 5, 600),
    "store_titles": SettingSpec(bool),
    "store_paths": SettingSpec(bool),
    "words_per_minute": SettingSpec(int, 1, 1000),
    "doomscroll_share_pct": SettingSpec(int, 0, 100),
    "doomscroll_multiplier_pct": SettingSpec(int, 0, 1000),
    "allow_overdraft": SettingSpec(bool),
    "overdraft_limit": SettingSpec(int, 0, MAX_POINTS, points=True),
    "debt_limit": SettingSpec(int, 0, MAX_POINTS, points=True),
    "low_balance": SettingSpec(int, 0, MAX_POINTS, points=True),
    "nudge_pause_s": SettingSpec(int, 0, 600),
    "nudge_minutes": SettingSpec(int, 1, 240),
    "nudge_surcharge_pct": SettingSpec(int, 100, 1000),
}


def settings_to_file_values(settings: Settings) -> dict[str, object]:
    """The settings as the file writes them: points instead of milli-points."""
    values: dict[str, object] = {}
    for spec_name, spec in SETTINGS.items():
        value = getattr(settings, spec_name)
        if spec.points:
            whole, frac = divmod(value, MILLI)
            value = whole if frac == 0 else value / MILLI
        values[spec_name] = value
    return values


# ------------------------------------------------------------------ value checks


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def unknown_key(field: str, key: str, allowed: Sequence[str], what: str = "key") -> ValidationError:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "expected one of " + ", ".join(allowed)
    return ValidationError(field, f"unknown {what} {key!r} ({hint})")


def _check_keys(data: Mapping[str, object], allowed: Sequence[str], at: str) -> None:
    for key in data:
        if key not in allowed:
            raise unknown_key(f"{at}.{key}", key, allowed)


def _integer(value: object, field: str, low: int | None, high: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            field, f"must be a whole number{_range(low, high)}, got {_describe(value)}"
        )
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValidationError(field, f"must be a whole number{_range(low, high)}, got {value}")
    return value


def _range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f" from {low:,} to {high:,}"
    if low is not None:
        return f" of at least {low:,}"
    return ""


def points(value: object, field: str, low: int = 0, high: int = MAX_POINTS) -> int:
    """A points value from the file as milli-points; strings and booleans are refused."""
    if isinstance(value, str):
        raise ValidationError(field, f"must be a number of points (no quotes), got {value!r}")
    milli = to_milli(value, field)
    if not low * MILLI <= milli <= high * MILLI:
        raise ValidationError(
            field, f"must be from {low:,} to {high:,} points, got {_describe(value)}"
        )
    return milli


def _text(value: object, field: str, *, required: bool = True, limit: int = 100) -> str:
    if not isinstance(value, str):
        raise ValidationError(field, f"must be text in quotes, got {_describe(value)}")
    text = value.strip()
    if required and not text:
        raise ValidationError(field, "must not be empty")
    if len(text) > limit:
        raise ValidationError(field, f"must be at most {limit} characters long")
    return text


def _choice(value: object, enum: type[_E], field: str) -> _E:
    allowed = [member.value for member in enum]
    if not isinstance(value, str) or value not in allowed:
        raise ValidationError(field, f"must be one of {', '.join(allowed)}, got {_describe(value)}")
    return enum(value)


def _require(data: Mapping[str, object], key: str, at: str, hint: str = "") -> object:
    if key not in data:
        raise ValidationError(f"{at}.{key}", "is required" + (f" ({hint})" if hint else ""))
    return data[key]


def _table_list(data: Mapping[str, object], name: str) -> list[Mapping[str, object]]:
    items = data.get(name, [])
    if not isinstance(items, list):
        raise ValidationError(name, f"must be a list of [[{name}]] tables, got {_describe(items)}")
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValidationError(
                f"{name}[{index}]", f"must be a [[{name}]] table, got {_describe(item)}"
            )
    return items


def _unique_names(items: Sequence[Task | Goal | Reward], section: str) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        key = item.name.casefold()
        if key in seen:
            raise ValidationError(
                f"{section}[{index}].name",
                f"duplicate name {item.name!r} (also {section}[{seen[key]}]; names ignore case)",
            )
        seen[key] = index


# ------------------------------------------------------------------ sections


def parse_settings(data: object) -> Settings:
    """The ``[settings]`` table (already decoded) as :class:`Settings`."""
    if not isinstance(data, dict):
        raise ValidationError("settings", f"must be a table ([settings]), got {_describe(data)}")
    values: dict[str, Any] = {}
    for key, value in data.items():
        field = f"settings.{key}"
        spec = SETTINGS.get(key)
        if spec is None:
            raise unknown_key(field, key, list(SETTINGS), "setting")
        if spec.points:
            values[key] = points(value, field, spec.low or 0, spec.high or MAX_POINTS)
        elif spec.kind is bool:
            if not isinstance(value, bool):
                raise ValidationError(field, f"must be true or false, got {_describe(value)}")
            values[key] = value
        elif spec.kind is int:
            values[key] = _integer(value, field, spec.low, spec.high)
        else:
            if not isinstance(value, str):
                raise ValidationError(field, f"must be text in quotes, got {_describe(value)}")
            problem = spec.check(value.strip()) if spec.check else None
            if problem:
                raise ValidationError(field, problem)
            values[key] = value.strip()
    return Settings(**values)


def _expand_folders(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    expanded = []
    for rule in rules:
        matcher = rule.matcher
        if isinstance(matcher, FolderMatcher) and matcher.path.startswith("~"):
            try:
                path = Path(matcher.path).expanduser().as_posix()
            except RuntimeError:  # "~someone" who is not a user here, or no home at all
                raise ValidationError(
                    f"rules[{rule.order}].folder",
                    f"cannot find the home folder {matcher.path.split('/')[0]!r} on this computer",
                ) from None
            rule = dataclasses.replace(rule, matcher=FolderMatcher(path))
        expanded.append(rule)
    return tuple(expanded)


def parse_task(data: Mapping[str, object], index: int) -> Task:
    at = f"tasks[{index}]"
    _check_keys(data, ("name", "points", "repeat"), at)
    return Task(
        name=_text(_require(data, "name", at), f"{at}.name"),
        points=points(_require(data, "points", at, "points paid when done"), f"{at}.points"),
        repeat=_choice(data.get("repeat", Repeat.DAILY.value), Repeat, f"{at}.repeat"),
    )


_PERIOD_MINUTES = {Period.DAY: 24 * 60, Period.WEEK: 7 * 24 * 60}


def parse_goal(data: Mapping[str, object], index: int) -> Goal:
    at = f"goals[{index}]"
    _check_keys(data, ("name", "kind", "target", "period", "category", "bonus"), at)
    name = _text(_require(data, "name", at), f"{at}.name")
    kind = _choice(
        _require(data, "kind", at, "minutes, max_minutes, words or tasks"), GoalKind, f"{at}.kind"
    )
    period = _choice(data.get("period", Period.DAY.value), Period, f"{at}.period")
    minutes_kind = kind in (GoalKind.MINUTES, GoalKind.MAX_MINUTES)
    if minutes_kind:
        low, high = (0 if kind is GoalKind.MAX_MINUTES else 1), _PERIOD_MINUTES[period]
    else:
        low, high = 1, (1_000_000 if kind is GoalKind.WORDS else 1000)
    target = _integer(_require(data, "target", at), f"{at}.target", low, high)
    category: Category | None = None
    if minutes_kind:
        category = _choice(
            _require(data, "category", at, f"which time a {kind} goal counts"),
            Category,
            f"{at}.category",
        )
    elif "category" in data:
        raise ValidationError(
            f"{at}.category", f"only minutes and max_minutes goals have a category, not {kind}"
        )
    bonus = points(data.get("bonus", 0), f"{at}.bonus")
    return Goal(name=name, kind=kind, target=target, period=period, category=category, bonus=bonus)


def parse_reward(data: Mapping[str, object], index: int) -> Reward:
    at = f"rewards[{index}]"
    _check_keys(data, ("name", "cost", "daily_limit", "minutes", "site", "category"), at)
    name = _text(_require(data, "name", at), f"{at}.name")
    cost = points(_require(data, "cost", at, "points it costs"), f"{at}.cost")
    daily_limit = None
    if "daily_limit" in data:
        daily_limit = _integer(data["daily_limit"], f"{at}.daily_limit", 1, 1000)
    minutes = _integer(data.get("minutes", 0), f"{at}.minutes", 0, 24 * 60)
    site: str | None = None
    if "site" in data:
        raw = _text(data["site"], f"{at}.site", limit=2000)
        try:
            domain, path = parse_site(raw)
        except ValidationError as exc:
            raise ValidationError(f"{at}.site", exc.message) from None
        site = domain + path.rstrip("/")
    category = _choice(data["category"], Category, f"{at}.category") if "category" in data else None
    if site is not None and category is not None:
        raise ValidationError(
            f"{at}.category", "an allowance covers either a site or a category, not both"
        )
    if (site is not None or category is not None) and minutes == 0:
        raise ValidationError(
            f"{at}.minutes", "an allowance needs minutes (more than 0) it unlocks"
        )
    if minutes > 0 and site is None and category is None:
        raise ValidationError(
            f"{at}.minutes", "minutes need a site or a category the allowance unlocks"
        )
    return Reward(
        name=name, cost=cost, daily_limit=daily_limit, minutes=minutes, site=site, category=category
    )


def config_from_data(data: Mapping[str, object]) -> Config:
    """Build the :class:`Config` from decoded TOML; raises ``ValidationError``."""
    for key in data:
        if key not in SECTIONS:
            raise unknown_key(key, key, SECTIONS, "section")
    settings = parse_settings(data.get("settings", {}))
    rules = _expand_folders(rules_from_dicts(_table_list(data, "rules")))
    tasks = tuple(parse_task(item, i) for i, item in enumerate(_table_list(data, "tasks")))
    goals = tuple(parse_goal(item, i) for i, item in enumerate(_table_list(data, "goals")))
    rewards = tuple(parse_reward(item, i) for i, item in enumerate(_table_list(data, "rewards")))
    _unique_names(tasks, "tasks")
    _unique_names(goals, "goals")
    _unique_names(rewards, "rewards")
    return Config(settings=settings, rules=rules, tasks=tasks, goals=goals, rewards=rewards)


# ------------------------------------------------------------------ text entry point

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


# No setting needs more than three levels (a rule's inline table holding an array); the
# parser recurses once per level and overflows Python's stack at about 450.
MAX_NESTING = 32
# What the nesting scan must step over: strings (a bracket in a string is text) and
# comments. An unterminated string runs to its end of line (or of the file): the text
# is invalid anyway and the parser says so, and the scan stays linear.
_NESTING_TOKENS = re.compile(
    r'''"""(?:[^\\]|\\.)*?(?:"""|\Z)'''
    r"|'''.*?(?:'''|\Z)"
    r"""|"(?:[^"\\\n]|\\.)*"?"""
    r"|'[^'\n]*'?"
    r"|#[^\n]*"
    r"|[\[{]|[\]}]",
    re.S,
)


def _too_deep(text: str) -> int | None:
    """The 1-based line where arrays and inline tables nest deeper than MAX_NESTING, or None."""
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return None  # the common case: cannot be that deep
    depth = 0
    for token in _NESTING_TOKENS.finditer(text):
        mark = token.group()
        if mark in ("[", "{"):
            depth += 1
            if depth > MAX_NESTING:
                return text.count("\n", 0, token.start()) + 1
        elif mark in ("]", "}"):
            depth = max(0, depth - 1)
    return None


def load_toml(text: str, *, filename: str | None = "config.toml") -> dict[str, Any]:
    """Decode TOML text; a syntax error becomes a ``ConfigError`` with the parser's line.

    Arrays and inline tables nested deeper than :data:`MAX_NESTING` are refused before
    parsing (the recursive parser would overflow the stack), with the line where the
    nesting goes too deep.
    """
    deep = _too_deep(text)
    if deep is not None:
        raise ConfigError(
            f"arrays or inline tables are nested more than {MAX_NESTING} levels deep "
            "(no setting needs that; is part of the file garbled?)",
            deep,
            None,
            filename=filename,
        )
    try:
        return tomllib.loads(text)
    except RecursionError:  # a backstop: the scan above should have refused it
        raise ConfigError(
            "values are nested too deeply to read", None, None, filename=filename
        ) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = None
        position = _TOML_POSITION.search(message)
        if position:
            line = int(position.group(1))
            message = f"{message[: position.start()]} (column {position.group(2)})"
        elif (end := _TOML_END.search(message)) is not None:
            line = len(text.splitlines()) or 1
            message = f"{message[: end.start()]} (at the end of the file)"
        raise ConfigError(f"TOML syntax error: {message}", line, None, filename=filename) from None


def parse_config(text: str, *, filename: str | None = "config.toml") -> Config:
    """Parse and validate the whole configuration file's text.

    Raises :class:`ConfigError` naming the field and (best effort) the 1-based
    line: the parser's line for a TOML syntax error, otherwise the line of the
    offending key, or of its table header when the key is missing.
    """
    data = load_toml(text, filename=filename)
    try:
        return config_from_data(data)
    except ValidationError as exc:
        line = Layout(text).line_of(exc.field) if exc.field else None
        raise ConfigError(exc.message, line, exc.field or None, filename=filename) from None
