"""The demo history (``human-pretraining demo``) is built on the app's clock.

Every day of the demo up to "now" has activity, and nothing lies after "now":
just after midnight today is still empty, the days before it are full. The test
clock sets "now", so what the demo holds never depends on when the suite runs.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from human_pretraining.services.context import App
from human_pretraining.services.demo import fill_demo
from human_pretraining.store.models import ActivitySpan
from tests.conftest import FakeClock


@pytest.fixture
def backend() -> str:
    return "sqlite"  # the demo's dates are the same on both; PostgreSQL is in the copy tests


def minutes_on(app: App, day: int) -> int:
    return sum(row.active_ms for row in app.queries.usage(day, day)) // 60_000


def test_every_demo_day_up_to_the_afternoon_has_activity(app: App) -> None:
    """Clock: Thursday 26 November 2026, 15:00 in Berlin."""
    report = fill_demo(app, days=6)
    assert report.events > 0 and app.queries.balance() != 0
    for day in range(20261121, 20261127):
        assert minutes_on(app, day) > 60, day
    assert minutes_on(app, 20261120) == 0  # before the first demo day
    assert minutes_on(app, 20261127) == 0


def test_just_after_midnight_today_is_empty_and_nothing_lies_in_the_future(
    app: App, clock: FakeClock
) -> None:
    clock.ms = int(datetime(2026, 11, 25, 23, 30, tzinfo=UTC).timestamp() * 1000)  # 00:30
    fill_demo(app, days=6)
    assert minutes_on(app, 20261126) == 0
    for day in range(20261121, 20261126):
        assert minutes_on(app, day) > 60, day
    with app.db.read() as conn:
        assert conn.execute(select(func.max(ActivitySpan.end_ms))).scalar_one() <= clock()
