"""The one ingestion path every source uses: validate, de-duplicate, merge, mark for settling.

The extension (through the HTTP API), the desktop monitor and the folder watcher
all call :meth:`Ingestor.ingest`. A batch is one transaction: either every new
event is stored (and its id remembered, so a retry is a no-op) or none is. The
caller acknowledges only after this returns, so an acknowledged event is on disk.

When the database is a server that cannot be reached, a batch goes to this
machine's event buffer instead (``store.buffer``) and counts as accepted once it
is durable there; :meth:`Ingestor.replay` later stores it through this same path,
where the event ids make a replay idempotent.

Merging happens here, against the newest stored span of the same subject and
signals, following ``core.timeline.continues``. The last span per key is cached
in memory; the SQL update is relative (``end = max(end, new)``, sums added), so a
stale cache can only cost a merge, never time.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from human_pretraining.core.clock import days_between
from human_pretraining.core.timeline import Heartbeat, continues
from human_pretraining.services.deps import Deps
from human_pretraining.services.events import MAX_AGE_MS, parse_events, validate_batch
from human_pretraining.services.notify import Change
from human_pretraining.store import hot
from human_pretraining.store.buffer import EventBuffer
from human_pretraining.store.concurrency import insert_new
from human_pretraining.store.database import DatabaseUnreachable
from human_pretraining.store.models import ActivitySpan
from human_pretraining.store.models import Subject as SubjectRow

log = logging.getLogger(__name__)

REPLAY_BATCH = 500  # buffered events stored per transaction when the server is back


@dataclass(frozen=True)
class IngestResult:
    accepted: int
    duplicates: int


@dataclass
class _OpenSpan:
    """The newest span of one (subject, signals, detail) key, as this process knows it.

    ``id`` is None until the span is inserted; ``beat`` is the heartbeat that opened
    it (its data, for the insert); the ``pending_*`` fields are what this batch added
    and has not yet written (flushed as relative updates).
    """

    id: int | None
    start_ms: int
    end_ms: int
    opened_by: Heartbeat | None = None
    pending_end: int = 0
    pending_px: int = 0
    pending_ms: int = 0
    pending_words: int = 0

    def absorb(self, beat: Heartbeat) -> None:
        self.end_ms = max(self.end_ms, beat.end_ms)
        self.pending_end = max(self.pending_end, beat.end_ms)
        self.pending_px += beat.scroll_px
        self.pending_ms += beat.scroll_ms
        self.pending_words += beat.words


def subject_ids(
    conn: Connection, cache: dict[tuple[str, str], int], keys: Iterable[tuple[str, str]]
) -> None:
    """Fill ``cache`` with ids for (source, name) subjects, creating missing ones."""
    missing = sorted(set(keys) - cache.keys())
    for source, name in missing:
        found = conn.execute(
            select(SubjectRow.id).where(SubjectRow.source == source, SubjectRow.name == name)
        ).scalar()
        if found is None:
            # Another machine may be adding the same subject right now: skip, then read.
            found = conn.execute(
                insert_new(conn, SubjectRow, ["source", "name"])
                .values(source=source, name=name)
                .returning(SubjectRow.id)
            ).scalar()
        if found is None:
            found = conn.execute(
                select(SubjectRow.id).where(SubjectRow.source == source, SubjectRow.name == name)
            ).scalar_one()
        cache[(source, name)] = found


def mark_dirty(conn: Connection, days: Iterable[int]) -> None:
    """Queue local days for settling (a day already queued stays queued once)."""
    hot.mark_days_dirty(conn, sorted(set(days)))


class Ingestor:
    """Stores heartbeats for one device; safe to call from several threads."""

    def __init__(
        self, deps: Deps, max_age_ms: int = MAX_AGE_MS, buffer: EventBuffer | None = None
    ) -> None:
        self._device = deps.device_id
        self._settings = deps.settings
        self._tz = deps.tz
        self._clock = deps.clock
        self._notifier = deps.notifier
        self.max_age_ms = max_age_ms
        self._subjects: dict[tuple[str, str], int] = {}
        self._open: dict[tuple[int, int, str | None], _OpenSpan] = {}
        self._lock = threading.Lock()
        self._writer = deps.db.held()
        self._buffer = buffer
        self.unreachable: str | None = None  # why the last write could not reach the server

    def ingest_body(self, body: Any) -> IngestResult:
        """A request body ``{"events": [...]}`` from any client: schema, checks, store."""
        return self.ingest(validate_batch(body))

    def ingest(self, events: Sequence[Mapping[str, Any]]) -> IngestResult:
        """Schema-valid events (dicts in the wire shape): semantic checks, then store."""
        beats = parse_events(events, self._settings(), self._clock(), self.max_age_ms)
        return self.store(beats)

    def store(self, beats: Sequence[tuple[str, Heartbeat]]) -> IngestResult:
        """Store validated heartbeats keyed by event id; idempotent per id."""
        if not beats:
            return IngestResult(0, 0)
        with self._lock:
            try:
                return self._store_now(beats)
            except DatabaseUnreachable as exc:
                if self._buffer is None:
                    raise
                self._buffer.add(beats)
                if self.unreachable is None:
                    log.warning("%s; keeping events in %s until it is back", exc, self._buffer.path)
                self.unreachable = str(exc)
                # Duplicates are unknown until replay; the replay skips them.
                return IngestResult(len(beats), 0)

    def pending(self) -> int:
        """Events waiting in this machine's buffer for the database server."""
        return 0 if self._buffer is None else self._buffer.count()

    def replay(self) -> int:
        """Store buffered events (oldest first); returns how many were moved.

        Raises :class:`DatabaseUnreachable` (leaving the rest buffered) while the
        server is still away.
        """
        moved = 0
        while self._buffer is not None:
            beats = self._buffer.oldest(REPLAY_BATCH)
            if not beats:
                break
            with self._lock:
                self._store_now(beats)
            self._buffer.remove([event_id for event_id, _ in beats])
            moved += len(beats)
        if moved:
            log.info("database server reachable again: %d buffered events stored", moved)
        return moved

    def _store_now(self, beats: Sequence[tuple[str, Heartbeat]]) -> IngestResult:
        """One transaction on the database (the caller holds the lock)."""
        try:
            with self._writer.transaction() as conn:
                result = self._store(conn, beats)
        except BaseException:
            # The transaction rolled back: cached span ends may be ahead of the database.
            self._open.clear()
            self._subjects.clear()
            raise
        self.unreachable = None
        if result.accepted:
            self._notifier.publish(Change.ACTIVITY)
        return result

    def close(self) -> None:
        with self._lock:
            self._writer.close()

    @contextlib.contextmanager
    def held_still(self) -> Iterator[None]:
        """Block ingestion while the caller deletes history; then forget the cached rows."""
        with self._lock:
            try:
                yield
            finally:
                self._open.clear()
                self._subjects.clear()

    def _store(self, conn: Connection, beats: Sequence[tuple[str, Heartbeat]]) -> IngestResult:
        new_ids = hot.claim_event_ids(conn, self._device, self._clock(), [i for i, _ in beats])
        fresh: list[Heartbeat] = []
        for event_id, beat in beats:
            if event_id in new_ids:
                new_ids.discard(event_id)  # a repeat inside one batch is a duplicate too
                fresh.append(beat)
        if not fresh:
            return IngestResult(0, len(beats))

        subject_ids(conn, self._subjects, {(b.source.value, b.subject) for b in fresh})
        pulsetime_ms = self._settings().pulsetime_s * 1000
        tz = self._tz()
        touched: list[_OpenSpan] = []
        fresh.sort(key=lambda b: b.start_ms)
        for beat in fresh:
            touched.append(self._merge(conn, beat, pulsetime_ms))
        # Every day between the first start and the last end: two time-zone conversions
        # per batch instead of two per event (a day in a gap is settled as empty).
        last_end = max(max(b.end_ms for b in fresh) - 1, fresh[0].start_ms)
        days = set(days_between(fresh[0].start_ms, last_end + 1, tz))
        self._flush(conn, touched)
        mark_dirty(conn, days)
        return IngestResult(len(fresh), len(beats) - len(fresh))

    def _merge(self, conn: Connection, beat: Heartbeat, pulsetime_ms: int) -> _OpenSpan:
        """Fold ``beat`` into the open span of its key, or open a new one (in memory).

        The key holds subject, signals and detail, so "same data" is given; what is
        left of ActivityWatch's rule is ``continues``.
        """
        subject_id = self._subjects[(beat.source.value, beat.subject)]
        key = (subject_id, int(beat.flags), beat.detail)
        last = self._open.get(key) or self._load_last(conn, key)
        if last is not None and continues(last.start_ms, last.end_ms, beat, pulsetime_ms):
            last.absorb(beat)
            return last
        opened = _OpenSpan(None, beat.start_ms, beat.end_ms, opened_by=beat)
        self._open[key] = opened
        return opened

    def _flush(self, conn: Connection, touched: list[_OpenSpan]) -> None:
        """Write this batch's new spans and extensions (relative updates, one executemany)."""
        unique = list({id(s): s for s in touched}.values())
        extended: list[tuple[int, int, int, int, int]] = []
        for s in unique:
            if s.id is None and s.opened_by is not None:
                beat = s.opened_by
                s.id = hot.insert_span(
                    conn,
                    (
                        self._device,
                        self._subjects[(beat.source.value, beat.subject)],
                        s.start_ms,
                        s.end_ms,
                        int(beat.flags),
                        beat.scroll_px + s.pending_px,
                        beat.scroll_ms + s.pending_ms,
                        beat.words + s.pending_words,
                        beat.detail,
                    ),
                )
                s.opened_by = None
            elif s.pending_end and s.id is not None:
                extended.append((s.pending_end, s.pending_px, s.pending_ms, s.pending_words, s.id))
            s.pending_end = s.pending_px = s.pending_ms = s.pending_words = 0
        if extended:
            hot.extend_spans(conn, extended)

    def _load_last(self, conn: Connection, key: tuple[int, int, str | None]) -> _OpenSpan | None:
        subject_id, flags, detail = key
        detail_match = (
            ActivitySpan.detail.is_(None) if detail is None else ActivitySpan.detail == detail
        )
        row = conn.execute(
            select(ActivitySpan.id, ActivitySpan.start_ms, ActivitySpan.end_ms)
            .where(
                ActivitySpan.subject_id == subject_id,
                ActivitySpan.device_id == self._device,
                ActivitySpan.flags == flags,
                detail_match,
            )
            .order_by(ActivitySpan.end_ms.desc())
            .limit(1)
        ).first()
        return None if row is None else _OpenSpan(row.id, row.start_ms, row.end_ms)
