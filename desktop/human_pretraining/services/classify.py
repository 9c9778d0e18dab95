"""One-click classification: "this app is distraction" becomes a rule, and history follows.

The Activity view lists time per subject; a subject no rule matches counts as
neutral. Classifying it writes a rule through
:class:`~human_pretraining.config.file.ConfigFile` (atomic, comments kept) with
the category's default rate from :data:`DEFAULTS`, or, when a rule already
matches, changes that rule's category (and its rate and cap to the new
category's defaults: a rate that earned as focus would be wrong as distraction).
Then every recent day the change affects is marked dirty, so the next
settlement re-scores it with the new rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from sqlalchemy import select

from human_pretraining.config.file import ConfigFile
from human_pretraining.core.clock import add_days, day_of
from human_pretraining.core.model import Category, Rule, Source, ValidationError
from human_pretraining.core.rule_parsing import rule_from_dict
from human_pretraining.core.rules import RuleSet, explain
from human_pretraining.core.subjects import Subject, parse_site
from human_pretraining.services.deps import Deps
from human_pretraining.services.ingest import mark_dirty
from human_pretraining.services.rule_forms import rule_tables
from human_pretraining.store.models import DailyUsage
from human_pretraining.store.models import Subject as SubjectRow


@dataclass(frozen=True)
class CategoryDefaults:
    """What a new rule of a category pays, in the file's units (points per minute, points)."""

    rate: int
    daily_cap: int | None


# In the style of shared/default-config.toml: editors and docs earn a little and
# are capped, writing earns more, feeds cost, neutral is zero.
DEFAULTS: Final[Mapping[Category, CategoryDefaults]] = MappingProxyType(
    {
        Category.FOCUS: CategoryDefaults(rate=1, daily_cap=240),
        Category.LEARNING: CategoryDefaults(rate=2, daily_cap=120),
        Category.OUTPUT: CategoryDefaults(rate=2, daily_cap=120),
        Category.NEUTRAL: CategoryDefaults(rate=0, daily_cap=None),
        Category.DISTRACTION: CategoryDefaults(rate=-2, daily_cap=None),
    }
)
# How far back a classification re-scores: the ingestion window, whose days are
# still open to late events anyway.
RESCORE_DAYS = 30
CLASSIFIABLE = (Source.APP.value, Source.WEB.value)


@dataclass(frozen=True)
class Classified:
    """What a classification did: which rule, whether it is new, which days will be re-scored."""

    rule_id: str
    created: bool
    changed: bool
    rule_text: str  # core.rules.explain of the rule now in force
    days: tuple[int, ...]


def subject_of(source: str, name: str) -> Subject:
    """The rules' view of a usage row's subject (``web`` names carry ``domain/path``)."""
    if source == Source.WEB.value:
        return Subject.site(name)
    if source == Source.APP.value:
        return Subject.app(name)
    raise ValidationError(
        "source",
        "output folders are scored by their folder rule; change it in the Rules view",
    )


class Classification:
    """One-click rules for one process: the configuration file and the database it re-scores."""

    def __init__(self, deps: Deps, config_file: ConfigFile) -> None:
        self._db = deps.db
        self._clock = deps.clock
        self._tz = deps.tz
        self._config_file = config_file

    def classify(
        self,
        source: str,
        name: str,
        category: Category,
        *,
        rule_id: str | None = None,
        day: int | None = None,
    ) -> Classified:
        """Make ``name`` (an app, or a site's ``domain/path``) count as ``category``.

        ``rule_id`` is the rule the activity was settled under, if any; ``day`` is a
        day to re-score whatever else is found. Raises ``ValidationError`` for a
        subject that cannot be classified and ``ConfigError`` if the file refuses.
        """
        subject = subject_of(source, name)
        file = self._config_file
        config = file.current
        rule = _rule_to_edit(config.rules, subject, rule_id)
        if rule is None:
            table = _new_table(subject, category, {r.id for r in config.rules}, len(config.rules))
            new_id, created = str(table["id"]), True
            written = file.add_rule(table)
        else:
            edited = _edited_table(file, rule, category)
            new_id, created = rule.id, False
            written = config if edited is None else file.replace_rule(rule.id, edited)
        changed = written is not config
        new_rule = next(r for r in written.rules if r.id == new_id)
        days = self._affected_days(new_rule, None if created else new_id, day)
        if changed:
            self.mark_for_rescoring(days)
        return Classified(new_rule.id, created, changed, explain(new_rule), days)

    def _affected_days(self, rule: Rule, old_id: str | None, day: int | None) -> tuple[int, ...]:
        """Recent days with time on a subject the rule matches (or that the old rule scored)."""
        today = day_of(self._clock(), self._tz())
        first = add_days(today, -(RESCORE_DAYS - 1))
        with self._db.read() as conn:
            rows = conn.execute(
                select(DailyUsage.day, SubjectRow.source, SubjectRow.name, DailyUsage.rule_id)
                .join(SubjectRow, SubjectRow.id == DailyUsage.subject_id)
                .where(DailyUsage.day >= first, DailyUsage.day <= today)
                .distinct()
            ).all()
        only = RuleSet([rule])
        days = {day} if day is not None else set()
        for row_day, source, name, row_rule in rows:
            if row_day in days:
                continue
            scored_by_old = old_id is not None and row_rule == old_id
            if scored_by_old or (
                source in CLASSIFIABLE and only.candidates(_quiet_subject(source, name))
            ):
                days.add(row_day)
        return tuple(sorted(days))

    def mark_for_rescoring(self, days: Iterable[int]) -> None:
        """Queue ``days`` for the next settlement (which re-scores them from their spans)."""
        wanted = sorted(set(days))
        if wanted:
            with self._db.write() as conn:
                mark_dirty(conn, wanted)


def _rule_to_edit(rules: Iterable[Rule], subject: Subject, rule_id: str | None) -> Rule | None:
    rules = tuple(rules)
    if rule_id is not None:
        found = next((r for r in rules if r.id == rule_id), None)
        if found is not None:
            return found
    # Unknown when it was settled; a rule may have been added since. A scheduled
    # rule is left alone: the time outside its schedule needs a rule of its own.
    return next((r for r in RuleSet(rules).candidates(subject) if r.schedule is None), None)


def _new_table(
    subject: Subject, category: Category, ids: set[str], index: int
) -> dict[str, object]:
    defaults = DEFAULTS[category]
    table: dict[str, object] = (
        {"site": parse_site(subject.name)[0]}
        if subject.source is Source.WEB
        else {"app": subject.name}
    )
    table |= {"category": category.value, "rate": defaults.rate}
    if defaults.daily_cap is not None:
        table["daily_cap"] = defaults.daily_cap
    base = rule_from_dict(table, index).id
    rule_id, n = base, 2
    while rule_id in ids:
        rule_id, n = f"{base}-{n}", n + 1
    return {"id": rule_id, **table}


def _edited_table(file: ConfigFile, rule: Rule, category: Category) -> dict[str, object] | None:
    """The rule's table with the new category and its defaults, or None if nothing changes."""
    if rule.category is category:
        return None
    tables = rule_tables(file.read_text())
    if tables is None or len(tables) <= rule.order:
        raise ValidationError("rules", "the configuration file changed; try again in a moment")
    table: dict[str, object] = dict(tables[rule.order])
    defaults = DEFAULTS[category]
    table["category"] = category.value
    table["rate"] = defaults.rate
    if defaults.daily_cap is None:
        table.pop("daily_cap", None)
    else:
        table["daily_cap"] = defaults.daily_cap
    if category is not Category.DISTRACTION:
        table.pop("enforcement", None)  # nudging or blocking something useful makes no sense
    return table


def _quiet_subject(source: str, name: str) -> Subject:
    try:
        return subject_of(source, name)
    except ValidationError:
        return Subject(Source(source), name)  # an odd stored name simply matches nothing
