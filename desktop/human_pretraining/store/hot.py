"""The ingestion path's four statements, run on the driver's cursor inside the caller's transaction.

Ingestion is the one place where SQLAlchemy's per-statement overhead (and its
slow handling of RETURNING for many rows) would dominate: every acknowledged
request needs its own commit, and the brief asks for thousands of them a
second. These statements run on the raw DB-API cursor of the SQLAlchemy
connection, so they share its transaction. The SQL is plain and portable; only
the placeholder style differs between SQLite (``?``) and PostgreSQL (``%s``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

_IN_CHUNK = 500  # ids per IN (...) list, below every backend's parameter limit


def _sql(conn: Connection, text: str) -> str:
    """Adapt ``?`` placeholders to the driver's style."""
    if conn.dialect.paramstyle in ("format", "pyformat"):
        return text.replace("?", "%s")
    return text


def _cursor(conn: Connection) -> Any:
    return conn.connection.cursor()


def claim_event_ids(
    conn: Connection, device_id: int, received_ms: int, event_ids: Sequence[str]
) -> set[str]:
    """Remember the ids not seen before and return them (the events to store).

    Ids are stored as the UUID's 16 bytes; ``event_ids`` must be valid UUID strings.
    """
    cursor = _cursor(conn)
    keys = {uuid.UUID(e).bytes: e for e in event_ids}
    known: set[bytes] = set()
    unique = list(keys)
    for i in range(0, len(unique), _IN_CHUNK):
        chunk = unique[i : i + _IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        cursor.execute(
            _sql(conn, f"SELECT event_id FROM seen_events WHERE event_id IN ({marks})"), chunk
        )
        known.update(bytes(row[0]) for row in cursor.fetchall())
    new = [k for k in unique if k not in known]
    if new:
        cursor.executemany(
            _sql(
                conn, "INSERT INTO seen_events (event_id, device_id, received_ms) VALUES (?, ?, ?)"
            ),
            [(k, device_id, received_ms) for k in new],
        )
    return {keys[k] for k in new}


_INSERT_SPAN = (
    "INSERT INTO activity_spans (device_id, subject_id, start_ms, end_ms, flags, scroll_px,"
    " scroll_ms, words, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def insert_span(conn: Connection, row: tuple[Any, ...]) -> int:
    """Insert one activity span; returns its id."""
    cursor = _cursor(conn)
    if conn.dialect.name == "sqlite":
        cursor.execute(_INSERT_SPAN, row)
        return int(cursor.lastrowid)
    cursor.execute(_sql(conn, _INSERT_SPAN + " RETURNING id"), row)
    return int(cursor.fetchone()[0])


def extend_spans(conn: Connection, rows: Sequence[tuple[int, int, int, int, int]]) -> None:
    """Apply (new end, +scroll px, +scroll ms, +words, id) to spans, relative to what is stored.

    Relative, so an extension another writer already stored is never shrunk.
    """
    _cursor(conn).executemany(
        _sql(
            conn,
            "UPDATE activity_spans SET end_ms = CASE WHEN end_ms < ? THEN ? ELSE end_ms END,"
            " scroll_px = scroll_px + ?, scroll_ms = scroll_ms + ?, words = words + ? WHERE id = ?",
        ),
        [(end, end, px, ms, words, span_id) for end, px, ms, words, span_id in rows],
    )


def mark_days_dirty(conn: Connection, days: Sequence[int]) -> None:
    """Queue local days for settling; a day already queued stays queued once."""
    _cursor(conn).executemany(
        _sql(conn, "INSERT INTO dirty_days (day) VALUES (?) ON CONFLICT DO NOTHING"),
        [(d,) for d in days],
    )
