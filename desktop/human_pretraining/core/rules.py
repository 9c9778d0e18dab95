"""Rule matching: which line of the user's reward model an activity falls under.

Three kinds of activity reach the scorer: a web page (from the extension), a
foreground application (from the desktop watcher) and output written to a file
(from the folder watcher). Each is described by a :class:`Subject`; a
:class:`RuleSet` finds the one :class:`~human_pretraining.core.model.Rule` that
applies. The most specific rule wins, then the one earlier in the file.

The same rule dictionaries come from the TOML config and from
``shared/vectors/rule-matching.json``, which the browser extension also runs, so
every normalisation here is deliberately simple enough to port to JavaScript.
Pure functions only: no I/O, no clocks (``when`` is always passed in).
"""

from __future__ import annotations

import difflib
import functools
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
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
    Source,
    ValidationError,
    format_points,
    to_milli,
)

# A leading "www."/"m."/"mobile." is the same site in another costume; only one is
# stripped, and never when it would leave a bare TLD ("www.com" stays itself).
_COSTUME_PREFIXES = ("www.", "m.", "mobile.")
# IDNA treats these full-width/ideographic dots as label separators too.
_DOTS = re.compile("[.\u3002\uff0e\uff61]")
_LABEL = re.compile(r"[a-z0-9_-]{1,63}")  # "_" occurs in real hosts; DNS caps labels at 63
_IPV6 = re.compile(r"[0-9a-f:.]+")
# "chrome://", "about:", "https://" ... but "youtube.com:443" is a host with a port,
# and a name with a dot is a scheme only before "//" ("youtube.com:/x" is a host).
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*)://|([a-z][a-z0-9+-]*):(?!\d)", re.IGNORECASE)
_HOURS = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NUMBERS = {name: i % 7 for i, name in enumerate(_DAYS + _FULL_DAYS)}
_KEYS = ("id", "site", "app", "folder", "title", "category", "rate", "daily_cap",
         "hourly_cap", "enforcement", "schedule")  # fmt: skip
_CACHE_LIMIT = 4096
_T = TypeVar("_T")
_E = TypeVar("_E", bound=StrEnum)


def normalize_domain(host: str) -> str:
    """Return the canonical form of a host: ``WWW.Bücher.DE.:443`` → ``xn--bcher-kva.de``.

    Lower case, no credentials, port or trailing dot, punycode for IDN labels and
    one ``www.``/``m.``/``mobile.`` prefix removed. Raises ``ValidationError("site")``.
    """
    text = host.strip().rpartition("@")[2]  # "user:pw@host": the host is after the last @
    if text.startswith("["):  # IPv6 literal, possibly with a port
        inner, closed, port = text[1:].partition("]")
        if closed and _IPV6.fullmatch(inner.lower()) and re.fullmatch(r"(:\d*)?", port):
            return f"[{inner.lower()}]"
        raise ValidationError("site", f"not a valid host: {host!r}")
    name, _, port = text.partition(":")
    if port and not re.fullmatch(r"\d+", port):
        raise ValidationError("site", f"not a valid host or port: {host!r}")
    name = name[:-1] if name.endswith(".") else name  # "youtube.com." is fully qualified
    if not name:
        raise ValidationError("site", f"needs a domain, got {host!r}")
    if "*" in name:
        raise ValidationError("site", f"wildcards are not needed, subdomains match: {host!r}")
    domain = ".".join(_label_to_ascii(label, host) for label in _DOTS.split(name))
    for prefix in _COSTUME_PREFIXES:
        if domain.startswith(prefix) and "." in domain[len(prefix) :]:
            return domain[len(prefix) :]
    return domain


def _label_to_ascii(label: str, host: str) -> str:
    if label.isascii():
        ascii_label = label.lower()
    elif any(not c.isascii() and unicodedata.category(c)[0] in "PZC" for c in label):
        ascii_label = ""  # spaces, punctuation and control characters are not names
    else:
        try:
            ascii_label = label.encode("idna").decode("ascii").lower()
        except UnicodeError:
            # IDNA 2003 (all the stdlib has) refuses characters newer than Unicode
            # 3.2, e.g. most emoji; browsers accept them, so encode the way UTS 46
            # would for such labels: plain punycode of the case-folded NFC form.
            folded = unicodedata.normalize("NFC", label.casefold())
            ascii_label = "xn--" + folded.encode("punycode").decode("ascii")
    if not _LABEL.fullmatch(ascii_label):
        raise ValidationError("site", f"not a valid domain: {host!r}")
    return ascii_label


@functools.lru_cache(maxsize=4096)  # pure, and the same few sites arrive over and over
def parse_site(text: str) -> tuple[str, str]:
    """Split a URL or ``domain/path`` into ``(normalized_domain, path)``.

    The path is ``""`` or starts with ``/`` and carries no query or fragment.
    Only http(s) addresses name a site; other schemes raise ``ValidationError``.
    """
    rest = text.strip()
    scheme = _SCHEME.match(rest)
    if scheme:
        if (scheme.group(1) or scheme.group(2)).lower() not in ("http", "https"):
            raise ValidationError(
                "site", f"only http and https pages can be matched, got {text.strip()!r}"
            )
        rest = rest[scheme.end() :]
    rest = rest.replace("\\", "/").lstrip("/")  # browsers read "\" as "/" in web URLs
    end = min((i for i in map(rest.find, "/?#") if i >= 0), default=len(rest))
    path = re.split("[?#]", rest[end:], maxsplit=1)[0]
    return normalize_domain(rest[:end]), path


def normalize_app_name(name: str) -> str:
    """Bring an app name as any OS reports it to one key: ``C:\\...\\Code.exe`` → ``code``.

    Takes the basename (or the outermost macOS ``.app`` bundle), drops ``.exe``/
    ``.app``, case-folds and collapses whitespace. Raises ``ValidationError("app")``.
    """
    parts = [p for p in name.strip().replace("\\", "/").split("/") if p.strip()]
    bundle = next((p for p in parts if p.casefold().endswith(".app")), None)
    base = bundle or (parts[-1] if parts else "")
    for suffix in (".exe", ".app"):
        if base.casefold().endswith(suffix):
            base = base[: -len(suffix)]
    key = " ".join(base.casefold().split())
    if not key:
        raise ValidationError("app", f"needs an application name, got {name!r}")
    return key


def _normalize_path(path: str) -> str:
    # Separators and "."/".." differ between OSes and watchers; case does not get
    # folded because Linux paths are case-sensitive. Drive letters are, though.
    text = path.strip().replace("\\", "/")
    if re.match(r"[a-z]:", text):
        text = text[0].upper() + text[1:]
    return posixpath.normpath(text) if text else ""


@dataclass(frozen=True)
class Subject:
    """An activity to score: a web page, a foreground app, or output in a file."""

    source: Source
    name: str  # normalised domain (web), app name as reported (app), path (output)
    path: str = ""  # URL path (web)
    title: str | None = None
    exe: str | None = None

    @classmethod
    def site(cls, url_or_domain: str) -> Subject:
        """A web page, from a full URL or ``domain/path``; see :func:`parse_site`."""
        domain, path = parse_site(url_or_domain)
        return cls(Source.WEB, domain, path)

    @classmethod
    def app(cls, name: str, exe: str | None = None, title: str | None = None) -> Subject:
        """A foreground application as the OS reports it (name, executable, window title)."""
        return cls(Source.APP, name, exe=exe, title=title)

    @classmethod
    def output(cls, path: str) -> Subject:
        """Output written to the file or folder at ``path`` (absolute)."""
        return cls(Source.OUTPUT, path)


# ------------------------------------------------------------------ parsing rules


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
    folder = _normalize_path(value)
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
    days = value.get("days", list(_DAYS))
    if not isinstance(days, list | tuple) or not days:
        raise ValidationError(
            f"{field}.days", f"must be a non-empty list like ['mon'], got {days!r}"
        )
    numbers: set[int] = set()
    for day in days:
        number = _DAY_NUMBERS.get(day.strip().casefold()) if isinstance(day, str) else None
        if number is None:
            raise ValidationError(f"{field}.days", f"must be {', '.join(_DAYS)}, got {day!r}")
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


# ---------------------------------------------------------------------- matching


def in_schedule(schedule: Schedule, when: datetime) -> bool:
    """Whether ``when`` (local wall-clock time) falls inside ``schedule``.

    A window that wraps past midnight belongs to the day it starts on: a Friday
    22:00-02:00 window covers Saturday 01:00 but not Friday 01:00.
    """
    minute, day = when.hour * 60 + when.minute, when.weekday()
    if schedule.start_minute < schedule.end_minute:
        return day in schedule.days and schedule.start_minute <= minute < schedule.end_minute
    if minute >= schedule.start_minute:
        return day in schedule.days
    return minute < schedule.end_minute and (day - 1) % 7 in schedule.days


def _app_key(name: str | None) -> str | None:
    try:
        return normalize_app_name(name) if name else None
    except ValidationError:
        return None


def _ancestors(path: str) -> Iterator[str]:
    current = _normalize_path(path)
    while current:
        yield current
        parent = posixpath.dirname(current)
        if parent == current:
            return
        current = parent


class RuleSet:
    """The user's rules, indexed for fast lookup; :meth:`match` picks the winner.

    Most specific wins, then the lower ``order``. Specificity is (labels in the
    domain, path length) for sites, whether a title pattern is set for apps and
    folder depth for folders. Lookups walk the subject's domain suffixes or
    folder ancestors, so cost does not grow with the number of rules.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(sorted(rules, key=lambda rule: rule.order))
        self._sites: dict[str, list[tuple[str, int]]] = {}
        self._apps: dict[str, list[int]] = {}
        self._folders: dict[str, list[int]] = {}
        self._titles: dict[int, re.Pattern[str]] = {}
        # Candidates ignore schedules, so they can be cached whatever ``when`` is.
        self._cache: dict[Subject, tuple[Rule, ...]] = {}
        for pos, rule in enumerate(self.rules):
            m = rule.matcher
            if isinstance(m, SiteMatcher):
                self._sites.setdefault(m.domain, []).append((m.path.rstrip("/"), pos))
            elif isinstance(m, AppMatcher):
                for name in m.names:
                    self._apps.setdefault(name, []).append(pos)
                if m.title_pattern:
                    self._titles[pos] = re.compile(m.title_pattern, re.IGNORECASE)
            else:
                self._folders.setdefault(_normalize_path(m.path), []).append(pos)
        for entries in self._sites.values():
            entries.sort(key=lambda entry: (-len(entry[0]), entry[1]))

    def match(self, subject: Subject, when: datetime | None = None) -> Rule | None:
        """The winning rule for ``subject``, or None; schedules apply only if ``when`` is given."""
        for rule in self.candidates(subject):
            if when is None or rule.schedule is None or in_schedule(rule.schedule, when):
                return rule
        return None

    def candidates(self, subject: Subject) -> tuple[Rule, ...]:
        """Every rule matching ``subject`` regardless of schedule, best first."""
        cached = self._cache.get(subject)
        if cached is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()  # crude, but URLs are unbounded and this is only a cache
            cached = self._cache[subject] = tuple(self.rules[p] for p in self._positions(subject))
        return cached

    def _positions(self, subject: Subject) -> list[int]:
        if subject.source is Source.WEB:
            try:
                labels = normalize_domain(subject.name).split(".")
            except ValidationError:
                return []
            found: list[int] = []
            for i in range(len(labels)):  # a.b.c.com, b.c.com, c.com, com: most labels first
                for path, pos in self._sites.get(".".join(labels[i:]), ()):
                    if not path or subject.path == path or subject.path.startswith(path + "/"):
                        found.append(pos)
            return found
        if subject.source is Source.APP:
            keys = {_app_key(subject.name), _app_key(subject.exe)} - {None}
            hits = {pos for key in keys if key for pos in self._apps.get(key, ())}
            titled = [p for p in hits if p in self._titles]
            if subject.title is None:
                hits -= set(titled)
            else:
                hits -= {p for p in titled if not self._titles[p].search(subject.title)}
            return sorted(hits, key=lambda pos: (pos not in self._titles, pos))
        return [pos for folder in _ancestors(subject.name) for pos in self._folders.get(folder, ())]


def explain(rule: Rule) -> str:
    """One line for people: ``site youtube.com/shorts → distraction, -3 pts/min, nudge``."""
    m = rule.matcher
    if isinstance(m, SiteMatcher):
        what = f"site {m.domain}{m.path}"
    elif isinstance(m, AppMatcher):
        title = f" (title ~ /{m.title_pattern}/)" if m.title_pattern else ""
        what = f"app {' / '.join(m.names)}{title}"
    else:
        what = f"folder {m.path}"
    sign = "+" if rule.rate > 0 else ""
    parts = [f"{what} → {rule.category}", f"{sign}{format_points(rule.rate)} pts/min"]
    if rule.enforcement is not Enforcement.TRACK:
        parts.append(str(rule.enforcement))
    if rule.daily_cap is not None:
        parts.append(f"cap {format_points(rule.daily_cap)}/day")
    if rule.hourly_cap is not None:
        parts.append(f"cap {format_points(rule.hourly_cap)}/hour")
    if rule.schedule is not None:
        parts.append(_describe_schedule(rule.schedule))
    return ", ".join(parts)


def _describe_schedule(schedule: Schedule) -> str:
    days = " ".join(_DAYS[d] for d in sorted(schedule.days)) if len(schedule.days) < 7 else "daily"
    (h1, m1), (h2, m2) = divmod(schedule.start_minute, 60), divmod(schedule.end_minute, 60)
    return f"{days} {h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


_indexed: list[tuple[tuple[Rule, ...], RuleSet]] = []


def ruleset_for(rules: tuple[Rule, ...]) -> RuleSet:
    """The RuleSet for a configuration's rules, built once per loaded configuration.

    Keyed by identity: a configuration's ``rules`` tuple is the same object until
    the file is reloaded, and comparing by value would cost as much as rebuilding.
    """
    for known, ruleset in _indexed:
        if known is rules:
            return ruleset
    ruleset = RuleSet(rules)
    _indexed[:] = [(rules, ruleset), *_indexed[:1]]  # the current and the previous config
    return ruleset
