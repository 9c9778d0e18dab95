"""Settling: turning stored activity into ledger entries, goal periods and badges.

Ingestion marks the local days its events touched as dirty; :meth:`Settler.settle`
re-scores each dirty day from its spans (``core.timeline`` + ``core.scoring``),
books the difference per (day, rule) bucket (``core.ledger``), rebuilds the day's
usage rows, then re-evaluates the goals and badges those days affect. Each day is
one write transaction, so a crash leaves every day either settled or still dirty;
the same transaction queues the day's goals (``goal_work``), and the refresh that
evaluates them removes the queue entry as it writes the result, so a crash at any
point leaves the goals either refreshed or still queued, in any later process.

Several machines may settle the same day at once (one shared PostgreSQL): each
day's write takes the day's advisory lock, so the second settler sees the first
one's entries and books only what is still missing; the bucket keys
(``core.ledger``) make a booking that slips through anyway collide, not repeat.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import Connection, delete, func, insert, select

from human_pretraining.core.clock import day_bounds, day_of, hour_boundaries
from human_pretraining.core.ledger import settlement_bookings
from human_pretraining.core.model import DAY_MS, MINUTE_MS, Category, Rule, Source
from human_pretraining.core.rules import RuleSet, ruleset_for
from human_pretraining.core.scoring import Allowance, DayScore, score_day
from human_pretraining.core.subjects import Subject
from human_pretraining.core.timeline import MAX_SPAN_MS, Flags, Span, foreground_pieces
from human_pretraining.services.deps import Deps
from human_pretraining.services.events import MAX_AGE_MS
from human_pretraining.services.notify import Change
from human_pretraining.services.progress import (
    apply_progress,
    pending_goal_work,
    plan_progress,
    progress_days,
    queue_goal_work,
)
from human_pretraining.store.concurrency import PROGRESS, lock_app, lock_day
from human_pretraining.store.ledger import book
from human_pretraining.store.models import (
    ActivitySpan,
    DailyUsage,
    DirtyDay,
    LedgerEntry,
    Purchase,
    SeenEvent,
)
from human_pretraining.store.models import Subject as SubjectRow


@dataclass(frozen=True)
class SettleReport:
    days: tuple[int, ...]
    booked: int  # ledger entries appended


def subject_for(span: Span) -> Subject:
    if span.source is Source.WEB:
        return Subject.site(span.subject)
    if span.source is Source.APP:
        return Subject.app(span.subject, title=span.detail)
    return Subject.output(span.detail or span.subject)


OPTIMISTIC_TRIES = 3
MAX_DEFER_S = 30.0  # how long a busy day may wait for a quiet moment to settle
# Goals and badges are refreshed at most this often in a long-running process (the
# first settle of a process always refreshes, so CLI commands see them at once).
PROGRESS_EVERY_S = 30.0


def _fingerprint(conn: Connection, day: int, tz: tzinfo) -> tuple[int, ...]:
    """Changes whenever a span touching ``day`` or an allowance over it is added or grows.

    Spans only ever grow (end, scroll and words increase), so these sums cannot
    come back to an earlier value.
    """
    start, end = day_bounds(day, tz)
    spans = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(ActivitySpan.end_ms), 0),
            func.coalesce(func.sum(ActivitySpan.scroll_ms), 0),
            func.coalesce(func.sum(ActivitySpan.words), 0),
        ).where(ActivitySpan.start_ms >= start - MAX_SPAN_MS, ActivitySpan.start_ms < end)
    ).one()
    purchases = conn.execute(
        select(func.count()).where(Purchase.ends_ms > start, Purchase.at_ms < end)
    ).scalar_one()
    return (*(int(v) for v in spans), int(purchases))


class Classifier:
    """Span → rule, cached per subject unless schedules make the answer time-dependent."""

    def __init__(self, rules: RuleSet, has_schedules: bool, tz: tzinfo) -> None:
        self._rules = rules
        self._timed = has_schedules
        self._tz = tz
        self._cache: dict[tuple[Source, str, str | None], Rule | None] = {}

    @property
    def timed(self) -> bool:
        return self._timed

    def __call__(self, span: Span, at_ms: int) -> Rule | None:
        if self._timed:
            when = datetime.fromtimestamp(at_ms / 1000, self._tz)
            return self._rules.match(subject_for(span), when)
        key = (span.source, span.subject, span.detail)
        if key not in self._cache:
            self._cache[key] = self._rules.match(subject_for(span))
        return self._cache[key]


def load_spans(
    conn: Connection, start: int, end: int
) -> tuple[list[Span], dict[tuple[Source, str], int]]:
    """Every span that may overlap [start, end), and the subject ids seen."""
    rows = conn.execute(
        select(
            ActivitySpan.device_id,
            SubjectRow.id,
            SubjectRow.source,
            SubjectRow.name,
            ActivitySpan.start_ms,
            ActivitySpan.end_ms,
            ActivitySpan.flags,
            ActivitySpan.scroll_px,
            ActivitySpan.scroll_ms,
            ActivitySpan.words,
            ActivitySpan.detail,
        )
        .join(SubjectRow, SubjectRow.id == ActivitySpan.subject_id)
        # Spans never exceed MAX_SPAN_MS, so this range is all the index needs.
        .where(ActivitySpan.start_ms >= start - MAX_SPAN_MS, ActivitySpan.start_ms < end)
    ).all()
    spans: list[Span] = []
    ids: dict[tuple[Source, str], int] = {}
    for r in rows:
        source = Source(r.source)
        ids[(source, r.name)] = r.id
        if r.end_ms <= start and source is not Source.OUTPUT:
            continue
        spans.append(
            Span(
                source,
                r.name,
                r.start_ms,
                r.end_ms,
                Flags(r.flags),
                r.scroll_px,
                r.scroll_ms,
                r.words,
                r.detail,
                r.device_id,
            )
        )
    return spans, ids


def _note(rule: Rule, active_ms: int) -> str:
    return f"{active_ms // MINUTE_MS} min of {rule.category.value} under rule '{rule.id}'"


class Settler:
    """Books points for dirty days; one instance per process, any thread."""

    def __init__(self, deps: Deps) -> None:
        self._db = deps.db
        self._device = deps.device_id
        self._config = deps.config
        self._tz = deps.tz
        self._clock = deps.clock
        self._notifier = deps.notifier
        self._deferred: dict[int, float] = {}  # day -> when it first could not settle
        self._progress_day = 0  # the local day goals were last refreshed for
        self._progress_at = -PROGRESS_EVERY_S  # monotonic time of that refresh

    def settle(self, goals_now: bool = False) -> SettleReport:
        """Settle every dirty day, then refresh goals and badges for what changed.

        The refresh runs at most every ``PROGRESS_EVERY_S`` for the settling loop;
        ``goals_now`` (a person's click: a check-off, a purchase) runs it at once.
        What it has to do is queued on disk, so a refresh put off (or a process
        stopped before it) still happens, in this process or the next.
        """
        with self._db.read() as conn:
            days = list(conn.execute(select(DirtyDay.day).order_by(DirtyDay.day)).scalars())
        booked = 0
        for day in days:
            booked += self.settle_day(day)
        today = day_of(self._clock(), self._tz())
        new_day = today != self._progress_day
        refreshed = False
        if goals_now or new_day or time.monotonic() - self._progress_at >= PROGRESS_EVERY_S:
            refreshed, goal_booked = self._refresh_progress(today, force=new_day)
            booked += goal_booked
        if booked or days or refreshed:
            # Settled days change more than points: time per subject (a rule can make
            # a day's points zero), goal progress and badges. Say so either way.
            self._notifier.publish(Change.LEDGER)
        return SettleReport(tuple(days), booked)

    def _refresh_progress(self, today: int, force: bool) -> tuple[bool, int]:
        """Evaluate the queued goal work (and today's periods); returns (ran, entries booked).

        Without queued work nothing runs unless ``force`` (a new day: periods that
        just closed are judged).
        """
        config = self._config()
        booked = 0
        if self._db.is_sqlite:
            # Worked out on a snapshot, written in one short transaction (one writer);
            # work queued after the snapshot keeps a newer stamp and stays queued.
            with self._db.read() as conn:
                work = pending_goal_work(conn, today)
                if not work and not force:
                    return False, 0
                wanted = progress_days({day for day, _ in work}, today)
                plan = plan_progress(conn, config, wanted, today, work)
            with self._db.write() as conn:
                booked += apply_progress(conn, plan, self._device, self._clock())
                self._prune(conn)
        else:
            with self._db.read() as conn:
                if not pending_goal_work(conn, today) and not force:
                    return False, 0
            # Writers do not block readers here, but another machine may refresh at
            # the same time: plan under the lock, so an older plan never overwrites
            # a newer one.
            with self._db.write() as conn:
                lock_app(conn, PROGRESS)
                work = pending_goal_work(conn, today)
                wanted = progress_days({day for day, _ in work}, today)
                plan = plan_progress(conn, config, wanted, today, work)
                booked += apply_progress(conn, plan, self._device, self._clock())
                self._prune(conn)
        self._progress_day, self._progress_at = today, time.monotonic()
        return True, booked

    def settle_day(self, day: int) -> int:
        """Score ``day`` and book the difference; returns the number of entries booked.

        Scoring runs on a read snapshot so writers (the endpoint, the monitor) are not
        held up; the result is written only if the day's activity is unchanged since
        the snapshot. While events keep arriving for the day the check keeps failing:
        the day then stays dirty for a later round, and only if that goes on for
        ``MAX_DEFER_S`` is it scored inside the write lock.
        """
        for _ in range(OPTIMISTIC_TRIES):
            with self._db.read() as conn:
                before = _fingerprint(conn, day, self._tz())
                score, subject_ids = self._score(conn, day)
            with self._db.write() as conn:
                lock_day(conn, day)  # another machine settling this day finishes first
                if _fingerprint(conn, day, self._tz()) != before:
                    continue  # new activity arrived meanwhile: score again
                self._deferred.pop(day, None)
                return self._commit(conn, day, score, subject_ids)
        first = self._deferred.setdefault(day, time.monotonic())
        if time.monotonic() - first < MAX_DEFER_S:
            return 0
        with self._db.write() as conn:
            lock_day(conn, day)
            score, subject_ids = self._score(conn, day)
            self._deferred.pop(day, None)
            return self._commit(conn, day, score, subject_ids)

    def _score(self, conn: Connection, day: int) -> tuple[DayScore, dict[tuple[Source, str], int]]:
        config = self._config()
        tz = self._tz()
        classify = Classifier(ruleset_for(config.rules), any(r.schedule for r in config.rules), tz)
        start, end = day_bounds(day, tz)
        spans, subject_ids = load_spans(conn, start, end)
        score = score_day(
            foreground_pieces(spans),
            classify,
            hour_boundaries(day, tz),
            config.settings,
            self._allowances(conn, start, end),
            step_ms=MINUTE_MS if classify.timed else None,
        )
        return score, subject_ids

    def _commit(
        self,
        conn: Connection,
        day: int,
        score: DayScore,
        subject_ids: dict[tuple[Source, str], int],
    ) -> int:
        booked = self._book(conn, day, score)
        self._write_usage(conn, day, score, subject_ids)
        # The mark goes and the goal work comes in one commit: never neither.
        conn.execute(delete(DirtyDay).where(DirtyDay.day == day))
        queue_goal_work(conn, [day])
        return booked

    def _allowances(self, conn: Connection, start: int, end: int) -> list[Allowance]:
        rows = conn.execute(
            select(
                Purchase.at_ms,
                Purchase.ends_ms,
                Purchase.allowance_site,
                Purchase.allowance_category,
            ).where(Purchase.ends_ms.is_not(None), Purchase.ends_ms > start, Purchase.at_ms < end)
        ).all()
        return [
            Allowance(
                r.at_ms,
                r.ends_ms,
                r.allowance_site,
                Category(r.allowance_category) if r.allowance_category else None,
            )
            for r in rows
        ]

    def _book(self, conn: Connection, day: int, score: DayScore) -> int:
        booked_rows = conn.execute(
            select(LedgerEntry.bucket, func.sum(LedgerEntry.amount), func.count())
            .where(LedgerEntry.day == day, LedgerEntry.kind == "activity")
            .group_by(LedgerEntry.bucket)
        ).all()
        booked = {str(b): (int(total), int(count)) for b, total, count in booked_rows}
        targets = {
            rule_id: (t.points, _note(t.rule, t.active_ms)) for rule_id, t in score.rules.items()
        }
        at = self._clock()
        return sum(
            book(conn, self._device, at, day, booking)
            for booking in settlement_bookings(day, targets, booked)
        )

    def _write_usage(
        self,
        conn: Connection,
        day: int,
        score: DayScore,
        subject_ids: dict[tuple[Source, str], int],
    ) -> None:
        conn.execute(delete(DailyUsage).where(DailyUsage.day == day))
        rows: dict[tuple[int, int], dict[str, int | str | None]] = {}
        for u in score.usage:
            key = (u.device, subject_ids[(u.source, u.subject)])
            row = rows.get(key)
            if row is None:
                rows[key] = {
                    "day": day,
                    "device_id": u.device,
                    "subject_id": key[1],
                    "rule_id": u.rule_id,
                    "category": u.category.value,
                    "active_ms": u.active_ms,
                    "words": u.words,
                    "points": u.points,
                }
                continue
            # One subject under two rules in a day (a schedule boundary): one row, summed.
            for name, value in (
                ("active_ms", u.active_ms),
                ("words", u.words),
                ("points", u.points),
            ):
                current = row[name]
                assert isinstance(current, int)
                row[name] = current + value
        if rows:
            conn.execute(insert(DailyUsage), list(rows.values()))

    def _prune(self, conn: Connection) -> None:
        """Forget event ids older than the ingestion window (such events are refused anyway)."""
        cutoff = self._clock() - MAX_AGE_MS - DAY_MS
        conn.execute(delete(SeenEvent).where(SeenEvent.received_ms < cutoff))
