"""The one ingestion path every source uses: validate, de-duplicate, merge, mark for settling.

The extension (through the HTTP API), the desktop monitor and the folder watcher
all call :meth:`Ingestor.ingest`. A batch is one transaction: either every new
event is stored (and its id remembered, so a retry is a no-op) or none is. The
caller acknowledges only after this returns, so an acknowledged event is on disk.

Merging happens here, against the newest stored span of the same subject and
signals, following ``core.timeline.can_merge``. The last span per key is cached
in memory; the SQL update is relative (``end = max(end, new)``, sums added), so a
stale cache can only cost a merge, never time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from sqlalchemy import Connection, case, insert, select, update

from human_pretraining.core.clock import day_of, days_between, now_ms
from human_pretraining.core.model import Settings, Source
from human_pretraining.core.timeline import Heartbeat, Span, can_merge
from human_pretraining.services.events import MAX_AGE_MS, parse_events, validate_batch
from human_pretraining.store.database import Database
from human_pretraining.store.models import ActivitySpan, DirtyDay, SeenEvent
from human_pretraining.store.models import Subject as SubjectRow

_IN_CHUNK = 500  # ids per IN (...) clause, below every backend's parameter limit


@dataclass(frozen=True)
class IngestResult:
    accepted: int
    duplicates: int


@dataclass
class _OpenSpan:
    id: int
    span: Span


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
            found = conn.execute(
                insert(SubjectRow).values(source=source, name=name).returning(SubjectRow.id)
            ).scalar_one()
        cache[(source, name)] = found


def mark_dirty(conn: Connection, days: Iterable[int]) -> None:
    wanted = set(days)
    if not wanted:
        return
    have = set(conn.execute(select(DirtyDay.day).where(DirtyDay.day.in_(wanted))).scalars())
    if wanted - have:
        conn.execute(insert(DirtyDay), [{"day": d} for d in sorted(wanted - have)])


class Ingestor:
    """Stores heartbeats for one device; safe to call from several threads."""

    def __init__(
        self,
        db: Database,
        device_id: int,
        settings: Callable[[], Settings],
        tz: Callable[[], tzinfo],
        clock: Callable[[], int] = now_ms,
        max_age_ms: int = MAX_AGE_MS,
    ) -> None:
        self._db = db
        self._device = device_id
        self._settings = settings
        self._tz = tz
        self._clock = clock
        self.max_age_ms = max_age_ms
        self._subjects: dict[tuple[str, str], int] = {}
        self._open: dict[tuple[int, int, str | None], _OpenSpan] = {}
        self._lock = threading.Lock()

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
                with self._db.write() as conn:
                    return self._store(conn, beats)
            except BaseException:
                # The transaction rolled back: cached span ends may be ahead of the database.
                self._open.clear()
                self._subjects.clear()
                raise

    def _store(self, conn: Connection, beats: Sequence[tuple[str, Heartbeat]]) -> IngestResult:
        ids = [event_id for event_id, _ in beats]
        seen: set[str] = set()
        for i in range(0, len(ids), _IN_CHUNK):
            chunk = ids[i : i + _IN_CHUNK]
            seen.update(
                conn.execute(
                    select(SeenEvent.event_id).where(SeenEvent.event_id.in_(chunk))
                ).scalars()
            )
        fresh: list[tuple[str, Heartbeat]] = []
        for event_id, beat in beats:
            if event_id not in seen:
                seen.add(event_id)  # a repeat inside one batch is a duplicate too
                fresh.append((event_id, beat))
        if not fresh:
            return IngestResult(0, len(beats))

        received = self._clock()
        conn.execute(
            insert(SeenEvent),
            [{"event_id": i, "device_id": self._device, "received_ms": received} for i, _ in fresh],
        )
        subject_ids(conn, self._subjects, ((b.source.value, b.subject) for _, b in fresh))
        pulsetime_ms = self._settings().pulsetime_s * 1000
        tz = self._tz()
        days: set[int] = set()
        for _, beat in sorted(fresh, key=lambda item: item[1].start_ms):
            self._merge(conn, beat, pulsetime_ms)
            days.update(days_between(beat.start_ms, beat.end_ms, tz))
            if beat.source is Source.OUTPUT:
                days.add(day_of(beat.start_ms, tz))
        mark_dirty(conn, days)
        return IngestResult(len(fresh), len(beats) - len(fresh))

    def _merge(self, conn: Connection, beat: Heartbeat, pulsetime_ms: int) -> None:
        subject_id = self._subjects[(beat.source.value, beat.subject)]
        key = (subject_id, int(beat.flags), beat.detail)
        last = self._open.get(key) or self._load_last(conn, key, beat)
        if last is not None and can_merge(last.span, beat, pulsetime_ms):
            table = ActivitySpan.__table__
            conn.execute(
                update(ActivitySpan)
                .where(ActivitySpan.id == last.id)
                .values(
                    end_ms=case((table.c.end_ms < beat.end_ms, beat.end_ms), else_=table.c.end_ms),
                    scroll_px=table.c.scroll_px + beat.scroll_px,
                    scroll_ms=table.c.scroll_ms + beat.scroll_ms,
                    words=table.c.words + beat.words,
                )
            )
            last.span = Span(
                beat.source,
                beat.subject,
                last.span.start_ms,
                max(last.span.end_ms, beat.end_ms),
                beat.flags,
                detail=beat.detail,
            )
            return
        new_id = conn.execute(
            insert(ActivitySpan)
            .values(
                device_id=self._device,
                subject_id=subject_id,
                start_ms=beat.start_ms,
                end_ms=beat.end_ms,
                flags=int(beat.flags),
                scroll_px=beat.scroll_px,
                scroll_ms=beat.scroll_ms,
                words=beat.words,
                detail=beat.detail,
            )
            .returning(ActivitySpan.id)
        ).scalar_one()
        self._open[key] = _OpenSpan(
            new_id,
            Span(
                beat.source,
                beat.subject,
                beat.start_ms,
                beat.end_ms,
                beat.flags,
                detail=beat.detail,
            ),
        )

    def _load_last(
        self, conn: Connection, key: tuple[int, int, str | None], beat: Heartbeat
    ) -> _OpenSpan | None:
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
        if row is None:
            return None
        return _OpenSpan(
            row.id,
            Span(beat.source, beat.subject, row.start_ms, row.end_ms, beat.flags, detail=detail),
        )
