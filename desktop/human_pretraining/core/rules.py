"""Rule matching: which line of the user's reward model an activity falls under.

A :class:`RuleSet` finds the one :class:`~human_pretraining.core.model.Rule` that
applies to a :class:`~human_pretraining.core.subjects.Subject`. The most specific
rule wins, then the one earlier in the file; :func:`explain` says a rule in one
line. Rules are built by :mod:`human_pretraining.core.rule_parsing`.

The extension runs the same cases (``shared/vectors/rule-matching.json``), so the
matching stays simple enough to port to JavaScript. Pure functions only: no I/O,
no clocks (``when`` is always passed in).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from datetime import datetime

from human_pretraining.core.model import (
    AppMatcher,
    Enforcement,
    Rule,
    Schedule,
    SiteMatcher,
    Source,
    ValidationError,
    format_points,
)
from human_pretraining.core.rule_parsing import DAY_NAMES
from human_pretraining.core.subjects import (
    Subject,
    normalize_app_name,
    normalize_domain,
    normalize_path,
)

_CACHE_LIMIT = 4096


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
    current = normalize_path(path)
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
                self._folders.setdefault(normalize_path(m.path), []).append(pos)
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
    days = (
        " ".join(DAY_NAMES[d] for d in sorted(schedule.days)) if len(schedule.days) < 7 else "daily"
    )
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
