"""Two machines on one database (SQLite file or PostgreSQL): one balance, goals and
badges across both, and the time of each machine for the dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from human_pretraining.config.paths import DATABASE_URL_ENV
from human_pretraining.core.model import MINUTE_MS
from human_pretraining.services.context import App, open_app
from human_pretraining.store.models import ActivitySpan, LedgerEntry, SeenEvent
from tests.conftest import NOW, FakeClock
from tests.services.test_ingest_and_settle import heartbeats

MORNING = NOW - timedelta(hours=6)  # 09:00 Berlin, the same local day as NOW


@pytest.fixture
def other(app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    """A second machine: its own home and device id, the same database as ``app``."""
    monkeypatch.setenv(DATABASE_URL_ENV, app.db.url)
    machine = open_app(tmp_path / "second-machine", clock=FakeClock())
    yield machine
    machine.close()


def test_each_device_shows_its_own_time_and_both_share_balance_and_goals(
    app: App, other: App
) -> None:
    assert app.device_id != other.device_id
    app.ingestor.ingest(heartbeats("code", MORNING, 30))
    other.ingestor.ingest(heartbeats("code", MORNING + timedelta(hours=1), 25))
    other.ingestor.ingest(heartbeats("youtube.com/shorts", MORNING + timedelta(hours=2), 10, "web"))
    other.settler.settle()  # either machine settles every machine's activity
    app.settler.settle()

    today = app.queries.today()
    times = app.queries.device_usage(today, today)
    assert [(t.device_id, t.this_device, t.active_ms) for t in times] == [
        (other.device_id, False, 35 * MINUTE_MS),
        (app.device_id, True, 30 * MINUTE_MS),
    ]
    assert times[0].by_category == {"focus": 25 * MINUTE_MS, "distraction": 10 * MINUTE_MS}
    assert times[1].by_category == {"focus": 30 * MINUTE_MS}
    assert sum(t.points for t in times) == app.queries.balance() == other.queries.balance()

    deep_work = {g.progress.goal.name: g for g in app.queries.summary().goals}["Deep work"]
    assert deep_work.progress.value == 55  # minutes of focus, from both machines
    assert app.queries.summary() == other.queries.summary()
    assert app.queries.badges() == other.queries.badges()
    assert app.queries.device_usage(today - 1, today - 1) == []

    # Every span and event id carries the machine that sent it; entries the one that booked.
    with app.db.read() as conn:
        spans = dict(
            conn.execute(
                select(ActivitySpan.device_id, func.count()).group_by(ActivitySpan.device_id)
            ).all()
        )
        events = dict(
            conn.execute(
                select(SeenEvent.device_id, func.count()).group_by(SeenEvent.device_id)
            ).all()
        )
        booked_by = set(conn.execute(select(LedgerEntry.device_id)).scalars())
    assert set(spans) == {app.device_id, other.device_id}
    assert events == {app.device_id: 30, other.device_id: 35}
    assert booked_by <= {app.device_id, other.device_id} and booked_by
