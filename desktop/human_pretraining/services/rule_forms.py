"""Rules as a form fills them in: text fields in, a validated ``[[rules]]`` table out.

The rules editor shows each rule as a :class:`RuleForm` (every field is the
text a person sees and types) and writes it back as the TOML table the
configuration file holds, through :class:`~human_pretraining.config.file.ConfigFile`
(atomic, comments kept). Validation is the configuration's own
(:func:`~human_pretraining.core.rule_parsing.rule_from_dict`), so the editor can never
accept what the file would refuse; its field names (``rules[3].rate``) are
mapped to the form's (``rate``) so the error appears beside the right input.
Values the person did not change keep the exact form they have in the file
(``["code", "Code.exe"]`` is not rewritten as ``["code", "code"]``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from human_pretraining.config.file import ConfigFile
from human_pretraining.core.model import (
    MILLI,
    AppMatcher,
    Category,
    Enforcement,
    Rule,
    SiteMatcher,
    ValidationError,
)
from human_pretraining.core.rule_parsing import rule_from_dict
from human_pretraining.core.subjects import parse_site

KINDS = ("site", "app", "folder")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PATTERN_HINTS = {
    "site": "a domain, optionally with a path, e.g. youtube.com/shorts",
    "app": "one or more app names separated by commas, e.g. code, Code.exe",
    "folder": "an absolute folder, or one starting with ~, e.g. ~/notes",
}


@dataclass(frozen=True)
class RuleForm:
    """One rule as the editor's fields hold it; every value is what the person typed.

    ``days`` empty and ``hours`` empty mean no schedule (always in force).
    """

    kind: str = "site"
    pattern: str = ""
    title: str = ""
    category: str = Category.NEUTRAL.value
    rate: str = "0"
    daily_cap: str = ""
    hourly_cap: str = ""
    enforcement: str = Enforcement.TRACK.value
    days: tuple[str, ...] = ()
    hours: str = ""
    id: str = ""

    @property
    def match_text(self) -> str:
        """``site youtube.com/shorts`` or ``app soffice, swriter (title ~ Writer)``."""
        title = f" (title ~ {self.title})" if self.title else ""
        return f"{self.kind} {self.pattern}{title}"

    @property
    def schedule_text(self) -> str:
        """``mon tue 09:00-17:00``, ``always`` when the rule has no schedule."""
        if not self.days and not self.hours:
            return "always"
        days = "every day" if not self.days or len(self.days) == 7 else " ".join(self.days)
        return f"{days} {self.hours or '00:00-24:00'}"


@dataclass(frozen=True)
class RuleEntry:
    """A rule of the configuration: its id (explicit or derived) and its form."""

    id: str
    form: RuleForm


def points_text(milli: int) -> str:
    """Milli-points as a plain number a field can hold: ``-4``, ``1.5`` (no separators)."""
    return _plain(Decimal(milli) / MILLI)


def _plain(amount: Decimal) -> str:
    text = format(amount.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _value_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return _plain(Decimal(str(value)))
    return str(value)


def form_from_table(table: Mapping[str, Any]) -> RuleForm:
    """The form for a ``[[rules]]`` table as the file holds it."""
    kind = next((k for k in KINDS if k in table), "site")
    value = table.get(kind, "")
    pattern = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    schedule = table.get("schedule")
    days: tuple[str, ...] = ()
    hours = ""
    if isinstance(schedule, Mapping):
        raw_days = schedule.get("days", [])
        if isinstance(raw_days, list):
            days = _normal_days(str(d) for d in raw_days)
        hours = str(schedule.get("hours", ""))
    return RuleForm(
        kind=kind,
        pattern=pattern,
        title=str(table.get("title", "")),
        category=str(table.get("category", Category.NEUTRAL.value)),
        rate=_value_text(table.get("rate")),
        daily_cap=_value_text(table.get("daily_cap")),
        hourly_cap=_value_text(table.get("hourly_cap")),
        enforcement=str(table.get("enforcement", Enforcement.TRACK.value)),
        days=days,
        hours=hours,
        id=str(table.get("id", "")),
    )


def form_from_rule(rule: Rule) -> RuleForm:
    """The form for a parsed rule (when the file's text is not at hand)."""
    m = rule.matcher
    if isinstance(m, SiteMatcher):
        kind, pattern, title = "site", m.domain + m.path, ""
    elif isinstance(m, AppMatcher):
        kind, pattern, title = "app", ", ".join(m.names), m.title_pattern or ""
    else:
        kind, pattern, title = "folder", m.path, ""
    days: tuple[str, ...] = ()
    hours = ""
    if rule.schedule is not None:
        s = rule.schedule
        days = tuple(DAYS[d] for d in sorted(s.days)) if len(s.days) < 7 else ()
        (h1, m1), (h2, m2) = divmod(s.start_minute, 60), divmod(s.end_minute, 60)
        hours = f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"
    return RuleForm(
        kind=kind,
        pattern=pattern,
        title=title,
        category=rule.category.value,
        rate=points_text(rule.rate),
        daily_cap="" if rule.daily_cap is None else points_text(rule.daily_cap),
        hourly_cap="" if rule.hourly_cap is None else points_text(rule.hourly_cap),
        enforcement=rule.enforcement.value,
        days=days,
        hours=hours,
        id=rule.id,
    )


def _normal_days(days: Any) -> tuple[str, ...]:
    chosen = {str(d).strip().casefold()[:3] for d in days}
    return tuple(d for d in DAYS if d in chosen)


def rule_tables(text: str) -> list[dict[str, Any]] | None:
    """The ``[[rules]]`` tables of a configuration text, or None if it does not parse."""
    try:
        items = tomllib.loads(text).get("rules", [])
    except (tomllib.TOMLDecodeError, RecursionError):  # or nested 450+ deep by hand
        return None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return None
    return items


def rule_entries(config_file: ConfigFile) -> list[RuleEntry]:
    """Every rule in force, in file order, as the file writes it where possible.

    The ids come from the configuration in force; the forms from the file's text,
    unless it was hand-edited into something that does not match (then from the
    parsed rules, which is what is in force anyway).
    """
    rules = config_file.current.rules
    try:
        tables = rule_tables(config_file.read_text())
    except Exception:  # an unreadable file: show what is in force
        tables = None
    if tables is None or len(tables) != len(rules):
        return [RuleEntry(r.id, form_from_rule(r)) for r in rules]
    return [RuleEntry(r.id, form_from_table(t)) for r, t in zip(rules, tables, strict=True)]


# ------------------------------------------------------------------ form → table


def _number(text: str, field: str, required: bool) -> int | float | None:
    stripped = text.strip()
    if not stripped:
        if required:
            raise ValidationError(field, "is required (points per minute, e.g. -3 or 1.5)")
        return None
    problem = f"must be a number, e.g. -3 or 1.5, got {stripped!r}"
    try:
        amount = Decimal(stripped)
    except InvalidOperation:
        raise ValidationError(field, problem) from None
    if not amount.is_finite():
        raise ValidationError(field, problem)
    if amount * MILLI != (amount * MILLI).to_integral_value():
        raise ValidationError(field, f"allows at most 3 decimals, got {stripped!r}")
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _site_text(pattern: str) -> str:
    """A pasted URL as the rule spells sites: ``https://www.x.org/a/?q`` → ``x.org/a``."""
    try:
        domain, path = parse_site(pattern)
    except ValidationError:
        return pattern  # rule_from_dict says what is wrong with it, under the right field
    return domain + path.rstrip("/")


def _form_field(config_field: str) -> str:
    """``rules[3].schedule.hours`` → ``schedule``; ``rules[3].app[1]`` → ``pattern``."""
    rest = config_field.split("].", 1)[1] if "]." in config_field else ""
    key = rest.split(".", 1)[0].split("[", 1)[0]
    if key in KINDS:
        return "pattern"
    if key in ("days", "hours"):
        return "schedule"
    return key or "pattern"


def table_from_form(
    form: RuleForm,
    index: int,
    other_ids: Collection[str] = (),
    original: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``[[rules]]`` table for ``form`` at position ``index``, or ``ValidationError``.

    The error's ``field`` is a form field (``pattern``, ``rate``, ``daily_cap``,
    ``schedule``, ``id``...). ``other_ids`` are the ids of every other rule;
    ``original`` is the table being edited, whose unchanged values are kept as written.
    """
    if form.kind not in KINDS:
        raise ValidationError("kind", f"must be one of {', '.join(KINDS)}, got {form.kind!r}")
    pattern = form.pattern.strip()
    if not pattern:
        raise ValidationError("pattern", f"is required: {_PATTERN_HINTS[form.kind]}")
    table: dict[str, Any] = {}
    if form.id.strip():
        table["id"] = form.id.strip()
    if form.kind == "app":
        names = [n.strip() for n in pattern.split(",")]
        if not all(names):
            raise ValidationError("pattern", f"has an empty name: {_PATTERN_HINTS['app']}")
        table["app"] = names[0] if len(names) == 1 else names
        if form.title.strip():
            table["title"] = form.title.strip()
    elif form.kind == "site":
        table["site"] = _site_text(pattern)
    else:
        table[form.kind] = pattern
    table["category"] = form.category
    table["rate"] = _number(form.rate, "rate", required=True)
    for key in ("daily_cap", "hourly_cap"):
        value = _number(getattr(form, key), key, required=False)
        if value is not None:
            table[key] = value
    if form.enforcement != Enforcement.TRACK.value:
        table["enforcement"] = form.enforcement
    schedule: dict[str, Any] = {}
    if form.days and len(form.days) < 7:
        schedule["days"] = list(_normal_days(form.days))
    if form.hours.strip():
        schedule["hours"] = form.hours.strip()
    if schedule:
        table["schedule"] = schedule
    if original is not None:
        table = _keep_as_written(form, table, original)
    try:
        rule = rule_from_dict(table, index)
    except ValidationError as exc:
        raise ValidationError(_form_field(exc.field), exc.message) from None
    if rule.id in other_ids:
        raise ValidationError(
            "id", f"another rule already has the id {rule.id!r}; give this one its own id"
        )
    return table


def _keep_as_written(
    form: RuleForm, table: dict[str, Any], original: Mapping[str, Any]
) -> dict[str, Any]:
    """``table``, but with the original's value wherever the form shows it unchanged."""
    before = form_from_table(original)
    same = {f.name for f in fields(RuleForm) if getattr(before, f.name) == getattr(form, f.name)}
    kept = dict(table)
    keys_of = {
        "pattern": (form.kind,),
        "title": ("title",),
        "rate": ("rate",),
        "daily_cap": ("daily_cap",),
        "hourly_cap": ("hourly_cap",),
        "id": ("id",),
    }
    if "kind" in same:
        for name, keys in keys_of.items():
            if name in same:
                for key in keys:
                    if key in original:
                        kept[key] = original[key]
                    else:
                        kept.pop(key, None)
        if "days" in same and "hours" in same and "schedule" in original:
            kept["schedule"] = original["schedule"]
    # The original's key order reads best (id, match, category, rate, ...).
    order = [k for k in original if k in kept] + [k for k in kept if k not in original]
    return {k: kept[k] for k in order}


def ids_except(entries: Sequence[RuleEntry], index: int | None) -> set[str]:
    """The ids of every rule but the one at ``index`` (None: all of them)."""
    return {e.id for i, e in enumerate(entries) if i != index}


def save_rule(config_file: ConfigFile, form: RuleForm, rule_id: str | None = None) -> str:
    """Write ``form`` as a new last rule (``rule_id`` None) or over the rule ``rule_id``.

    Returns the rule's id. Raises ``ValidationError`` naming a form field for a
    bad value, ``ConfigError`` if the file refuses the change; either way nothing
    is written.
    """
    entries = rule_entries(config_file)
    index = None
    if rule_id is not None:
        index = next((i for i, e in enumerate(entries) if e.id == rule_id), None)
        if index is None:
            raise ValidationError("form", f"the rule {rule_id!r} is no longer in the file")
    original = None
    if index is not None:
        tables = rule_tables(config_file.read_text())
        if tables is not None and len(tables) == len(entries):
            original = tables[index]
    position = len(entries) if index is None else index
    table = table_from_form(form, position, ids_except(entries, index), original)
    if index is None:
        return config_file.add_rule(table).rules[-1].id
    return config_file.replace_rule(entries[index].id, table).rules[index].id
