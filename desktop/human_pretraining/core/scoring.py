"""Turning a day's counted time into points, exactly.

Everything is integer arithmetic on totals: a rule's points for a clock hour are
computed from the *sum* of its weighted milliseconds (and words) in that hour,
truncated toward zero once. So scoring a span in one piece or in one-second
pieces gives exactly the same points, and re-settling a day only ever books the
difference to what is already in the ledger.

Weighting: distraction time while doomscrolling (a scrolling share at or above the
threshold) counts ``doomscroll_multiplier_pct`` percent, and distraction time after
the user chose "continue anyway" on a nudge counts ``nudge_surcharge_pct`` percent
(both together multiply, to whole percent); time covered by a bought
allowance costs nothing; idle time counts only when media is audible on a
costing rule; unfocused time never counts. Output (words written) converts to
minutes at ``words_per_minute``. Caps bound the absolute points per rule per
clock hour, then per day.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from human_pretraining.core.model import MINUTE_MS, Category, Rule, Settings, Source
from human_pretraining.core.timeline import Flags, Span

# ms * percent per minute: the denominator of weighted time.
_MS_PCT_PER_MINUTE = MINUTE_MS * 100

Classifier = Callable[[Span, int], Rule | None]
"""Finds the rule for a span at an instant (the instant matters for schedules)."""


@dataclass(frozen=True)
class Allowance:
    """A bought window during which time on ``site`` or ``category`` is prepaid."""

    start_ms: int
    end_ms: int
    site: str | None = None
    category: Category | None = None

    def covers(self, source: Source, subject: str, category: Category) -> bool:
        """True when time on ``subject`` (of a rule in ``category``) is prepaid by this window."""
        if self.category is not None:
            return category == self.category
        if self.site is None or source is not Source.WEB:
            return False
        domain, _, path = self.site.partition("/")
        subject_domain, _, subject_path = subject.partition("/")
        if not (subject_domain == domain or subject_domain.endswith("." + domain)):
            return False
        return not path or subject_path == path or subject_path.startswith(path + "/")


@dataclass
class RuleTotals:
    """One rule's day: weighted time per clock hour, words, and the resulting points."""

    rule: Rule
    weighted: dict[int, int] = field(default_factory=dict)  # hour index -> ms * percent
    words: dict[int, int] = field(default_factory=dict)  # hour index -> words
    active_ms: int = 0
    points: int = 0


@dataclass
class UsageTotals:
    """Counted time per (device, source, subject) for the activity view and goals."""

    device: int
    source: Source
    subject: str
    rule_id: str | None
    category: Category
    active_ms: int = 0
    words: int = 0
    weighted: int = 0
    points: int = 0


@dataclass
class DayScore:
    rules: dict[str, RuleTotals]
    usage: list[UsageTotals]


def truncate_div(numerator: int, denominator: int) -> int:
    """Integer division rounding toward zero, so costs and credits round alike."""
    quotient = abs(numerator) // denominator
    return quotient if numerator >= 0 else -quotient


def clamp(points: int, cap: int | None) -> int:
    if cap is None:
        return points
    return max(-cap, min(cap, points))


def hour_points(rate: int, weighted_ms_pct: int, words: int, words_per_minute: int) -> int:
    """Milli-points for one clock hour of a rule: rate x (weighted minutes + words / wpm)."""
    numerator = rate * (weighted_ms_pct * words_per_minute + words * _MS_PCT_PER_MINUTE)
    return truncate_div(numerator, _MS_PCT_PER_MINUTE * words_per_minute)


def rule_day_points(totals: RuleTotals, words_per_minute: int) -> int:
    """Points for a rule's day: per-hour points, hourly cap, then the daily cap."""
    rule = totals.rule
    hours = set(totals.weighted) | set(totals.words)
    day = sum(
        clamp(
            hour_points(
                rule.rate, totals.weighted.get(h, 0), totals.words.get(h, 0), words_per_minute
            ),
            rule.hourly_cap,
        )
        for h in hours
    )
    return clamp(day, rule.daily_cap)


def _counts(span: Span, rule: Rule | None) -> bool:
    if span.flags & Flags.UNFOCUSED:
        return False
    if span.flags & Flags.IDLE:
        # Idle earns nothing, but a feed playing to an idle user still costs.
        return bool(span.flags & Flags.AUDIBLE) and rule is not None and rule.rate < 0
    return True


def _percent(span: Span, rule: Rule, settings: Settings) -> int:
    if rule.category is not Category.DISTRACTION or span.duration_ms <= 0:
        return 100
    scrolling = span.scroll_ms * 100 >= settings.doomscroll_share_pct * span.duration_ms
    percent = settings.doomscroll_multiplier_pct if scrolling and span.scroll_ms > 0 else 100
    if span.flags & Flags.SURCHARGE:
        percent = percent * settings.nudge_surcharge_pct // 100
    return percent


def _prepaid(span: Span, start: int, end: int, rule: Rule, allowances: Sequence[Allowance]) -> int:
    """Milliseconds of [start, end) covered by an allowance for this span's rule."""
    covered: list[tuple[int, int]] = sorted(
        (max(a.start_ms, start), min(a.end_ms, end))
        for a in allowances
        if a.start_ms < end
        and a.end_ms > start
        and a.covers(span.source, span.subject, rule.category)
    )
    total, horizon = 0, start
    for lo, hi in covered:
        lo = max(lo, horizon)
        if hi > lo:
            total += hi - lo
            horizon = hi
    return total


def score_day(
    pieces: Sequence[Span],
    classify: Classifier,
    boundaries: Sequence[int],
    settings: Settings,
    allowances: Sequence[Allowance] = (),
    step_ms: int | None = None,
) -> DayScore:
    """Score the counted pieces of one local day.

    ``boundaries`` are the day's clock-hour starts plus its end (see
    ``clock.hour_boundaries``). ``step_ms`` (one minute when rules have schedules)
    splits time finer so each minute is classified on its own; it only changes
    *which rule* applies, never the arithmetic.
    """
    day_start, day_end = boundaries[0], boundaries[-1]
    rules: dict[str, RuleTotals] = {}
    usage: dict[tuple[int, Source, str, str | None], UsageTotals] = {}

    def row_for(span: Span, rule: Rule | None) -> UsageTotals:
        key = (span.device, span.source, span.subject, rule.id if rule else None)
        row = usage.get(key)
        if row is None:
            category = rule.category if rule else Category.NEUTRAL
            row = usage[key] = UsageTotals(span.device, span.source, span.subject, key[3], category)
        return row

    def add_words(span: Span) -> None:
        # Words are credited once, in the clock hour the writing was reported.
        rule = classify(span, span.start_ms)
        row_for(span, rule).words += span.words
        if rule is not None:
            hour = bisect_right(boundaries, span.start_ms) - 1
            totals = rules.setdefault(rule.id, RuleTotals(rule))
            totals.words[hour] = totals.words.get(hour, 0) + span.words

    def add_time(span: Span, start: int, end: int) -> None:
        rule = classify(span, start)
        if not _counts(span, rule):
            return
        row = row_for(span, rule)
        row.active_ms += end - start
        if rule is None:
            return
        totals = rules.setdefault(rule.id, RuleTotals(rule))
        totals.active_ms += end - start
        charged = end - start
        if rule.rate < 0 and allowances:
            charged -= _prepaid(span, start, end, rule, allowances)
        weighted = charged * _percent(span, rule, settings)
        hour = bisect_right(boundaries, start) - 1
        totals.weighted[hour] = totals.weighted.get(hour, 0) + weighted
        row.weighted += weighted

    for span in pieces:
        if span.source is Source.OUTPUT:
            if day_start <= span.start_ms < day_end:
                add_words(span)
            continue
        start, end = max(span.start_ms, day_start), min(span.end_ms, day_end)
        while start < end:
            cut = boundaries[bisect_right(boundaries, start)]
            if step_ms:
                cut = min(cut, start - (start - day_start) % step_ms + step_ms)
            cut = min(cut, end)
            add_time(span, start, cut)
            start = cut

    for totals in rules.values():
        totals.points = rule_day_points(totals, settings.words_per_minute)
    _share_points(list(usage.values()), rules, settings)
    return DayScore(rules=rules, usage=list(usage.values()))


def _share_points(
    rows: list[UsageTotals], rules: dict[str, RuleTotals], settings: Settings
) -> None:
    """Attribute each rule's points to its subjects in proportion to their weighted time.

    For display only (the ledger books per rule); the last row of a rule takes the
    rounding remainder so the shares add up exactly.
    """
    by_rule: dict[str, list[UsageTotals]] = {}
    for row in rows:
        if row.rule_id is not None:
            by_rule.setdefault(row.rule_id, []).append(row)
    for rule_id, group in by_rule.items():
        points = rules[rule_id].points if rule_id in rules else 0
        weights = [
            r.weighted * settings.words_per_minute + r.words * _MS_PCT_PER_MINUTE for r in group
        ]
        total = sum(weights)
        given = 0
        for row, weight in zip(group[:-1], weights[:-1], strict=True):
            row.points = truncate_div(points * weight, total) if total else 0
            given += row.points
        group[-1].points = points - given
