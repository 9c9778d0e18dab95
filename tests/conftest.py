"""Shared fixtures: every test gets its own home (config + database) and a fixed clock.

Nothing here or in any test touches the real user profile: HUMAN_PRETRAINING_HOME
points (and XDG_CONFIG_HOME) into the test's temporary directory, and the time
zone is pinned so local days are the same on every machine.

The database behind ``app`` is chosen by the ``backend`` fixture: SQLite here;
``tests/store`` and ``tests/services`` override it to run every test on SQLite
and on PostgreSQL (a private cluster started once per session, see tests/pg.py;
each test gets its own database copied from a migrated template).
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest

from human_pretraining.config.paths import DATABASE_URL_ENV
from human_pretraining.services.context import App, open_app
from human_pretraining.store.database import Database, open_database
from tests.pg import Cluster

# Qt renders offscreen in tests (real widgets and real pixels, no display needed);
# the X11 probe tests start their own Xvfb and set DISPLAY themselves.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") == "1":
    # Under ``faketime --exclude-monotonic`` (scripts/test's wall-clock passes),
    # libfaketime 0.9.10 turns the absolute monotonic deadline of ``time.sleep`` into
    # an invalid one (EINVAL). A timed select() sleeps the same on the real monotonic
    # clock. (Faking the monotonic clock instead hangs every timed thread wait.)

    def _sleep(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            select.select([], [], [], left)

    time.sleep = _sleep

TEST_TZ = "Europe/Berlin"
# A Thursday afternoon, local time: 2026-11-26 15:00 in Berlin.
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand (epoch milliseconds)."""

    def __init__(self, start: datetime = NOW) -> None:
        self.ms = int(start.timestamp() * 1000)

    def __call__(self) -> int:
        return self.ms

    def advance(self, seconds: float) -> None:
        self.ms += int(seconds * 1000)


T = TypeVar("T")


def run_command(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``human-pretraining ARGS`` as a real process on ``home``: what a user's shell sees."""
    return subprocess.run(
        [sys.executable, "-m", "human_pretraining", *args],
        env={**os.environ, "HUMAN_PRETRAINING_HOME": str(home), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def wait_until(probe: Callable[[], T], timeout: float = 20.0, what: str = "") -> T:
    """Poll ``probe`` until it returns something truthy (returned); fail after ``timeout`` s.

    For waiting on something another thread or process does, instead of sleeping
    for a fixed time that is too short under load and too long otherwise.
    """
    deadline = time.monotonic() + timeout
    while not (last := probe()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what or probe}: last {last!r}")
        time.sleep(0.02)
    return last


Closable = TypeVar("Closable", Database, App)


class Closing:
    """Databases and apps a test opens itself: ``db = closing(open_database(url))``."""

    def __init__(self) -> None:
        self.opened: list[Database | App] = []

    def __call__(self, thing: Closable) -> Closable:
        self.opened.append(thing)
        return thing


@pytest.fixture
def closing() -> Iterator[Closing]:
    """Closes what the test registered after it, pass or fail (a connection left open by a
    failed test would fail a later one with a ResourceWarning)."""
    registered = Closing()
    yield registered
    for thing in reversed(registered.opened):
        thing.close()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("HUMAN_PRETRAINING_HOME", str(home))
    # Autostart entries go to $XDG_CONFIG_HOME/autostart: never the real one.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("TZ", TEST_TZ)
    monkeypatch.delenv("HUMAN_PRETRAINING_DATABASE_URL", raising=False)
    return home


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    cluster = Cluster()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def pg_template(pg_cluster: Cluster) -> str:
    """A database at the newest schema, copied for each test (faster than migrating)."""
    name = pg_cluster.create_database()
    open_database(pg_cluster.url(name)).close()
    return name


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def new_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[bool], str]]:
    """Makes URLs of new databases on the test's backend: empty, or migrated (``True``)."""
    made: list[str] = []
    cluster: Cluster | None = None
    if backend == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")

    def make(migrated: bool = False) -> str:
        if cluster is None:
            return f"sqlite:///{tmp_path}/db-{len(list(tmp_path.glob('db-*')))}.sqlite3"
        template = request.getfixturevalue("pg_template") if migrated else None
        name = cluster.create_database(template)
        made.append(name)
        return cluster.url(name)

    yield make
    if cluster is not None and made:
        with cluster.admin() as conn:
            for name in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def app(
    isolated_home: Path,
    clock: FakeClock,
    backend: str,
    new_database: Callable[[bool], str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[App]:
    if backend != "sqlite":
        monkeypatch.setenv(DATABASE_URL_ENV, new_database(True))
    application = open_app(isolated_home, clock=clock)
    yield application
    application.close()
