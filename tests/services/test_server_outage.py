"""The shared PostgreSQL server goes away mid-run and comes back: nothing lost, nothing twice.

A real endpoint over real HTTP takes events from a paired client while a real
PostgreSQL server (this test's own cluster, so stopping it disturbs no other
test) is stopped and started again. Events sent meanwhile are acknowledged once
they sit in the machine's local buffer; the serve loop's tick says plainly which
server is unreachable, and once it is back replays the buffer through the normal
ingestion path. Retries during and after the outage are absorbed by event ids.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from human_pretraining.api.server import ApiServer
from human_pretraining.app import tick
from human_pretraining.cli import main
from human_pretraining.config.paths import DATABASE_URL_ENV
from human_pretraining.services.context import App, open_app
from human_pretraining.store.models import ActivitySpan, SeenEvent
from tests.conftest import NOW, FakeClock, wait_until
from tests.pg import Cluster
from tests.services.test_ingest_and_settle import VSCODE, activity_points, heartbeats

MORNING = NOW - timedelta(hours=6)


@pytest.fixture
def own_cluster() -> Iterator[Cluster]:
    cluster = Cluster()
    yield cluster
    cluster.destroy()


@pytest.fixture
def served(
    own_cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[App, str, requests.Session]]:
    monkeypatch.setenv(DATABASE_URL_ENV, own_cluster.url(own_cluster.create_database()))
    app = open_app(tmp_path / "home", clock=FakeClock())
    server = ApiServer(app, "127.0.0.1", 0)
    server.start()
    base = f"http://127.0.0.1:{server.port}"
    with requests.Session() as session:
        code = app.pairing.new_code().code
        paired = session.post(base + "/api/v1/pair", json={"code": code, "client": "test"})
        assert paired.status_code == 201, paired.text
        session.headers["Authorization"] = "Bearer " + paired.json()["token"]
        yield app, base, session
    server.stop()
    app.close()


def _post(session: requests.Session, base: str, events: list[dict[str, Any]]) -> None:
    response = session.post(base + "/api/v1/events", json={"events": events}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] + response.json()["duplicates"] == len(events)


def test_events_sent_while_the_server_is_away_are_stored_exactly_once(
    served: tuple[App, str, requests.Session],
    own_cluster: Cluster,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app, base, session = served
    batches = [heartbeats("code", MORNING + timedelta(minutes=10 * i), 10) for i in range(6)]
    _post(session, base, batches[0])
    _post(session, base, batches[1])
    tick(app, poll_config=False)

    own_cluster.stop()
    _post(session, base, batches[2])
    _post(session, base, batches[3])
    _post(session, base, batches[1])  # a client retrying what was already stored
    assert app.ingestor.pending() == 30
    with caplog.at_level(logging.WARNING):
        tick(app, poll_config=False)
    said = f"the database server at {own_cluster.hostport} is unreachable"
    assert said in caplog.text
    assert "30 events are kept on this machine" in caplog.text
    assert main(["status"]) == 2
    assert said in capsys.readouterr().err

    own_cluster.start()
    _post(session, base, batches[4])
    _post(session, base, batches[2])  # retried after the server is back: also buffered before
    tick(app, poll_config=False)
    assert app.ingestor.pending() == 0

    def stored() -> tuple[int, int, int]:
        with app.db.read() as conn:
            seen = conn.execute(select(func.count()).select_from(SeenEvent)).scalar_one()
            ms = conn.execute(
                select(func.sum(ActivitySpan.end_ms - ActivitySpan.start_ms))
            ).scalar_one()
        return int(seen), int(ms), activity_points(app)

    minutes = 50  # batches 0 to 4, ten one-minute heartbeats each
    assert stored() == (minutes, minutes * 60_000, minutes * VSCODE)
    tick(app, poll_config=False)  # and again: nothing changes
    assert stored() == (minutes, minutes * 60_000, minutes * VSCODE)


def test_a_steady_stream_of_events_survives_the_server_restarting_under_it(
    served: tuple[App, str, requests.Session], own_cluster: Cluster
) -> None:
    """A client keeps posting while the server is stopped and started: every post is
    acknowledged, and every event ends up stored exactly once."""
    app, base, session = served
    minutes = 120
    events = heartbeats("code", MORNING, minutes)
    sent = threading.Event()
    failures: list[str] = []
    acknowledged = [0]  # batches the endpoint answered 200 to
    # The last third waits until the server is back, so the stream spans the restart
    # however fast or slow stopping and starting it is on a loaded machine.
    back, at_gate = threading.Event(), threading.Event()

    def client() -> None:
        for i in range(0, minutes, 2):
            if i == minutes * 2 // 3:
                at_gate.set()
                back.wait(60)
            response = session.post(
                base + "/api/v1/events", json={"events": events[i : i + 2]}, timeout=30
            )
            if response.status_code != 200:
                failures.append(response.text)
            else:
                acknowledged[0] += 1
            if i % 10 == 0:  # now and then a retry of the previous batch, as a client does
                session.post(base + "/api/v1/events", json={"events": events[i : i + 2]})
            time.sleep(0.01)
        sent.set()

    sender = threading.Thread(target=client)
    sender.start()
    try:
        wait_until(lambda: acknowledged[0] >= 5, what="batches stored before the outage")
        own_cluster.stop()
        tick(app, poll_config=False)  # the serve loop runs on while the server is away
        during = acknowledged[0]
        wait_until(
            lambda: acknowledged[0] >= during + 5 or at_gate.is_set(),
            what="batches kept during the outage",
        )
        own_cluster.start()
    finally:
        back.set()  # never leave the client waiting behind a failed test
    sender.join(60)
    assert sent.is_set() and not failures, failures
    tick(app, poll_config=False)
    assert app.ingestor.pending() == 0

    with app.db.read() as conn:
        seen = conn.execute(select(func.count()).select_from(SeenEvent)).scalar_one()
        ms = conn.execute(select(func.sum(ActivitySpan.end_ms - ActivitySpan.start_ms))).scalar()
    assert (seen, ms) == (minutes, minutes * 60_000)
    assert activity_points(app) == minutes * VSCODE
