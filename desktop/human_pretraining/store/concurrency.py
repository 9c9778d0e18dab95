"""Writers on several machines at once: conflict-free inserts and PostgreSQL advisory locks.

On SQLite every write transaction starts with ``BEGIN IMMEDIATE``, so writers run
one at a time and a check followed by a write inside one transaction is safe.
PostgreSQL runs writers concurrently (READ COMMITTED): a check can be stale by
the time the write lands. Two tools cover the places where that matters:

- :func:`insert_new` — ``INSERT … ON CONFLICT DO NOTHING``: of two transactions
  inserting the same key, the second waits for the first and then inserts
  nothing (instead of failing with a unique violation). Used for ledger entries
  (idempotency keys), subjects, devices and badges.
- transaction-scoped advisory locks (released at commit or rollback, so never
  leaked) around the read-check-write steps: settling a day (exclusive per day;
  ingestion marking that day dirty takes it shared, so a settler never deletes a
  dirty mark for activity it did not see), refreshing goals and badges, and
  spending (the balance check and the debit must not interleave across devices).

On SQLite the lock functions do nothing: its single writer already serialises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql.dml import Insert

from human_pretraining.store.models import Base

# Advisory lock keys are (class, id) pairs of 32-bit integers; these classes are ours.
_DAY_CLASS = 0x48500001  # id: the local day YYYYMMDD
_APP_CLASS = 0x48500002  # id: one of the constants below
PROGRESS = 1
SPENDING = 2


def insert_new(conn: Connection, table: type[Base], conflict: Sequence[str]) -> Insert:
    """``INSERT`` into a model's table, silently skipping rows whose ``conflict`` columns exist."""
    # Each dialect's module is imported when first used: PostgreSQL's costs 50 ms at
    # start-up, which a SQLite-only app need not pay.
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    raise NotImplementedError(f"unsupported database {conn.dialect.name!r}")


def _is_pg(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def lock_day(conn: Connection, day: int) -> None:
    """Hold ``day`` exclusively until this transaction ends (a settler writing the day)."""
    if _is_pg(conn):
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s, %s)", (_DAY_CLASS, day))


def share_days(cursor: Any, dialect: str, days: Iterable[int]) -> None:
    """Hold ``days`` shared until the transaction ends (ingestion marking them dirty).

    Taken in ascending order, so two ingestors never wait on each other in a cycle.
    Runs on a raw DB-API cursor: it is part of the ingestion hot path.
    """
    if dialect == "postgresql":
        for day in sorted(set(days)):
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", (_DAY_CLASS, day))


def lock_app(conn: Connection, what: int) -> None:
    """Hold one of the app-wide locks (:data:`PROGRESS`, :data:`SPENDING`) exclusively."""
    if _is_pg(conn):
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s, %s)", (_APP_CLASS, what))
