"""The database: migrations match the models on SQLite and PostgreSQL, old schemas upgrade,
SQLite is tuned, a server that cannot be reached is named plainly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from human_pretraining.store.database import (
    Database,
    DatabaseError,
    _alembic_config,
    newest_revision,
    open_database,
)
from human_pretraining.store.models import Base
from tests.conftest import Closing


def url(path: Path) -> str:
    return f"sqlite:///{path}"


NewDatabase = Callable[..., str]


def test_migrations_produce_exactly_the_models(new_database: NewDatabase, closing: Closing) -> None:
    db = closing(open_database(new_database()))
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_every_released_schema_upgrades_to_head(
    new_database: NewDatabase, closing: Closing
) -> None:
    """A database stopped at each revision (with a row in it) upgrades cleanly."""
    cfg = _alembic_config("sqlite://")
    revisions = [r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions()][::-1]
    assert revisions, "no migrations found"
    for revision in revisions:
        target = new_database()
        db = closing(Database(target))
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            conn.execute(text("INSERT INTO devices (uid, name, created_ms) VALUES ('u', 'n', 1)"))
        db.close()
        upgraded = closing(open_database(target))
        with upgraded.read() as conn:
            assert conn.execute(text("SELECT name FROM devices")).scalar_one() == "n"
            current = MigrationContext.configure(conn).get_current_revision()
        assert current == revisions[-1]
        upgraded.close()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path, closing: Closing) -> None:
    db = closing(open_database(url(tmp_path / "h.sqlite3")))
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1


def test_opening_twice_is_a_no_op_migration(new_database: NewDatabase, closing: Closing) -> None:
    target = new_database()
    open_database(target).close()
    db = closing(open_database(target))
    with db.read() as conn:
        tables = set(inspect(conn).get_table_names())
    db.close()
    assert {"activity_spans", "ledger_entries", "purchases", "badges"} <= tables


def test_a_bad_url_gives_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="not a valid database URL"):
        Database("not a url")


def test_an_unopenable_file_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="cannot open the database"):
        open_database(url(tmp_path / "missing-dir" / "h.sqlite3"))


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="does not start like a SQLite database"):
        open_database(url(path))
    assert path.read_bytes() == b"this is not sqlite" * 100  # left untouched


def test_seen_event_ids_survive_the_move_to_compact_keys(
    new_database: NewDatabase, backend: str, closing: Closing
) -> None:
    """Ids remembered before revision 0003 still count as seen after it."""
    import uuid

    target = new_database()
    cfg = _alembic_config(target)
    ids = [str(uuid.uuid4()) for _ in range(3)]
    db = closing(Database(target))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        conn.execute(text("INSERT INTO devices (uid, name, created_ms) VALUES ('u', 'n', 1)"))
        for event_id in ids:
            conn.execute(
                text(
                    "INSERT INTO seen_events (event_id, device_id, received_ms) VALUES (:e, 1, 5)"
                ),
                {"e": event_id},
            )
    db.close()
    upgraded = closing(open_database(target))
    with upgraded.read() as conn:
        stored = {bytes(r[0]) for r in conn.execute(text("SELECT event_id FROM seen_events"))}
        if backend == "sqlite":
            without_rowid = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'seen_events'"
            ).scalar_one()
            assert "WITHOUT ROWID" in without_rowid
    assert stored == {uuid.UUID(e).bytes for e in ids}
    upgraded.close()


def test_the_file_names_give_alembics_head() -> None:
    head = ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head()
    assert newest_revision() == head


def test_an_up_to_date_database_opens_without_importing_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    target = url(tmp_path / "h.sqlite3")
    open_database(target).close()  # created and migrated
    code = (
        "import sys; from human_pretraining.store.database import open_database; "
        f"db = open_database({target!r}); db.close(); "
        "print('alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
