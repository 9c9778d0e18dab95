"""What the dashboard draws: the day's time per hour and category, and the balance over time.

The hourly picture uses the settler's own view of the day — the same span
loading, the same foreground precedence (a browser yields to the site the
extension reports) and the same rule classification — so the chart and the
points always tell the same story. Only counted time is drawn: idle and
unfocused stretches are left out, as scoring leaves them out.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from human_pretraining.core.clock import add_days, day_bounds, hour_boundaries
from human_pretraining.core.model import Category, Source
from human_pretraining.core.rules import ruleset_for
from human_pretraining.core.timeline import Flags, foreground_pieces
from human_pretraining.services.deps import Deps
from human_pretraining.services.settle import Classifier, load_spans
from human_pretraining.store.ledger import balance
from human_pretraining.store.models import LedgerEntry

NOT_COUNTED = Flags.IDLE | Flags.UNFOCUSED


@dataclass(frozen=True)
class HourlyCategories:
    """Minutes per category for each local clock hour of a day (23 to 25 hours on DST days)."""

    day: int
    hours: list[int]  # epoch ms of each hour's start
    minutes: dict[Category, list[float]]


@dataclass(frozen=True)
class BalancePoint:
    day: int
    balance: int  # milli-points at the end of the day


class Dashboard:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def hourly_categories(self, day: int) -> HourlyCategories:
        deps = self._deps
        config = deps.config()
        tz = deps.tz()
        classify = Classifier(ruleset_for(config.rules), any(r.schedule for r in config.rules), tz)
        start, end = day_bounds(day, tz)
        bounds = hour_boundaries(day, tz)
        hours = bounds[:-1]
        minutes = {c: [0.0] * len(hours) for c in Category}
        with deps.db.read() as conn:
            spans, _ids = load_spans(conn, start, end)
        for piece in foreground_pieces(spans):
            if piece.source is Source.OUTPUT or piece.flags & NOT_COUNTED:
                continue
            rule = classify(piece, piece.start_ms)
            category = rule.category if rule is not None else Category.NEUTRAL
            for index, hour_start in enumerate(hours):
                overlap = min(piece.end_ms, bounds[index + 1]) - max(piece.start_ms, hour_start)
                if overlap > 0:
                    minutes[category][index] += overlap / 60_000
        return HourlyCategories(day, hours, minutes)

    def balance_history(self, last_day: int, days: int = 30) -> list[BalancePoint]:
        """The balance at the end of each of ``days`` days up to ``last_day``."""
        first = add_days(last_day, -(days - 1))
        with self._deps.db.read() as conn:
            total = balance(conn)
            by_day = dict(
                conn.execute(
                    select(LedgerEntry.day, func.sum(LedgerEntry.amount))
                    .where(LedgerEntry.day >= first)
                    .group_by(LedgerEntry.day)
                ).all()
            )
        # Walk back from today's balance: the end of day d is the total minus what came later.
        points: list[BalancePoint] = []
        later = sum(int(v) for d, v in by_day.items() if d > last_day)
        running = total - later
        day = last_day
        for _ in range(days):
            points.append(BalancePoint(day, running))
            running -= int(by_day.get(day, 0))
            day = add_days(day, -1)
        points.reverse()
        return points
