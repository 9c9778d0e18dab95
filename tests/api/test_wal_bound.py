"""The write-ahead log stays bounded under heavy ingestion and is emptied when idle.

Eight real HTTP clients post batches of events to a real server (waitress, the
settling thread running as in ``serve``) for 30 s while another thread samples
the size of the SQLite ``-wal`` file. Before the fix the WAL grew past a
gigabyte beside a 17 MB database and stayed that size while idle.
"""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

import requests

from human_pretraining.app import Runtime
from human_pretraining.services.context import App
from tests.api.conftest import make_event

CLIENTS = 8
LOAD_S = float(os.environ.get("HP_WAL_LOAD_S", "30"))
WAL_LIMIT = 64 * 1024 * 1024
BATCH = 50


def _wal(app: App) -> Path:
    database = app.db.engine.url.database
    assert database
    return Path(database + "-wal")


def test_a_wal_bound_under_8_concurrent_clients_for_30_s(app: App) -> None:
    runtime = Runtime(app, port=0, monitor=False)
    runtime.settle_every_s = 1.0  # the idle check below needs no 5 s wait
    runtime.start()
    stop = threading.Event()
    sizes: list[int] = []
    posted = [0] * CLIENTS
    failures: list[str] = []
    try:
        token = ""
        with requests.Session() as session:
            code = app.pairing.new_code().code
            answer = session.post(
                runtime.url + "/api/v1/pair", json={"code": code, "client": "load"}
            )
            assert answer.status_code == 201, answer.text
            token = answer.json()["token"]

        def client(index: int) -> None:
            rng = random.Random(index)
            with requests.Session() as session:
                headers = {"Authorization": f"Bearer {token}"}
                while not stop.is_set():
                    events = [
                        make_event(
                            minutes_ago=rng.uniform(1, 600),
                            subject=f"site-{rng.randrange(2000)}.example",
                            source="web",
                            duration=rng.uniform(1, 30),
                        )
                        for _ in range(BATCH)
                    ]
                    answer = session.post(
                        runtime.url + "/api/v1/events", json={"events": events}, headers=headers
                    )
                    if answer.status_code != 200:
                        failures.append(f"{answer.status_code} {answer.text[:200]}")
                        return
                    posted[index] += len(events)

        def sample() -> None:
            wal = _wal(app)
            while not stop.is_set():
                try:
                    sizes.append(wal.stat().st_size)
                except FileNotFoundError:
                    sizes.append(0)
                stop.wait(0.05)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        threads.append(threading.Thread(target=sample))
        for thread in threads:
            thread.start()
        stop.wait(LOAD_S)
        stop.set()
        for thread in threads:
            thread.join(30)
        assert not failures, failures[:3]
        assert sum(posted) > 1000, f"only {sum(posted)} events went through"
        assert max(sizes) <= WAL_LIMIT, f"the WAL reached {max(sizes) / 2**20:.0f} MiB"

        # Idle: the settling thread empties the WAL within a few rounds.
        deadline = time.monotonic() + 20
        while _wal(app).exists() and _wal(app).stat().st_size > 0:
            assert time.monotonic() < deadline, (
                f"the WAL is still {_wal(app).stat().st_size} bytes while idle"
            )
            time.sleep(0.2)  # polling a file size: there is no event to wait on
    finally:
        stop.set()
        runtime.stop()
    print(f"\nposted {sum(posted)} events; WAL max {max(sizes) / 2**20:.1f} MiB")
