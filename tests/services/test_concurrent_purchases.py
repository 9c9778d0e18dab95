"""Two machines buying at the same moment from one PostgreSQL balance: only one may.

A laptop and a desktop (two apps, two engines, two device ids) share one database
on the session's real PostgreSQL server. The balance is exactly one reward's
price; both machines buy that reward at once. Exactly one purchase must go
through and the balance must end at zero, never below (overdraft is off).

Making "at once" deterministic: the race is between reading the balance and
booking the debit. A third connection holds an exclusive lock on the table the
balance is read from while both purchases start, and lets go only once the
server shows both purchases waiting on a lock. Without the spending lock both
are then parked on that read and both see the full balance; with it, the second
waits on the spending lock instead and reads the balance after the first one
has committed. Each round starts from a fresh payment, and the race is run
several times so that a lost race cannot pass by luck.

On SQLite the single writer serialises purchases anyway; the same test runs there
without the gate (two threads started together), as a check of the same promise.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from human_pretraining.config.paths import DATABASE_URL_ENV
from human_pretraining.core.ledger import PurchaseRefused
from human_pretraining.services.context import App, open_app
from human_pretraining.store.ledger import balance, ledger_sum
from human_pretraining.store.models import LedgerEntry, Purchase
from tests.conftest import FakeClock

ROUNDS = 6
# One task and one reward, both 60 points: each payment affords exactly one purchase.
CONFIG = """\
[[tasks]]
name = "Earn"
points = 60
repeat = "any"

[[rewards]]
name = "Treat"
cost = 60
"""
PRICE = 60_000  # milli-points


def home_with_config(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "config.toml").write_text(CONFIG, "utf-8")
    return path


@pytest.fixture
def two_machines(
    tmp_path: Path,
    backend: str,
    new_database: Callable[[bool], str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[App, App]]:
    url = new_database(True) if backend == "postgresql" else f"sqlite:///{tmp_path}/shared.sqlite3"
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    laptop = open_app(home_with_config(tmp_path / "laptop"), clock=FakeClock())
    try:
        desktop = open_app(home_with_config(tmp_path / "desktop"), clock=FakeClock())
    except BaseException:
        laptop.close()
        raise
    yield laptop, desktop
    laptop.close()
    desktop.close()


class BalanceGate:
    """Holds the balance table locked until ``waiters`` other connections wait on a lock."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self._params = {
            "host": parsed.host,
            "port": parsed.port,
            "user": parsed.username,
            "dbname": parsed.database,
        }
        self._holder = psycopg.connect(**self._params)  # type: ignore[arg-type]
        self._watcher = psycopg.connect(**self._params, autocommit=True)  # type: ignore[arg-type]

    def close(self) -> None:
        self._holder.close()
        self._watcher.close()

    def shut(self) -> None:
        self._holder.execute("LOCK TABLE ledger_totals IN ACCESS EXCLUSIVE MODE")

    def waiting(self) -> int:
        row = self._watcher.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid()"
        ).fetchone()
        assert row is not None
        return int(row[0])

    def open_when_waiting(self, waiters: int, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        try:
            while self.waiting() < waiters:
                assert time.monotonic() < deadline, "the purchases never reached the database"
                threading.Event().wait(0.005)  # polling the server's view, not a fixed delay
        finally:
            self._holder.rollback()  # releases the table lock


def buy_at_once(machines: tuple[App, App], gate: BalanceGate | None) -> list[str]:
    """Both machines buy the reward together; returns 'bought' / 'refused' per machine."""
    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(machines) + 1)

    def buy(app: App) -> None:
        try:
            start.wait(30)
            app.economy.redeem("Treat")
            outcomes.append("bought")
        except PurchaseRefused:
            outcomes.append("refused")
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=buy, args=(app,)) for app in machines]
    if gate is not None:
        gate.shut()
    for thread in threads:
        thread.start()
    start.wait(30)
    if gate is not None:
        gate.open_when_waiting(len(machines))
    for thread in threads:
        thread.join(60)
    assert not [t for t in threads if t.is_alive()], "a purchase never finished"
    assert not errors, errors
    return sorted(outcomes)


def test_two_machines_cannot_both_spend_the_same_points(
    two_machines: tuple[App, App], backend: str
) -> None:
    laptop, desktop = two_machines
    assert laptop.device_id != desktop.device_id
    gate = BalanceGate(laptop.db.url) if backend == "postgresql" else None
    try:
        for round_no in range(1, ROUNDS + 1):
            laptop.economy.complete_task("Earn")  # +60: exactly one Treat
            assert laptop.queries.balance() == PRICE, f"round {round_no}"
            outcomes = buy_at_once((laptop, desktop), gate)
            assert outcomes == ["bought", "refused"], f"round {round_no}"
            # Both machines read the same, never-negative balance.
            assert laptop.queries.balance() == desktop.queries.balance() == 0, f"round {round_no}"
    finally:
        if gate is not None:
            gate.close()

    with laptop.db.read() as conn:
        purchases = conn.execute(select(func.count()).select_from(Purchase)).scalar_one()
        debits = conn.execute(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                LedgerEntry.kind == "reward"
            )
        ).scalar_one()
        assert balance(conn) == ledger_sum(conn) == 0
    assert purchases == ROUNDS
    assert debits == -ROUNDS * PRICE
