"""Exporting history to a file in steps, with progress and a way to stop.

The formats are the CLI's (``human-pretraining export``): CSV holds one table
with a header row; JSON is an object of tables, each a list of row objects. The
rows come from :meth:`Queries.export`; this module adds what a window needs: a
row count up front (for a progress bar), a progress callback, cancelling, and
writing to a temporary file beside the target that replaces it only when the
export is complete, so a cancelled or failed export never leaves half a file.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import func, select

from human_pretraining.core.clock import day_bounds
from human_pretraining.services.deps import Deps
from human_pretraining.services.queries import Queries
from human_pretraining.store.models import ActivitySpan, LedgerEntry, Purchase, TaskCompletion

EXPORT_TABLES = ("ledger", "activity", "purchases", "tasks")
PROGRESS_EVERY = 500  # rows between progress reports


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


class ExportCancelled(Exception):
    """The user stopped the export; nothing was written."""


@dataclass(frozen=True)
class ExportRequest:
    path: Path
    format: ExportFormat
    tables: tuple[str, ...]
    since_day: int | None = None

    def __post_init__(self) -> None:
        unknown = [t for t in self.tables if t not in EXPORT_TABLES]
        if unknown or not self.tables:
            raise ValueError(f"tables must be some of {', '.join(EXPORT_TABLES)}, got {unknown}")
        if self.format is ExportFormat.CSV and len(self.tables) != 1:
            raise ValueError("a CSV file holds one table; choose one, or export JSON")


Progress = Callable[[int, int], None]  # (rows written, rows in all)


class Exporter:
    def __init__(self, deps: Deps, queries: Queries) -> None:
        self._db = deps.db
        self._tz = deps.tz
        self._queries = queries

    def count(self, tables: Sequence[str], since_day: int | None) -> int:
        """How many rows an export of ``tables`` will write (same filters as the export)."""
        first = since_day or 0
        start = day_bounds(since_day, self._tz())[0] if since_day else 0
        counts = {
            "ledger": select(func.count()).where(LedgerEntry.day >= first),
            "activity": select(func.count()).where(ActivitySpan.start_ms >= start),
            "purchases": select(func.count()).where(Purchase.day >= first),
            "tasks": select(func.count()).where(TaskCompletion.day >= first),
        }
        with self._db.read() as conn:
            return sum(int(conn.execute(counts[t]).scalar_one()) for t in tables)

    def write(
        self,
        request: ExportRequest,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> int:
        """Write the export; returns the rows written. Raises ExportCancelled or OSError."""
        total = self.count(request.tables, request.since_day)
        state = _Counter(total, progress, cancelled)
        state.check()
        target = request.path
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
                if request.format is ExportFormat.CSV:
                    self._csv(stream, request, state)
                else:
                    self._json(stream, request, state)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        state.report(force=True)
        return state.done

    def _csv(self, stream: TextIO, request: ExportRequest, state: _Counter) -> None:
        rows = self._queries.export(request.tables[0], request.since_day)
        writer: csv.DictWriter[str] | None = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(stream, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
            state.step()

    def _json(self, stream: TextIO, request: ExportRequest, state: _Counter) -> None:
        # Written row by row (not json.dump of one big dict): a year of activity stays small
        # in memory, and cancelling is checked between rows.
        stream.write("{")
        for t_index, table in enumerate(request.tables):
            stream.write(("," if t_index else "") + f"\n  {json.dumps(table)}: [")
            for r_index, row in enumerate(self._queries.export(table, request.since_day)):
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
