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

from human_pretraining.store.concurrency import share_days

_IN_CHUNK = 300  # rows per statement: 900 parameters, below every backend's limit


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

    One statement per chunk: ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` returns
    exactly the ids that were new (a repeat inside the chunk conflicts with its
    first occurrence). Ids are stored as the UUID's 16 bytes.
    """
    cursor = _cursor(conn)
    keys = {uuid.UUID(e).bytes: e for e in event_ids}
    unique = list(keys)
    new: set[str] = set()
    for i in range(0, len(unique), _IN_CHUNK):
        chunk = unique[i : i + _IN_CHUNK]
        rows = ",".join("(?, ?, ?)" for _ in chunk)
        cursor.execute(
            _sql(
                conn,
                f"INSERT INTO seen_events (event_id, device_id, received_ms) VALUES {rows}"
                " ON CONFLICT DO NOTHING RETURNING event_id",
            ),
            [value for key in chunk for value in (key, device_id, received_ms)],
        )
        new.update(keys[bytes(row[0])] for row in cursor.fetchall())
    return new


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
    """Queue local days for settling; a day already queued stays queued once.

    On PostgreSQL the days are first held shared (``concurrency.share_days``): a
    settler writing one of them finishes first, so its deletion of the mark never
    swallows this transaction's activity.
    """
    cursor = _cursor(conn)
    share_days(cursor, conn.dialect.name, days)
    cursor.executemany(
        _sql(conn, "INSERT INTO dirty_days (day) VALUES (?) ON CONFLICT DO NOTHING"),
        [(d,) for d in days],
    )
