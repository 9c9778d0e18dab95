"""Change notifications: what the window listens to instead of polling the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from human_pretraining.services.context import App
from human_pretraining.services.economy import PurchaseRefused
from human_pretraining.services.notify import Change, Notifier
from tests.conftest import NOW
from tests.services.test_ingest_and_settle import heartbeats


@pytest.fixture
def seen(app: App) -> list[Change]:
    changes: list[Change] = []
    app.notifier.subscribe(changes.append)
    return changes


def test_new_activity_is_announced_and_a_duplicate_is_not(app: App, seen: list[Change]) -> None:
    batch = heartbeats("code", NOW - timedelta(minutes=10), 3)
    app.ingestor.ingest(batch)
    assert seen == [Change.ACTIVITY]
    app.ingestor.ingest(batch)  # the same ids again: nothing new was stored
    assert seen == [Change.ACTIVITY]


def test_settling_that_books_points_is_announced(app: App, seen: list[Change]) -> None:
    app.ingestor.ingest(heartbeats("code", NOW - timedelta(minutes=10), 3))
    seen.clear()
    app.settler.settle()
    assert Change.LEDGER in seen
    seen.clear()
    app.settler.settle()  # nothing new to settle
    assert seen == []


def test_settling_time_that_earns_nothing_is_announced_too(app: App, seen: list[Change]) -> None:
    app.ingestor.ingest(heartbeats("some-unknown-app", NOW - timedelta(minutes=10), 3))
    seen.clear()
    report = app.settler.settle()
    assert report.booked == 0 and Change.LEDGER in seen  # the activity view must still update


def test_tasks_purchases_config_pairing_and_pause_are_announced(
    app: App, seen: list[Change]
) -> None:
    app.economy.complete_task(app.config().tasks[0].name)
    assert seen[-1] == Change.LEDGER
    app.config_file.update_settings(idle_threshold_s=240)
    assert seen[-1] == Change.CONFIG
    code = app.pairing.new_code()
    app.pairing.pair(code.code, "chrome")
    assert seen[-1] == Change.CLIENTS
    app.pairing.revoke("chrome")
    assert seen[-1] == Change.CLIENTS
    app.pause.pause_until(app.clock() + 60_000)
    assert seen[-1] == Change.PAUSE


def test_a_refused_purchase_is_not_announced(app: App, seen: list[Change]) -> None:
    expensive = max(app.config().rewards, key=lambda r: r.cost)
    with pytest.raises(PurchaseRefused):
        app.economy.redeem(expensive.name)
    assert seen == []


def test_a_failing_listener_does_not_fail_the_write(
    app: App, seen: list[Change], caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_change: Change) -> None:
        raise RuntimeError("view gone")

    app.notifier.subscribe(broken)
    done = app.economy.complete_task(app.config().tasks[0].name)
    assert done.balance > 0 and seen == [Change.LEDGER]
    assert "listener failed" in caplog.text


def test_unsubscribe_stops_delivery() -> None:
    notifier = Notifier()
    got: list[Change] = []
    stop = notifier.subscribe(got.append)
    notifier.publish(Change.PAUSE)
    stop()
    notifier.publish(Change.PAUSE)
    assert got == [Change.PAUSE]
