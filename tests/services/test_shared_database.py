"""Two machines, one PostgreSQL ledger: concurrent ingestion, settling and spending.

Two apps with separate homes (so separate device ids and config files) point at
one database on the session's real PostgreSQL server and work at the same time
from several threads: each ingests its own activity in small batches and settles
after every batch, both try to check off the same daily task, one buys a reward.
Afterwards every bucket holds exactly what the two devices' time is worth, the
balance is the sum of what each earned and spent, and settling again books nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from human_pretraining.config.paths import DATABASE_URL_ENV
from human_pretraining.services.context import App, open_app
from human_pretraining.services.economy import AlreadyDone
from human_pretraining.store.ledger import balance, ledger_sum
from human_pretraining.store.models import DirtyDay, LedgerEntry
from tests.conftest import NOW, FakeClock
from tests.services.test_ingest_and_settle import heartbeats

MORNING = NOW - timedelta(hours=7)  # 08:00 Berlin, the same local day as NOW
RUN_S = 4.0  # how long the settle-only threads keep going after ingestion ends


@pytest.fixture
def two_apps(
    tmp_path: Path,
    pg_cluster: object,
    new_database: Callable[[bool], str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[App, App]]:
    monkeypatch.setenv(DATABASE_URL_ENV, new_database(True))
    laptop = open_app(tmp_path / "laptop", clock=FakeClock())
    desktop = open_app(tmp_path / "desktop", clock=FakeClock())
    yield laptop, desktop
    laptop.close()
    desktop.close()


@pytest.fixture
def backend() -> str:
    return "postgresql"


def _run_all(workers: list[Callable[[], None]]) -> None:
    errors: list[BaseException] = []

    def guarded(work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except BaseException as exc:  # reported by the test, not lost in a thread
                errors.append(exc)

        return run

    threads = [threading.Thread(target=guarded(w)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors


def _sum(app: App, kind: str) -> int:
    with app.db.read() as conn:
        return int(
            conn.execute(
                select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                    LedgerEntry.kind == kind
                )
            ).scalar_one()
        )


def test_two_devices_settling_at_once_book_everything_exactly_once(
    two_apps: tuple[App, App],
) -> None:
    laptop, desktop = two_apps
    assert laptop.device_id != desktop.device_id
    # Different hours of one local day, so every batch makes both settlers re-score it.
    laptop_events = heartbeats("code", MORNING, 90)
    desktop_events = heartbeats("code", MORNING + timedelta(hours=2), 60) + heartbeats(
        "youtube.com/shorts", MORNING + timedelta(hours=3), 20, "web"
    )
    ingesting = threading.Event()
    ingesting.set()
    done_tasks: list[str] = []

    def device(app: App, events: list[dict[str, object]]) -> Callable[[], None]:
        def work() -> None:
            for i in range(0, len(events), 5):
                app.ingestor.ingest(events[i : i + 5])
                app.settler.settle()
                if i == 40:
                    try:  # both devices try; the daily task pays once
                        app.economy.complete_task("Plan tomorrow")
                        done_tasks.append(str(app.device_id))
                    except AlreadyDone:
                        pass

        return work

    def settle_loop(app: App) -> Callable[[], None]:
        def work() -> None:
            while ingesting.is_set():
                app.settler.settle()

        return work

    reward = desktop.config().reward("30 min of phone time")
    assert reward is not None

    def buyer() -> None:
        # Spend once the laptop's time has earned enough (the balance is shared).
        while desktop.queries.balance() < reward.cost + 10_000:
            threading.Event().wait(0.02)
        desktop.economy.redeem(reward.name)

    laptop_work, desktop_work = device(laptop, laptop_events), device(desktop, desktop_events)

    def ingest_then_stop() -> None:
        _run_all([laptop_work, desktop_work, buyer])
        threading.Event().wait(RUN_S / 4)
        ingesting.clear()

    _run_all([ingest_then_stop, settle_loop(laptop), settle_loop(desktop)])
    # Settle until no day is left dirty (a busy day may have been deferred).
    for _ in range(5):
        laptop.settler.settle()
        desktop.settler.settle()

    # 90 + 60 min of vscode at +1, 20 min of youtube-shorts at -4 (the default rules).
    assert _sum(laptop, "activity") == 150_000 - 80_000
    assert len(done_tasks) == 1
    assert _sum(laptop, "task") == laptop.config().task("Plan tomorrow").points  # type: ignore[union-attr]
    assert _sum(laptop, "reward") == -reward.cost
    with laptop.db.read() as conn:
        keys = conn.execute(select(LedgerEntry.idem_key)).scalars().all()
        total, entries = balance(conn), ledger_sum(conn)
        devices = set(conn.execute(select(LedgerEntry.device_id)).scalars())
    assert len(keys) == len(set(keys))
    assert total == entries
    assert total == sum(_sum(laptop, k) for k in ("activity", "task", "reward", "goal"))
    assert laptop.queries.balance() == desktop.queries.balance() == total
    assert devices <= {laptop.device_id, desktop.device_id}

    # Settling the day again, on both machines at once, changes nothing.
    with laptop.db.write() as conn:
        conn.execute(insert(DirtyDay).values(day=laptop.queries.today()))
    _run_all([laptop.settler.settle, desktop.settler.settle])
    with laptop.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == len(keys)
        assert balance(conn) == total
