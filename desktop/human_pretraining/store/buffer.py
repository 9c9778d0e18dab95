"""Events kept on this machine while the shared database server is unreachable.

A small SQLite file beside the configuration (``pending-events.sqlite3``, one per
machine) holds validated heartbeats by event id. A write is committed with
``synchronous=FULL`` before the caller acknowledges the events, so "buffered"
is as durable as "stored". Rows are deleted only after the shared database has
committed them; replay goes through the normal ingestion path, which skips ids
it has already seen, so a crash between the two costs nothing and adds nothing.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from human_pretraining.core.model import Source
from human_pretraining.core.timeline import Flags, Heartbeat
from human_pretraining.store.database import private_sqlite_file

BUFFER_FILENAME = "pending-events.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    subject TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    flags INTEGER NOT NULL,
    scroll_px INTEGER NOT NULL,
    scroll_ms INTEGER NOT NULL,
    words INTEGER NOT NULL,
    detail TEXT
)
"""


class EventBuffer:
    """Heartbeats waiting for the database server, oldest first; thread-safe."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # Opened per use: the buffer is touched only during an outage and after it.
        conn = sqlite3.connect(self.path, timeout=15)
        try:
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute(_SCHEMA)
            with conn:
                yield conn
        finally:
            conn.close()

    def add(self, beats: Sequence[tuple[str, Heartbeat]]) -> None:
        """Keep ``beats`` (an id already buffered is kept once); durable on return."""
        rows = [
            (
                event_id,
                b.source.value,
                b.subject,
                b.start_ms,
                b.duration_ms,
                int(b.flags),
                b.scroll_px,
                b.scroll_ms,
                b.words,
                b.detail,
            )
            for event_id, b in beats
        ]
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            private_sqlite_file(self.path)  # events are history: owner only
            with self._connect() as conn:
                conn.executemany(
                    "INSERT OR IGNORE INTO pending (event_id, source, subject, start_ms,"
                    " duration_ms, flags, scroll_px, scroll_ms, words, detail)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )

    def count(self) -> int:
        if not self.path.exists():
            return 0
        with self._lock, self._connect() as conn:
            return int(conn.execute("SELECT count(*) FROM pending").fetchone()[0])

    def oldest(self, limit: int) -> list[tuple[str, Heartbeat]]:
        """Up to ``limit`` buffered events, in the order they arrived."""
        if not self.path.exists():
            return []
        with self._lock, self._connect() as conn:
            rows = conn.execute(
                "SELECT event_id, source, subject, start_ms, duration_ms, flags, scroll_px,"
                " scroll_ms, words, detail FROM pending ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            (r[0], Heartbeat(Source(r[1]), r[2], r[3], r[4], Flags(r[5]), r[6], r[7], r[8], r[9]))
            for r in rows
        ]

    def remove(self, event_ids: Sequence[str]) -> None:
        """Forget events the database has committed."""
        with self._lock, self._connect() as conn:
            conn.executemany("DELETE FROM pending WHERE event_id = ?", [(e,) for e in event_ids])
