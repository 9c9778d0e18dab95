"""Exporting history: CSV or JSON, to a file or a stream, with progress and a way to stop.

The one export every surface uses (``human-pretraining export``, the Data
settings). CSV holds one table with a header row; JSON is an object of tables,
each a list of row objects. :data:`EXPORT_TABLES` is the one list of what can be
exported (name, label for people, query); the CLI's choices and the window's
menu are read from it. A window also gets a row count up front (for a progress
bar), a progress callback and cancelling; a file is written through
:mod:`human_pretraining.atomic`, so a cancelled or failed export never leaves
half a file.

Where an export may go is decided here, for every surface: never over the app's
own files (the database with its -wal/-shm/-journal, the config, the device id,
the pause file, anything in the app's folders), followed through symbolic links;
over another existing file only when the request says ``force`` (the CLI's
``--force``; the window's file dialog has asked). A character device or a pipe
(``-o /dev/stdout``) is written into, never replaced. A target that cannot be
written (a missing folder, a folder, a full disk, a read-only file system) is an
:class:`ExportError` with one line for people.
"""

from __future__ import annotations

import csv
import errno
import json
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Final, TypeAlias

from sqlalchemy import Select, func, select

from human_pretraining.atomic import atomic_file
from human_pretraining.config.paths import Paths
from human_pretraining.core.clock import day_bounds
from human_pretraining.services.deps import Deps
from human_pretraining.services.queries import LEDGER_ROW
from human_pretraining.store.models import (
    ActivitySpan,
    LedgerEntry,
    Purchase,
    Subject,
    TaskCompletion,
)

Query: TypeAlias = "Select[*tuple[Any, ...]]"  # rows of any columns


@dataclass(frozen=True)
class ExportTable:
    label: str  # for people: the window's menu
    columns: tuple[Any, ...]  # the row, in this order
    since: Any  # the column that ``--since`` filters on: a local day, or a time in ms
    order: Any
    since_is_ms: bool = False
    join: tuple[Any, Any] | None = None  # (from, to): the ON clause follows the foreign key


EXPORT_TABLES: Final[Mapping[str, ExportTable]] = MappingProxyType(
    {
        "ledger": ExportTable(
            "Points ledger",
            (*LEDGER_ROW, LedgerEntry.idem_key, LedgerEntry.device_id),
            LedgerEntry.day,
            LedgerEntry.id,
        ),
        "activity": ExportTable(
            "Tracked activity",
            (
                ActivitySpan.start_ms,
                ActivitySpan.end_ms,
                Subject.source,
                Subject.name.label("subject"),
                ActivitySpan.flags,
                ActivitySpan.scroll_px,
                ActivitySpan.scroll_ms,
                ActivitySpan.words,
                ActivitySpan.detail,
                ActivitySpan.device_id,
            ),
            ActivitySpan.start_ms,
            ActivitySpan.start_ms,
            since_is_ms=True,
            join=(ActivitySpan, Subject),
        ),
        "purchases": ExportTable(
            "Purchases",
            (
                Purchase.at_ms,
                Purchase.day,
                Purchase.reward,
                Purchase.cost,
                Purchase.allowance_site,
                Purchase.allowance_category,
                Purchase.ends_ms,
                Purchase.device_id,
            ),
            Purchase.day,
            Purchase.id,
        ),
        "tasks": ExportTable(
            "Tasks checked off",
            (
                TaskCompletion.at_ms,
                TaskCompletion.day,
                TaskCompletion.task,
                TaskCompletion.points,
                TaskCompletion.device_id,
            ),
            TaskCompletion.day,
            TaskCompletion.id,
        ),
    }
)
DEFAULT_CSV_TABLE = "ledger"
PROGRESS_EVERY = 500  # rows between progress reports


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


class ExportCancelled(Exception):
    """The user stopped the export; nothing was written."""


class ExportError(ValueError):
    """The export cannot go where asked; the message is one line for people. Nothing
    was written."""


@dataclass(frozen=True)
class ExportRequest:
    path: Path
    format: ExportFormat
    tables: tuple[str, ...]
    since_day: int | None = None
    force: bool = False  # replace an existing file (never one of the app's own)

    def __post_init__(self) -> None:
        check_export(self.format, self.tables)


def check_export(format: ExportFormat, tables: Sequence[str]) -> None:
    """Raise ValueError unless ``tables`` are known and fit ``format``."""
    unknown = [t for t in tables if t not in EXPORT_TABLES]
    if unknown or not tables:
        raise ValueError(f"tables must be some of {', '.join(EXPORT_TABLES)}, got {unknown}")
    if format is ExportFormat.CSV and len(tables) != 1:
        raise ValueError("a CSV file holds one table; choose one, or export JSON")


Progress = Callable[[int, int], None]  # (rows written, rows in all)


_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def describe_write_error(exc: OSError, path: Path) -> str:
    """One line for people about why ``path`` could not be written."""
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full: nothing was written to {path}"
    if code in (errno.EACCES, errno.EPERM):
        return f"cannot write {path}: permission denied"
    if code == errno.EISDIR:
        return f"{path} is a folder; name a file in it"
    if code == errno.ENOENT and path.parent.is_dir():  # /proc takes no new files
        return f"cannot write {path}: no file can be created in {path.parent}"
    # e.g. "read-only file system"
    reason = (exc.strerror or str(exc)).rstrip(".")
    return f"cannot write {path}: {reason[:1].lower()}{reason[1:]}"


class Exporter:
    def __init__(self, deps: Deps, paths: Paths | None = None) -> None:
        self._db = deps.db
        self._tz = deps.tz
        self._paths = paths

    def _own(self) -> tuple[set[Path], set[Path]]:
        """The app's own (folders, files), resolved: an export never writes there."""
        folders: set[Path] = set()
        files: set[Path] = set()
        if self._paths is not None:
            p = self._paths
            folders = {p.data_dir.resolve(), p.config_dir.resolve()}
            files = {p.config_file.resolve(), p.database_file.resolve()}
        url = self._db.engine.url
        name = url.database
        if self._db.is_sqlite and name and name != ":memory:" and not name.startswith("file:"):
            files.add(Path(name).resolve())  # database_url may name a file elsewhere
        return folders, {f.with_name(f.name + s) for f in files for s in _SQLITE_COMPANIONS}

    def _check_target(self, request: ExportRequest) -> tuple[Path, bool]:
        """Where to write (links followed), and whether it is a device written in place."""
        path = request.path
        target = path.expanduser().resolve()
        folders, files = self._own()
        if target in files:
            raise ExportError(f"refusing to write over {path}: it is the app's own file")
        inside = next((f for f in folders if target == f or f in target.parents), None)
        if inside is not None:
            raise ExportError(
                f"refusing to write {path}: it is in the app's own folder {inside}; "
                "export somewhere else"
            )
        try:
            mode = target.stat().st_mode
        except FileNotFoundError:
            mode = None
        except OSError as exc:
            raise ExportError(describe_write_error(exc, path)) from exc
        if mode is None:
            if not target.parent.exists():
                raise ExportError(f"the folder {target.parent} does not exist")
            if not target.parent.is_dir():
                raise ExportError(f"{target.parent} is not a folder")
            return target, False
        if stat.S_ISDIR(mode):
            raise ExportError(f"{path} is a folder; name a file in it")
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            return target, True  # /dev/stdout, a pipe: write into it, never replace it
        if not stat.S_ISREG(mode):
            raise ExportError(f"{path} is not a file")
        if not request.force:
            raise ExportError(f"{path} already exists; add --force to replace it")
        return target, False

    def _query(self, table: str, since_day: int | None) -> Query:
        if table not in EXPORT_TABLES:
            raise ValueError(f"unknown table {table!r}")
        spec = EXPORT_TABLES[table]
        first = since_day or 0
        if spec.since_is_ms:
            first = day_bounds(since_day, self._tz())[0] if since_day else 0
        query = select(*spec.columns)
        if spec.join is not None:
            query = query.join_from(*spec.join)
        return query.where(spec.since >= first).order_by(spec.order)

    def rows(self, table: str, since_day: int | None) -> Iterator[dict[str, Any]]:
        """The rows of one table from ``since_day`` (a local day) on, oldest first."""
        query = self._query(table, since_day)
        with self._db.read() as conn:
            for row in conn.execute(query):
                yield dict(row._mapping)

    def count(self, tables: Sequence[str], since_day: int | None) -> int:
        """How many rows an export of ``tables`` will write (same filters as the export)."""
        queries = [self._query(t, since_day).order_by(None).subquery() for t in tables]
        with self._db.read() as conn:
            return sum(
                int(conn.execute(select(func.count()).select_from(q)).scalar_one()) for q in queries
            )

    def write(
        self,
        request: ExportRequest,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> int:
        """Write the export to its file; returns the rows written.

        Raises ExportCancelled or ExportError, and then the file is as it was."""
        target, in_place = self._check_target(request)
        fmt, tables, since = request.format, request.tables, request.since_day
        try:
            if in_place:
                with open(target, "w", encoding="utf-8", newline="") as device:
                    return self.stream(device, fmt, tables, since, progress, cancelled)
            with atomic_file(target, "w") as stream:
                return self.stream(stream, fmt, tables, since, progress, cancelled)
        except OSError as exc:
            raise ExportError(describe_write_error(exc, request.path)) from exc

    def stream(
        self,
        stream: IO[str],
        format: ExportFormat,
        tables: Sequence[str],
        since_day: int | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> int:
        """Write the export to ``stream``; returns the rows written."""
        check_export(format, tables)
        state = _Counter(self.count(tables, since_day) if progress else 0, progress, cancelled)
        state.check()
        if format is ExportFormat.CSV:
            self._csv(stream, tables[0], since_day, state)
        else:
            self._json(stream, tables, since_day, state)
        state.report(force=True)
        return state.done

    def _csv(self, stream: IO[str], table: str, since_day: int | None, state: _Counter) -> None:
        writer: csv.DictWriter[str] | None = None
        for row in self.rows(table, since_day):
            if writer is None:
                writer = csv.DictWriter(stream, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
            state.step()

    def _json(
        self, stream: IO[str], tables: Sequence[str], since_day: int | None, state: _Counter
    ) -> None:
        # Written row by row (not json.dump of one big dict): a year of activity stays small
        # in memory, and cancelling is checked between rows.
        stream.write("{")
        for t_index, table in enumerate(tables):
            stream.write(("," if t_index else "") + f"\n  {json.dumps(table)}: [")
            for r_index, row in enumerate(self.rows(table, since_day)):
                stream.write(("," if r_index else "") + "\n    " + _json_row(row))
                state.step()
            stream.write("\n  ]")
        stream.write("\n}\n")


def _json_row(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False)


class _Counter:
    def __init__(self, total: int, progress: Progress | None, cancelled: Callable[[], bool]):
        self.total = total
        self.done = 0
        self._progress = progress
        self._cancelled = cancelled

    def step(self) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            self.check()
            self.report()

    def check(self) -> None:
        if self._cancelled():
            raise ExportCancelled("The export was cancelled; no file was written.")

    def report(self, force: bool = False) -> None:
        if self._progress is not None:
            # Rows may arrive while exporting; never report more than all.
            self._progress(self.done, max(self.total, self.done) if force else self.total)
