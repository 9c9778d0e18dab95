"""One-way copy of a history (usually this machine's SQLite file) into another database.

Used to move to a shared PostgreSQL server (``human-pretraining db copy --to URL``):
:func:`copy_to` opens both databases, copies, and reads the balance there.
Row ids differ between databases, so rows are matched by what identifies them
for the user — a device by its uid, a subject by source and name, a span by
device, subject, start, signals and detail, a ledger entry by its idempotency
key, a purchase by its uid, and so on — and references are remapped. A row
already in the target is left alone, so a second run copies nothing; the whole
copy is one transaction on the target, so a failure leaves it unchanged.

Both URLs are checked before anything is opened (:func:`check_url`): a SQLite
file or a PostgreSQL server (``postgresql://`` uses psycopg), nothing else — no
MySQL, no ``file://``, no in-memory SQLite that would report a copy and keep
nothing. A URL never holds a password, since the command line shows in ``ps``:
libpq reads it from ``PGPASSWORD`` or ``~/.pgpass`` (``PGPASSFILE``), or
:func:`copy_to` gets it from a prompt and hands it over in the environment.

Activity entries are per (day, rule) bucket. If the target already holds a bucket
of the same day and rule from another history, copying this history's entries
too would count that day twice or not at all; such a bucket is not copied and
its day is marked for settling instead, which re-scores it from the spans of
both machines and books the difference.
"""

from __future__ import annotations

import contextlib
import os
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, make_url, select, update
from sqlalchemy.exc import ArgumentError

from human_pretraining.config.paths import Paths, default_database_url
from human_pretraining.store.concurrency import PROGRESS, SPENDING, lock_app
from human_pretraining.store.database import (
    Database,
    DatabaseError,
    open_database,
    server_address,
)
from human_pretraining.store.ledger import balance
from human_pretraining.store.models import (
    ActivitySpan,
    ApiToken,
    Base,
    DailyUsage,
    Device,
    DirtyDay,
    EarnedBadge,
    GoalPeriod,
    GoalWork,
    LedgerEntry,
    LedgerTotal,
    Purchase,
    SeenEvent,
    Subject,
    TaskCompletion,
)

CHUNK = 2000  # rows per INSERT


@dataclass(frozen=True)
class TableCopied:
    table: str
    rows: int  # in the source
    copied: int  # new in the target


@dataclass(frozen=True)
class CopyDone:
    tables: tuple[TableCopied, ...]
    balance: int  # the target's balance after the copy (every device's entries)

    @property
    def copied(self) -> int:
        return sum(t.copied for t in self.tables)

    @property
    def already_there(self) -> int:
        return sum(t.rows - t.copied for t in self.tables)


class CopyError(ValueError):
    """The copy cannot start (e.g. source and target are the same database)."""


KINDS = (
    "copy into a SQLite file (sqlite:////path/to/file.sqlite3) "
    "or a PostgreSQL server (postgresql+psycopg://user@server/database)"
)
PASSWORD_WAYS = (
    "set PGPASSWORD, put it in ~/.pgpass (or the file PGPASSFILE names), or add --password-prompt"
)


def check_url(url: str, *, source: bool = False) -> str:
    """The URL to open, checked before anything is opened; raises CopyError.

    ``source`` URLs must name a history that exists (opening a SQLite path
    creates an empty file)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CopyError(f"{url!r} is not a valid database URL; {KINDS}") from None
    if parsed.password is not None:
        raise CopyError(
            "the URL holds a password, which anyone on this machine can read in the "
            f"process list; leave it out and {PASSWORD_WAYS}"
        )
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        name = parsed.database or ""
        if not name or name == ":memory:" or name.startswith("file:"):
            raise CopyError(f"{url} is a database in memory, gone when the command ends; {KINDS}")
        folder = Path(name).expanduser().absolute().parent
        if not folder.is_dir():
            raise CopyError(f"the folder {folder} does not exist; {KINDS}")
        if source and not Path(name).expanduser().is_file():
            raise CopyError(f"there is no history at {name} to copy")
        return url
    if backend == "postgresql":
        if parsed.drivername not in ("postgresql", "postgresql+psycopg"):  # psycopg 3 only
            raise CopyError(
                f"the PostgreSQL driver {parsed.get_driver_name()!r} is not supported; {KINDS}"
            )
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if backend in ("mysql", "mariadb"):
        raise CopyError(f"MySQL and MariaDB are not supported; {KINDS}")
    if backend == "file":
        raise CopyError(f"a file:// URL is not a database; {KINDS}")
    raise CopyError(f"the database kind {backend!r} is not supported; {KINDS}")


def _open(url: str) -> Database:
    """Open a database; a server asking for a password it did not get says how to give it."""
    try:
        return open_database(url)
    except DatabaseError as exc:
        reason = str(exc.__cause__ or exc)
        where = server_address(make_url(url))
        user = make_url(url).username or "this user"
        if "no password supplied" in reason:
            raise CopyError(f"the server at {where} asks for a password: {PASSWORD_WAYS}") from exc
        if "password authentication failed" in reason:
            raise CopyError(
                f"the server at {where} refused the password for {user}; check PGPASSWORD "
                "and ~/.pgpass (or PGPASSFILE), or type it with --password-prompt"
            ) from exc
        raise


@contextlib.contextmanager
def _password(password: str | None) -> Iterator[None]:
    """Hand a prompted password to libpq through this process's environment, never a URL."""
    if password is None:
        yield
        return
    before = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = password
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = before


def _rows(conn: Connection, model: type[Base]) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(select(model.__table__))]


class _Copier:
    def __init__(
        self, src: Connection, dst: Connection, report: Callable[[TableCopied], None]
    ) -> None:
        self.src, self.dst, self.report = src, dst, report
        self.devices: dict[int, int] = {}  # source id -> target id
        self.subjects: dict[int, int] = {}
        self.results: list[TableCopied] = []

    def _insert(self, model: type[Base], rows: list[dict[str, Any]]) -> None:
        for i in range(0, len(rows), CHUNK):
            self.dst.execute(insert(model), rows[i : i + CHUNK])

    def _done(self, table: str, rows: int, copied: int) -> None:
        result = TableCopied(table, rows, copied)
        self.results.append(result)
        self.report(result)

    def _simple(
        self,
        model: type[Base],
        key: Callable[[dict[str, Any]], Hashable],
        remap: Callable[[dict[str, Any]], dict[str, Any]] = lambda r: r,
    ) -> None:
        """Copy rows whose key (after remapping) the target does not have yet."""
        have = {key(r) for r in _rows(self.dst, model)}
        new: list[dict[str, Any]] = []
        source = _rows(self.src, model)
        for row in source:
            mapped = remap(dict(row))
            mapped.pop("id", None)  # the target numbers its rows itself
            if key(mapped) not in have:
                have.add(key(mapped))
                new.append(mapped)
        self._insert(model, new)
        self._done(str(model.__tablename__), len(source), len(new))

    def _map(self, model: type[Base], key: Callable[[dict[str, Any]], Hashable]) -> dict[int, int]:
        """Copy a referenced table; returns source id -> target id."""
        self._simple(model, key)
        target = {key(r): r["id"] for r in _rows(self.dst, model)}
        return {r["id"]: target[key(r)] for r in _rows(self.src, model)}

    def _device(self, row: dict[str, Any]) -> dict[str, Any]:
        row["device_id"] = self.devices[row["device_id"]]
        return row

    def _device_subject(self, row: dict[str, Any]) -> dict[str, Any]:
        row["subject_id"] = self.subjects[row["subject_id"]]
        return self._device(row)

    def run(self) -> list[TableCopied]:
        self.devices = self._map(Device, lambda r: r["uid"])
        have_totals = set(self.dst.execute(select(LedgerTotal.device_id)).scalars())
        missing = set(self.devices.values()) - have_totals
        if missing:  # every device has a running total, moved with its entries below
            self.dst.execute(insert(LedgerTotal), [{"device_id": d, "total": 0} for d in missing])
        self.subjects = self._map(Subject, lambda r: (r["source"], r["name"]))
        self._simple(
            ActivitySpan,
            lambda r: (r["device_id"], r["subject_id"], r["start_ms"], r["flags"], r["detail"]),
            self._device_subject,
        )
        self._simple(SeenEvent, lambda r: bytes(r["event_id"]), self._device)
        self._ledger()
        self._simple(
            DailyUsage,
            lambda r: (r["day"], r["device_id"], r["subject_id"]),
            self._device_subject,
        )
        self._simple(TaskCompletion, lambda r: (r["task"], r["period_key"]), self._device)
        self._simple(Purchase, lambda r: r["uid"], self._device)
        self._simple(GoalPeriod, lambda r: (r["goal"], r["period_key"]))
        self._simple(EarnedBadge, lambda r: r["badge"], self._device)
        # Paired clients keep working when this machine switches to the target.
        self._simple(ApiToken, lambda r: r["token_hash"])
        self._simple(DirtyDay, lambda r: r["day"])
        # Goals still to evaluate there too (a day already queued there stays queued).
        self._simple(GoalWork, lambda r: r["day"])
        return self.results

    def _ledger(self) -> None:
        have = {
            r.idem_key: r.amount
            for r in self.dst.execute(select(LedgerEntry.idem_key, LedgerEntry.amount))
        }
        have_buckets = {b for b in self.dst.execute(select(LedgerEntry.bucket)).scalars() if b}
        source = _rows(self.src, LedgerEntry)
        by_bucket: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in source:
            if row["bucket"]:
                by_bucket[row["bucket"]].append(row)
        skip: set[str] = set()  # buckets the target settles itself (see the module docstring)
        resettle: set[int] = set()
        for bucket, rows in by_bucket.items():
            if bucket not in have_buckets:
                continue
            skip.add(bucket)
            if any(have.get(r["idem_key"]) != r["amount"] for r in rows):
                resettle.add(rows[0]["day"])
        new = []
        totals: dict[int, int] = defaultdict(int)
        for row in source:
            if row["idem_key"] in have or row["bucket"] in skip:
                continue
            mapped = self._device(dict(row))
            mapped.pop("id")
            new.append(mapped)
            totals[mapped["device_id"]] += mapped["amount"]
        self._insert(LedgerEntry, new)
        for device_id, amount in totals.items():
            self.dst.execute(
                update(LedgerTotal)
                .where(LedgerTotal.device_id == device_id)
                .values(total=LedgerTotal.total + amount)
            )
        _mark_dirty(self.dst, resettle)
        self._done("ledger_entries", len(source), len(new))


def _mark_dirty(conn: Connection, days: Iterable[int]) -> None:
    have = set(conn.execute(select(DirtyDay.day)).scalars())
    missing = [{"day": d} for d in sorted(set(days) - have)]
    if missing:
        conn.execute(insert(DirtyDay), missing)


def copy_history(
    source: Database,
    target: Database,
    report: Callable[[TableCopied], None] = lambda _: None,
) -> list[TableCopied]:
    """Copy every history table from ``source`` into ``target`` (migrated); idempotent."""
    if source.engine.url == target.engine.url:
        raise CopyError("the source and the target are the same database")
    with source.read() as src, target.write() as dst:
        # Machines already using the target wait while the copy books and rewrites.
        lock_app(dst, SPENDING)
        lock_app(dst, PROGRESS)
        return _Copier(src, dst, report).run()


def copy_to(
    target_url: str,
    paths: Paths,
    current: Database,
    source_url: str | None = None,
    *,
    starting: Callable[[str, str], None] = lambda _source, _target: None,
    report: Callable[[TableCopied], None] = lambda _: None,
    password: str | None = None,
) -> CopyDone:
    """Copy a history (by default this machine's SQLite file) into the database at ``target_url``.

    ``current`` is the process's open database, used rather than opened twice when it
    is the source. ``starting`` hears where from and where to (both as people read
    them) once both are open; ``report`` hears each table as it is done. ``password``
    (from a prompt) is the PostgreSQL password; without it libpq looks in
    ``PGPASSWORD`` and ``~/.pgpass``.
    """
    target_url = check_url(target_url)
    if source_url is None:
        if not paths.database_file.exists():
            raise CopyError(f"there is no history at {paths.database_file} to copy")
        source_url = default_database_url(paths)
    elif source_url != current.url:
        source_url = check_url(source_url, source=True)
    with _password(password):
        return _copy(target_url, current, source_url, starting, report)


def _copy(
    target_url: str,
    current: Database,
    source_url: str,
    starting: Callable[[str, str], None],
    report: Callable[[TableCopied], None],
) -> CopyDone:
    source = current if source_url == current.url else _open(source_url)
    try:
        target = _open(target_url)  # creates the tables there; clear errors if unreachable
        try:
            starting(source.where, target.where)
            tables = copy_history(source, target, report)
            with target.read() as conn:
                there = balance(conn)
        finally:
            target.close()
    finally:
        if source is not current:
            source.close()
    return CopyDone(tuple(tables), there)
