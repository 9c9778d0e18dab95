"""Exporting to a file: the CLI's formats, progress to the last row, cancelling leaves nothing."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest

from human_pretraining.services import export_file
from human_pretraining.services.context import App
from human_pretraining.services.export_file import (
    ExportCancelled,
    Exporter,
    ExportFormat,
    ExportRequest,
)
from tests.conftest import NOW
from tests.services.test_ingest_and_settle import heartbeats


def exporter(app: App) -> Exporter:
    return app.exporter


def _fill(app: App) -> None:
    app.ingestor.ingest(heartbeats("code", NOW - timedelta(hours=2), 10))
    app.settler.settle()
    for task in ("Read a chapter", "Plan tomorrow"):
        app.economy.complete_task(task)


def test_csv_of_the_ledger_with_progress(app: App, tmp_path: Path) -> None:
    _fill(app)
    target = tmp_path / "ledger.csv"
    seen: list[tuple[int, int]] = []
    request = ExportRequest(target, ExportFormat.CSV, ("ledger",))
    written = exporter(app).write(request, lambda done, total: seen.append((done, total)))
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert written == len(rows) == len(list(app.exporter.rows("ledger", None)))
    assert {r["ref"] for r in rows} >= {"Read a chapter", "Plan tomorrow"}
    assert seen[-1] == (written, written)


def test_json_of_every_table_matches_the_queries(app: App, tmp_path: Path) -> None:
    _fill(app)
    target = tmp_path / "all.json"
    tables = ("ledger", "activity", "purchases", "tasks")
    exporter(app).write(ExportRequest(target, ExportFormat.JSON, tables))
    data = json.loads(target.read_text("utf-8"))
    assert list(data) == list(tables)
    for table in tables:
        assert data[table] == list(app.exporter.rows(table, None))


def test_cancelling_midway_writes_nothing(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(app)
    monkeypatch.setattr(export_file, "PROGRESS_EVERY", 1)
    out = tmp_path / "out"
    out.mkdir()
    seen: list[int] = []
    with pytest.raises(ExportCancelled):
        exporter(app).write(
            ExportRequest(out / "never.json", ExportFormat.JSON, ("ledger",)),
            lambda done, _total: seen.append(done),
            cancelled=lambda: len(seen) >= 2,
        )
    assert seen == [1, 2]  # it had started writing
    assert list(out.iterdir()) == []


def test_csv_needs_exactly_one_table(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="one table"):
        ExportRequest(tmp_path / "x.csv", ExportFormat.CSV, ("ledger", "tasks"))


def test_each_span_is_one_activity_row_with_its_own_subject(app: App, tmp_path: Path) -> None:
    app.ingestor.ingest(heartbeats("code", NOW - timedelta(hours=3), 10))
    app.ingestor.ingest(heartbeats("slack", NOW - timedelta(hours=1), 10))
    target = tmp_path / "activity.csv"
    app.exporter.write(ExportRequest(target, ExportFormat.CSV, ("activity",)))
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["source"], r["subject"]) for r in rows] == [("app", "code"), ("app", "slack")]
