"""Shared fixtures: every test gets its own home (config + database) and a fixed clock.

Nothing here or in any test touches the real user profile: HUMAN_PRETRAINING_HOME
and XDG_CONFIG_HOME point into the test's temporary directory, and the time zone
is pinned so local days are the same on every machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from human_pretraining.services.context import App, open_app

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


@pytest.fixture
def app(isolated_home: Path, clock: FakeClock) -> Iterator[App]:
    application = open_app(isolated_home, clock=clock)
    yield application
    application.close()
