"""The browsing history is readable by its owner only (POSIX permission bits).

Each test sets a permissive umask (022, the usual default) so the result cannot
come from a strict umask on the test machine; the umask is restored afterwards.
Windows keeps these files in the per-user profile instead (see README).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from human_pretraining.cli import main as cli_main
from human_pretraining.core.model import Source
from human_pretraining.core.timeline import Heartbeat
from human_pretraining.services.context import open_app
from human_pretraining.services.export_file import ExportFormat, ExportRequest
from human_pretraining.store.buffer import EventBuffer
from tests.conftest import NOW, FakeClock
from tests.services.test_ingest_and_settle import heartbeats

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def modes(home: Path) -> dict[str, int]:
    return {entry.name: mode(entry) for entry in home.iterdir() if entry.is_file()}


def test_a_new_install_is_private_to_its_owner(isolated_home: Path, clock: FakeClock) -> None:
    app = open_app(isolated_home, clock=clock)
    try:
        app.ingestor.ingest(heartbeats("code", NOW - timedelta(hours=1), 5))
        app.settler.settle()
        app.pause.pause_until(clock() + 60_000)
        # While the app runs, the write-ahead log and shared memory files exist.
        wal = isolated_home / "history.sqlite3-wal"
        shm = isolated_home / "history.sqlite3-shm"
        assert wal.exists() and shm.exists()
        assert mode(isolated_home) == 0o700
        assert modes(isolated_home) == {
            "config.toml": 0o600,
            "history.sqlite3": 0o600,
            "history.sqlite3-wal": 0o600,
            "history.sqlite3-shm": 0o600,
            "device-id": 0o600,
            "pause-until": 0o600,
        }
    finally:
        app.close()


def test_an_existing_install_is_made_private_on_start(
    isolated_home: Path, clock: FakeClock
) -> None:
    open_app(isolated_home, clock=clock).close()
    (isolated_home / "window.ini").write_text("[geometry]\n")
    for entry in isolated_home.iterdir():
        entry.chmod(0o644)
    isolated_home.chmod(0o755)

    app = open_app(isolated_home, clock=clock)
    try:
        assert mode(isolated_home) == 0o700
        assert set(modes(isolated_home).values()) == {0o600}
    finally:
        app.close()


def test_platform_folders_are_private_but_their_parents_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    monkeypatch.delenv("HUMAN_PRETRAINING_HOME")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    app = open_app(clock=clock)
    try:
        config_dir = tmp_path / "xdg-config" / "human-pretraining"
        data_dir = tmp_path / "xdg-data" / "human-pretraining"
        assert (mode(config_dir), mode(data_dir)) == (0o700, 0o700)
        assert mode(config_dir / "config.toml") == 0o600
        assert mode(data_dir / "history.sqlite3") == 0o600
        # The shared parents (like ~/.local/share) keep the umask's mode.
        assert mode(tmp_path / "xdg-data") == 0o755
    finally:
        app.close()


def test_a_database_named_by_url_is_private_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    database = elsewhere / "mine.sqlite3"
    monkeypatch.setenv("HUMAN_PRETRAINING_DATABASE_URL", f"sqlite:///{database}")
    app = open_app(clock=clock)
    try:
        app.ingestor.ingest(heartbeats("code", NOW - timedelta(hours=1), 5))
        assert mode(database) == 0o600
        assert mode(elsewhere / "mine.sqlite3-wal") == 0o600
    finally:
        app.close()


def test_cli_and_window_exports_are_private(isolated_home: Path, clock: FakeClock) -> None:
    app = open_app(isolated_home, clock=clock)
    try:
        app.ingestor.ingest(heartbeats("code", NOW - timedelta(hours=1), 5))
        app.settler.settle()
        window_export = isolated_home.parent / "window-export.json"
        app.exporter.write(ExportRequest(window_export, ExportFormat.JSON, ("activity",)))
    finally:
        app.close()
    cli_export = isolated_home.parent / "cli-export.csv"
    assert cli_main(["export", "--table", "activity", "--output", str(cli_export)]) == 0
    assert cli_export.stat().st_size > 0
    assert (mode(window_export), mode(cli_export)) == (0o600, 0o600)


def test_the_outage_buffer_is_private(tmp_path: Path) -> None:
    buffer = EventBuffer(tmp_path / "data" / "pending-events.sqlite3")
    beat = Heartbeat(Source.APP, "code", int(NOW.timestamp() * 1000), 1000)
    buffer.add([("e1", beat)])
    assert mode(buffer.path) == 0o600
