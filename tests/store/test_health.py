"""A damaged history is refused plainly, never replaced; backups are kept and offered.

Each kind of damage the issue names is made on a real history file with real
bytes: random bytes in the middle (the file then fails SQLite's own
``PRAGMA integrity_check``), a zero-length file, and a file cut 1,000 bytes
short. ``status`` and ``serve`` run as real processes; each must exit non-zero
with one plain line (no traceback) naming the newest backup, and leave the
damaged file exactly as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import sqlite3
import stat
from datetime import date, datetime
from pathlib import Path

import pytest

from human_pretraining.app import tick
from human_pretraining.services.context import open_app
from human_pretraining.store.database import DatabaseError
from human_pretraining.store.health import backups as backups_of
from human_pretraining.store.health import daily_care, restore
from tests.api.conftest import make_event
from tests.conftest import FakeClock, run_command

DAY = date(2026, 11, 26)


@pytest.fixture
def backend() -> str:
    return "sqlite"  # checks, backups and file damage are SQLite's alone


def _history(home: Path, clock: FakeClock, backup_day: date | None) -> Path:
    """A history with some activity (and a backup taken on ``backup_day``)."""
    app = open_app(home, clock=clock)
    try:
        for n in range(20):
            app.ingestor.ingest(
                [make_event(minutes_ago=1 + i, subject=f"s{n}-{i}.example") for i in range(50)]
            )
        app.settler.settle()
        if backup_day is not None:
            daily_care(app.db, backup_day)
        app.db.checkpoint()
        return app.paths.database_file
    finally:
        app.close()


def _integrity(path: Path) -> str:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return str(exc)


def _damage(path: Path, kind: str) -> None:
    size = path.stat().st_size
    if kind == "random bytes in the middle":
        rng = random.Random(7)
        with path.open("r+b") as file:
            file.seek(size // 2)
            file.write(rng.randbytes(4096))
        assert _integrity(path) != "ok"  # SQLite itself finds it damaged
    elif kind == "zero-length":
        path.write_bytes(b"")
    else:
        os.truncate(path, size - 1000)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


KINDS = ["random bytes in the middle", "zero-length", "truncated by 1,000 bytes"]


@pytest.mark.parametrize("kind", KINDS)
def test_corrupted_files_of_each_kind_are_refused_with_the_backup_named(
    kind: str, isolated_home: Path, clock: FakeClock
) -> None:
    database = _history(isolated_home, clock, DAY)
    backup = database.parent / "backups" / "history-20261126.sqlite3"
    assert backup.exists() and _integrity(backup) == "ok"
    _damage(database, kind)
    before = _digest(database)

    # No command: the window, which must refuse before it shows anything.
    for command in (["status"], ["serve", "--port", "0", "--no-monitor"], []):
        done = run_command(isolated_home, *command)
        assert done.returncode != 0, (command, done.stdout)
        assert "Traceback" not in done.stderr, done.stderr
        assert "damaged" in done.stderr, done.stderr
        assert str(backup) in done.stderr, done.stderr
        assert "listening" not in done.stdout
        assert _digest(database) == before, f"{command} changed the damaged file"

    with pytest.raises(DatabaseError, match="damaged"):
        open_app(isolated_home, clock=clock)
    assert _digest(database) == before


def test_damage_without_a_backup_says_there_is_none_and_keeps_the_file(
    isolated_home: Path, clock: FakeClock
) -> None:
    database = _history(isolated_home, clock, None)
    _damage(database, "zero-length")
    done = run_command(isolated_home, "status")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "no backup" in done.stderr, done.stderr
    assert database.stat().st_size == 0  # not turned into a new, empty history


def test_daily_backups_are_private_and_only_the_last_7_days_are_kept(
    isolated_home: Path, clock: FakeClock
) -> None:
    database = _history(isolated_home, clock, None)
    app = open_app(isolated_home, clock=clock)
    try:
        for day in range(1, 11):
            daily_care(app.db, date(2026, 11, day))
            daily_care(app.db, date(2026, 11, day))  # a second round that day: no new copy
    finally:
        app.close()
    folder = database.parent / "backups"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"history-202611{day:02d}.sqlite3" for day in range(4, 11)]
    for name in names:
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
        assert _integrity(folder / name) == "ok"
        with contextlib.closing(sqlite3.connect(folder / name)) as conn:
            assert conn.execute("SELECT count(*) FROM seen_events").fetchone()[0] == 1000


def test_the_running_app_backs_up_once_on_its_background_round(
    isolated_home: Path, clock: FakeClock
) -> None:
    database = _history(isolated_home, clock, None)
    app = open_app(isolated_home, clock=clock)
    try:
        tick(app, poll_config=False)
        tick(app, poll_config=False)
    finally:
        app.close()
    # The test clock is 2026-11-26 15:00 in Berlin.
    assert [p.name for p in backups_of(database)] == ["history-20261126.sqlite3"]


def test_restoring_the_backup_brings_the_history_back_and_keeps_the_damaged_file(
    isolated_home: Path, clock: FakeClock
) -> None:
    database = _history(isolated_home, clock, DAY)
    _damage(database, "truncated by 1,000 bytes")
    damaged = database.read_bytes()
    aside = restore(backups_of(database)[-1], database, datetime(2026, 11, 27, 9, 30))
    assert aside.name == "history.sqlite3.damaged-20261127-093000"
    assert aside.read_bytes() == damaged  # moved aside, never deleted
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    app = open_app(isolated_home, clock=clock)
    try:
        with app.db.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM seen_events").scalar() == 1000
    finally:
        app.close()


def test_the_daily_check_finds_damage_and_never_backs_it_up_over_sound_copies(
    isolated_home: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    database = _history(isolated_home, clock, DAY)
    app = open_app(isolated_home, clock=clock)
    try:
        _damage(database, "random bytes in the middle")  # while the app runs
        assert daily_care(app.db, date(2026, 11, 27)) is None
    finally:
        app.close()
    assert [p.name for p in backups_of(database)] == ["history-20261126.sqlite3"]
    assert "is damaged" in caplog.text and "history-20261126.sqlite3" in caplog.text


def test_db_restore_brings_the_named_backup_back_and_the_app_opens_again(
    isolated_home: Path, clock: FakeClock
) -> None:
    database = _history(isolated_home, clock, DAY)
    backup = backups_of(database)[-1]
    _damage(database, "random bytes in the middle")
    damaged = _digest(database)
    refused = run_command(isolated_home, "status")
    assert f"human-pretraining db restore {backup}" in refused.stderr

    done = run_command(isolated_home, "db", "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert f"Restored {database} from {backup}" in done.stdout
    kept = [
        p
        for p in database.parent.iterdir()
        if p.name.startswith("history.sqlite3.damaged-") and not p.name.endswith(("-wal", "-shm"))
    ]
    assert [_digest(p) for p in kept] == [damaged]
    app = open_app(isolated_home, clock=clock)
    try:
        with app.db.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM seen_events").scalar() == 1000
    finally:
        app.close()
    # Last, as the user would: the command runs on the wall clock, and its settling
    # forgets event ids older than 31 days, which the history's may be by then.
    assert run_command(isolated_home, "status").returncode == 0


def test_db_restore_refuses_a_damaged_backup_and_moves_nothing(
    isolated_home: Path, clock: FakeClock
) -> None:
    database = _history(isolated_home, clock, DAY)
    backup = backups_of(database)[-1]
    _damage(backup, "truncated by 1,000 bytes")
    before = _digest(database)
    done = run_command(isolated_home, "db", "restore", str(backup))
    assert done.returncode == 2
    assert "damaged too" in done.stderr and "Traceback" not in done.stderr
    assert _digest(database) == before
