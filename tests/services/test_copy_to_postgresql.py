"""``human-pretraining db copy --to URL``: a SQLite history moves into PostgreSQL, once.

A demo history (built by the ``demo`` command through the real services) is
copied into a database on the session's PostgreSQL server: every table arrives
with the same content, the balance and goals there equal the ones here, and a
second run copies nothing. Bad and unreachable URLs fail with one clear line.

The commands run on the fixed test clock (tests/conftest.py), so "the last six
days" are the same six full days at any hour the suite runs.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from human_pretraining.cli import main
from human_pretraining.config.paths import DATABASE_URL_ENV
from human_pretraining.services.context import open_app
from human_pretraining.store.database import Database, open_database
from human_pretraining.store.ledger import balance, ledger_sum
from human_pretraining.store.models import Base, DirtyDay, LedgerEntry
from tests.conftest import Closing, FakeClock
from tests.pg import free_port

COPIED_TABLES = [t for t in Base.metadata.sorted_tables if t.name != "pairing_codes"]


@pytest.fixture
def backend() -> str:
    return "postgresql"


def counts(db: Database) -> dict[str, int]:
    with db.read() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in COPIED_TABLES
        }


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out, clock=FakeClock())
    return code, out.getvalue()


def test_a_demo_history_is_copied_once_with_progress(
    isolated_home: Path,
    new_database: Callable[[bool], str],
    monkeypatch: pytest.MonkeyPatch,
    closing: Closing,
) -> None:
    assert run("demo", "--days", "6")[0] == 0
    target_url = new_database(False)  # empty: the copy creates the tables

    code, said = run("db", "copy", "--to", target_url)
    assert code == 0, said
    assert "Copying " in said and "activity_spans" in said and "ledger_entries" in said
    source = closing(open_database(f"sqlite:///{isolated_home}/history.sqlite3"))
    target = closing(open_database(target_url))
    before = counts(source)
    assert counts(target) == before
    assert before["activity_spans"] > 100 and before["ledger_entries"] > 20
    with source.read() as a, target.read() as b:
        assert balance(a) == balance(b) == ledger_sum(b) != 0

    code, again = run("db", "copy", "--to", target_url)
    assert code == 0, again
    assert "Done: 0 rows copied" in again
    assert counts(target) == before

    # The copy is a working history: an app on it shows the same balance and goals.
    monkeypatch.setenv(DATABASE_URL_ENV, target_url)
    there = closing(open_app(isolated_home, clock=FakeClock()))
    monkeypatch.delenv(DATABASE_URL_ENV)
    here = closing(open_app(isolated_home, clock=FakeClock()))
    assert there.db.dialect == "postgresql" and here.db.dialect == "sqlite"
    assert there.queries.summary() == here.queries.summary()
    assert there.queries.usage(0, 99991231) == here.queries.usage(0, 99991231)


def test_bad_or_unreachable_targets_fail_with_one_clear_line(
    isolated_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("demo", "--days", "1")[0] == 0
    capsys.readouterr()
    assert run("db", "copy", "--to", "not a url")[0] == 2
    assert "not a valid database URL" in capsys.readouterr().err
    port = free_port()  # nothing listens there
    monkeypatch.setenv("PGPASSWORD", "secret")  # never in the URL: `ps` would show it
    dead = f"postgresql+psycopg://me@127.0.0.1:{port}/nowhere"
    assert run("db", "copy", "--to", dead)[0] == 2
    err = capsys.readouterr().err
    assert f"database server at 127.0.0.1:{port} is unreachable" in err
    assert "secret" not in err


def test_a_second_machines_history_joins_without_counting_a_day_twice(
    isolated_home: Path,
    tmp_path: Path,
    new_database: Callable[[bool], str],
    monkeypatch: pytest.MonkeyPatch,
    closing: Closing,
) -> None:
    """Two machines with the same days each copy their history into one server."""
    laptop, desktop = isolated_home, tmp_path / "desktop"
    target_url = new_database(False)
    for home, seed in ((laptop, "1"), (desktop, "2")):
        assert run("--home", str(home), "demo", "--days", "3", "--seed", seed)[0] == 0
        code, said = run("--home", str(home), "db", "copy", "--to", target_url)
        assert code == 0, said
    target = closing(open_database(target_url))
    sources = [
        closing(open_database(f"sqlite:///{home}/history.sqlite3")) for home in (laptop, desktop)
    ]
    spans = [counts(db)["activity_spans"] for db in sources]
    assert counts(target)["activity_spans"] == sum(spans)
    assert counts(target)["devices"] == 2

    # The days both machines settled are re-scored there from both machines' spans...
    monkeypatch.setenv(DATABASE_URL_ENV, target_url)
    there = closing(open_app(laptop, clock=FakeClock()))
    assert there.settler.settle().booked > 0
    # ... after which re-scoring every day from scratch books nothing more.
    with there.db.write() as conn:
        days = set(conn.execute(select(LedgerEntry.day)).scalars())
        conn.execute(insert(DirtyDay), [{"day": d} for d in sorted(days)])
    assert there.settler.settle().booked == 0
    with there.db.read() as conn:
        assert balance(conn) == ledger_sum(conn)
