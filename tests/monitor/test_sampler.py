"""The 1 Hz sampler with an injected clock, through the real ingestion and settling.

Default rules: ``code`` is focus at +1 point/minute; firefox is a browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from human_pretraining.core.ids import new_event_id
from human_pretraining.monitor.probes import Foreground, ProbeError
from human_pretraining.monitor.sampler import Sampler
from human_pretraining.services.context import App
from human_pretraining.store.models import ActivitySpan, LedgerEntry
from tests.conftest import FakeClock

CODE = Foreground("code", exe="/usr/bin/code", pid=42, title="notes.md — Visual Studio Code")


@dataclass
class FakeProbes:
    """Stand-ins for the OS: what is in front, and seconds since the last input."""

    name: str = "fake"
    front: Foreground | None = CODE
    idle_s: float = 0.0
    broken: bool = False

    def foreground(self) -> Foreground | None:
        if self.broken:
            raise ProbeError("display went away")
        return self.front

    def idle_seconds(self) -> float:
        return self.idle_s


@dataclass
class Clocks:
    """Wall clock (the app's FakeClock, ms) and a monotonic clock (s) moved together."""

    wall: FakeClock
    mono: float = 1000.0

    def monotonic(self) -> float:
        return self.mono

    def second(self) -> None:
        self.wall.advance(1)
        self.mono += 1


@pytest.fixture
def clocks(clock: FakeClock) -> Clocks:
    clock.advance(-3 * 3600)  # start three hours before the tests' "now", same local day
    return Clocks(clock)


@pytest.fixture
def probes() -> FakeProbes:
    return FakeProbes()


@pytest.fixture
def sampler(app: App, probes: FakeProbes, clocks: Clocks) -> Sampler:
    return Sampler(app.ingestor.ingest, probes, probes, app.settings, clocks.wall, clocks.monotonic)


def run(sampler: Sampler, clocks: Clocks, seconds: int) -> None:
    for _ in range(seconds):
        clocks.second()
        sampler.tick()


def activity_points(app: App) -> int:
    app.settler.settle()
    with app.db.read() as conn:
        total = conn.execute(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                LedgerEntry.kind == "activity"
            )
        ).scalar_one()
    return int(total)


def test_steady_use_earns_exactly_its_minutes(app: App, sampler: Sampler, clocks: Clocks) -> None:
    sampler.tick()  # the first tick only starts the clock
    run(sampler, clocks, 10 * 60)
    sampler.flush()
    assert activity_points(app) == 10_000  # 10 min of code at +1/min
    with app.db.read() as conn:  # 600 one-second heartbeats merged into one span
        assert conn.execute(select(func.count()).select_from(ActivitySpan)).scalar_one() == 1


def test_idle_time_earns_nothing(
    app: App, sampler: Sampler, clocks: Clocks, probes: FakeProbes
) -> None:
    sampler.tick()
    run(sampler, clocks, 5 * 60)
    probes.idle_s = 10_000  # away from the keyboard
    run(sampler, clocks, 20 * 60)
    probes.idle_s = 0
    run(sampler, clocks, 5 * 60)
    sampler.flush()
    assert activity_points(app) == 10_000


def test_a_two_hour_suspend_is_never_filled_in(app: App, sampler: Sampler, clocks: Clocks) -> None:
    sampler.tick()
    run(sampler, clocks, 5 * 60)
    clocks.wall.advance(2 * 3600)  # asleep: the wall clock moves, the monotonic one does not
    clocks.mono += 0.5
    sampler.tick()
    run(sampler, clocks, 5 * 60)
    sampler.flush()
    assert activity_points(app) == 10_000


def test_a_clock_jump_backwards_is_not_credited(app: App, sampler: Sampler, clocks: Clocks) -> None:
    sampler.tick()
    run(sampler, clocks, 5 * 60)
    clocks.wall.advance(-3600)  # the user (or NTP) set the clock back an hour
    clocks.mono += 1
    sampler.tick()
    run(sampler, clocks, 5 * 60)
    sampler.flush()
    assert activity_points(app) == 10_000


def test_a_stalled_process_does_not_fill_the_stall(
    app: App, sampler: Sampler, clocks: Clocks
) -> None:
    sampler.tick()
    run(sampler, clocks, 60)
    clocks.wall.advance(90)  # both clocks moved 90 s: the process did not tick for a while
    clocks.mono += 90
    sampler.tick()
    run(sampler, clocks, 60)
    sampler.flush()
    assert activity_points(app) == 2_000


def test_pausing_stops_tracking_for_exactly_that_long(
    app: App, sampler: Sampler, clocks: Clocks
) -> None:
    sampler.tick()
    run(sampler, clocks, 5 * 60)
    sampler.pause(minutes=15)
    assert sampler.paused_until_ms is not None
    run(sampler, clocks, 15 * 60)  # the last of these ends the pause and restarts the clock
    assert sampler.paused_until_ms is None
    run(sampler, clocks, 5 * 60)
    sampler.flush()
    assert activity_points(app) == 10_000


def test_browsers_are_marked_and_yield_to_the_extension_sites(
    app: App, sampler: Sampler, clocks: Clocks, probes: FakeProbes
) -> None:
    probes.front = Foreground("firefox")
    sampler.tick()
    start = clocks.wall()
    run(sampler, clocks, 10 * 60)
    sampler.flush()
    # The extension reports the same ten minutes on docs.python.org (learning, +2/min).
    app.ingestor.ingest(
        [
            {
                "id": new_event_id(start + i * 60_000),
                "source": "web",
                "subject": "docs.python.org",
                "start": datetime.fromtimestamp((start + i * 60_000) / 1000, UTC).isoformat(),
                "duration": 60,
            }
            for i in range(10)
        ]
    )
    app.settler.settle()
    usage = {row.subject: row.active_ms for row in app.queries.usage(20261126, 20261126)}
    assert usage == {"docs.python.org": 10 * 60_000}  # never both


def test_titles_are_kept_only_when_the_user_opted_in(
    app: App, sampler: Sampler, clocks: Clocks
) -> None:
    sampler.tick()
    run(sampler, clocks, 3)
    sampler.flush()
    app.config_file.update_settings(store_titles=True)
    run(sampler, clocks, 3)
    sampler.flush()
    with app.db.read() as conn:
        details = set(conn.execute(select(ActivitySpan.detail)).scalars())
    assert details == {None, CODE.title}


def test_a_failing_probe_is_reported_once_and_tracking_resumes(
    app: App,
    sampler: Sampler,
    clocks: Clocks,
    probes: FakeProbes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sampler.tick()
    run(sampler, clocks, 60)
    probes.broken = True
    run(sampler, clocks, 60)
    probes.broken = False
    run(sampler, clocks, 60)
    sampler.flush()
    assert activity_points(app) == 2_000
    warnings = [r for r in caplog.records if "display went away" in r.getMessage()]
    assert len(warnings) == 1


def test_heartbeats_survive_an_ingestion_failure(
    app: App, probes: FakeProbes, clocks: Clocks
) -> None:
    stored: list[int] = []
    failing = [True]

    def ingest(batch: list[object]) -> None:
        if failing[0]:
            raise RuntimeError("database is down")
        stored.append(len(batch))

    sampler = Sampler(ingest, probes, probes, app.settings, clocks.wall, clocks.monotonic)
    sampler.tick()
    run(sampler, clocks, 30)  # flushes (and fails) every ten seconds
    failing[0] = False
    sampler.flush()
    assert sum(stored) == 30


def test_a_pause_set_from_another_process_is_honoured(
    app: App, probes: FakeProbes, clocks: Clocks
) -> None:
    """`human-pretraining pause` writes the pause file; the serving sampler reads it."""
    sampler = Sampler(
        app.ingestor.ingest,
        probes,
        probes,
        app.settings,
        clocks.wall,
        clocks.monotonic,
        paused_elsewhere=app.pause.until,
    )
    sampler.tick()
    run(sampler, clocks, 5 * 60)
    app.pause.pause_until(clocks.wall() + 10 * 60_000)
    run(sampler, clocks, 10 * 60)  # paused; the last tick restarts the clock
    run(sampler, clocks, 2 * 60)
    app.pause.pause_until(clocks.wall() + 60 * 60_000)
    run(sampler, clocks, 60)
    app.pause.resume()
    run(sampler, clocks, 3 * 60 + 1)  # the first tick after resuming only restarts
    sampler.flush()
    assert activity_points(app) == 10_000
