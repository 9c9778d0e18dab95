"""Opening the database: engine set-up, SQLite tuning, migrations, units of work.

SQLite (the default) runs in WAL mode so readers never wait for the writer, with
a busy timeout so the GUI, the endpoint and the monitor can write from several
threads without "database is locked"; every write transaction starts with
``BEGIN IMMEDIATE`` so two writers queue on the lock instead of deadlocking on a
read-to-write upgrade. ``synchronous=NORMAL`` in WAL mode keeps every committed
transaction across a killed process (only a power cut can lose the last ones).
Any other SQLAlchemy URL (PostgreSQL, shared by several machines) is used as given;
when its server cannot be reached, every unit of work raises
:class:`DatabaseUnreachable`, whose message names the server (``host:port``).

A SQLite file holds the browsing history, so on POSIX it is ``0600`` before
SQLite first opens it (:func:`private_sqlite_file`): SQLite gives the ``-wal``
and ``-shm`` files it creates the database file's mode.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError
from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError

from human_pretraining.atomic import PRIVATE_FILE_MODE

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 15_000
# The WAL is copied back into the database and emptied once it passes this size
# (after an ingestion commit) and on every background round; without it a steady
# stream of writes with readers always present grew it past a gigabyte.
WAL_CHECKPOINT_BYTES = 8 * 1024 * 1024
# What SQLite leaves of the WAL file after a checkpoint resets it.
JOURNAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024
# A background checkpoint gives up rather than keep writers waiting long.
CHECKPOINT_BUSY_MS = 2_000


class DatabaseError(RuntimeError):
    """The database cannot be opened or upgraded; the message says why and what to do."""


class DatabaseUnreachable(DatabaseError):
    """The database server cannot be reached now; it may come back (events are buffered)."""


class DiskFull(DatabaseError):
    """The disk under the database is full: this write was not made (nothing else is lost)."""


class DatabaseDamaged(DatabaseError):
    """The history file is damaged; it is left exactly as it is."""


SQLITE_IOERR = 10
SQLITE_FULL = 13  # the primary result code (the low byte of an extended one)
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
PG_DISK_FULL = "53100"


def _sqlite_code(exc: BaseException) -> int | None:
    code = getattr(getattr(exc, "orig", exc), "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


# Less than this free beside the database: an I/O error there is the full disk
# (SQLite reports one when it cannot create or grow its -shm file).
NEARLY_FULL_BYTES = 256 * 1024


def no_room_beside(file: Path) -> bool:
    """Whether the disk holding ``file`` has (nearly) no space left."""
    try:
        return shutil.disk_usage(file.parent).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def disk_full_error(where: str) -> DiskFull:
    return DiskFull(
        f"the disk is full: {where} cannot grow, so nothing new can be saved; everything saved "
        "before is kept, and saving carries on once some space is freed"
    )


def server_address(url: URL) -> str:
    """``host:port`` of a server URL, for messages (never the password)."""
    port = url.port or {"postgresql": 5432}.get(url.get_backend_name())
    host = url.host or url.query.get("host") or "localhost"
    return f"{host}:{port}" if port else str(host)


def _lost_connection(exc: BaseException) -> bool:
    """Whether ``exc`` means "no connection to the server" (not a bad statement)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    if exc.connection_invalidated:
        return True
    # Client-side failures carry no SQLSTATE; class 08 is "connection exception" and
    # 57P01-57P03 are the server shutting down or starting up.
    state = getattr(exc.orig, "sqlstate", None)
    return state is None or state.startswith(("08", "57P"))


def unreachable_error(url: URL, exc: BaseException) -> DatabaseUnreachable:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()
    return DatabaseUnreachable(
        f"the database server at {server_address(url)} is unreachable"
        + (f" ({reason[0]})" if reason else "")
        + "; check that it is running and that database_url is right"
    )


_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_sqlite_file(path: Path) -> None:
    """Create the SQLite file ``path`` as ``0600`` if it is missing, and make it and its
    ``-wal``/``-shm``/``-journal`` files ``0600`` if they exist (older installs).

    The mode is set explicitly, whatever the umask. Nothing happens on Windows (no
    such bits; the file is in the per-user profile) or when the folder is missing
    (SQLite reports that itself). Only regular files are touched.
    """
    if os.name != "posix" or not path.parent.is_dir():
        return
    # O_CREAT without O_TRUNC: an existing database is opened, never emptied.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, PRIVATE_FILE_MODE)
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                os.fchmod(fd, PRIVATE_FILE_MODE)
        finally:
            os.close(fd)
    for suffix in _SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        with contextlib.suppress(OSError):
            if stat.S_ISREG(companion.lstat().st_mode):
                companion.chmod(PRIVATE_FILE_MODE)


def _sqlite_file(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory or URI-style database."""
    name = url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own implicit BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT_BYTES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("immediate", False)
        # On the driver connection directly: this runs once per transaction, often.
        driver = conn.connection.driver_connection
        assert driver is not None  # a live connection always has its driver connection
        driver.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


def newest_revision() -> str:
    """The head revision, read from the migration file names (each starts with its
    revision id; a test checks this agrees with Alembic's own head). An up-to-date
    database then opens without importing Alembic, a tenth of a second at start-up."""
    versions = resources.files("human_pretraining.store") / "migrations" / "versions"
    return max(
        entry.name.split("_", 1)[0]
        for entry in versions.iterdir()
        if entry.name[:1].isdigit() and entry.name.endswith(".py")
    )


def _alembic_config(url: str) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option(
        "script_location", str(resources.files("human_pretraining.store") / "migrations")
    )
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class Database:
    """One engine plus the two ways to use it: ``read()`` and ``write()`` units of work."""

    def __init__(self, url: str) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise DatabaseError(f"database_url {url!r} is not a valid database URL") from exc
        self.url = url
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        options: dict[str, Any] = {}
        self.file = _sqlite_file(parsed) if self.is_sqlite else None
        # Whether the file was there before this process: an existing file that
        # is empty was emptied (damaged), a new one is empty until it is migrated.
        self.existed = self.file is not None and self.file.exists()
        if self.is_sqlite:
            options["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
            if self.file is not None:
                private_sqlite_file(self.file)
        else:
            options["pool_pre_ping"] = True
        self.engine = create_engine(url, **options)
        if self.is_sqlite:
            _tune_sqlite(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def where(self) -> str:
        """Where the data lives, for people: the server (host:port/database) or the file."""
        url = self.engine.url
        if self.is_sqlite:
            return url.database or "memory"
        return f"{server_address(url)}/{url.database}"

    @contextlib.contextmanager
    def _reachable(self) -> Iterator[None]:
        """Turn a lost or refused server connection into :class:`DatabaseUnreachable`,
        and a full disk into :class:`DiskFull`."""
        try:
            yield
        except SQLAlchemyDatabaseError as exc:
            code = _sqlite_code(exc)
            if (
                code == SQLITE_FULL
                or getattr(exc.orig, "sqlstate", None) == PG_DISK_FULL
                or (code == SQLITE_IOERR and self.file is not None and no_room_beside(self.file))
            ):
                raise disk_full_error(self.where) from exc
            if self.file is not None and _sqlite_code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB):
                # Found while running (the start-up check passed): say so, never go on.
                from human_pretraining.store.health import damaged_error

                raise damaged_error(self.file, str(exc.orig)) from exc
            if not self.is_sqlite and _lost_connection(exc):
                raise unreachable_error(self.engine.url, exc) from exc
            raise

    def _recorded_revision(self) -> str | None:
        """The revision the database says it is at, or None (new, or not readable)."""
        try:
            with self.engine.connect() as conn:
                found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                return None if found is None else str(found)
        except SQLAlchemyDatabaseError:
            return None  # no such table yet, or a server error: the full path below decides

    def migrate(self) -> None:
        """Bring the schema to the newest revision (no-op when already there)."""
        if self._recorded_revision() == newest_revision():
            return
        from alembic import command
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = _alembic_config(self.url)
        head = ScriptDirectory.from_config(cfg).get_current_head()
        try:
            with self.engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
                conn.rollback()  # end the read's implicit transaction before migrating
                if current == head:
                    return
                log.info("upgrading database schema %s -> %s", current, head)
                with conn.begin():
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
        except SQLAlchemyDatabaseError as exc:
            if not self.is_sqlite and _lost_connection(exc):
                raise unreachable_error(self.engine.url, exc) from exc
            raise DatabaseError(
                f"cannot open the database at {self.engine.url.render_as_string()}: {exc.orig}"
            ) from exc

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only unit of work (a consistent snapshot in WAL mode)."""
        with self._reachable(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back on error."""
        with self._reachable(), self.engine.connect() as conn:
            conn = conn.execution_options(immediate=True)
            with conn.begin():
                yield conn

    @property
    def wal_file(self) -> Path | None:
        """The SQLite ``-wal`` file beside the database (None for a server or memory)."""
        return None if self.file is None else self.file.with_name(self.file.name + "-wal")

    def checkpoint(self) -> None:
        """Copy the WAL back into the database file and empty it (the background round).

        ``TRUNCATE`` waits for the readers of older snapshots and holds writers
        back while it copies, so it waits at most ``CHECKPOINT_BUSY_MS``; the copy
        itself is short because ingestion keeps the WAL under
        ``WAL_CHECKPOINT_BYTES``. When it cannot finish now, the next round does.
        """
        if self.is_sqlite:
            with self._reachable(), self.engine.connect() as conn:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={CHECKPOINT_BUSY_MS}")
                try:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                conn.commit()

    def held(self) -> HeldConnection:
        """A connection kept open for one hot, serialised writer (see HeldConnection)."""
        return HeldConnection(self.engine, self._reachable, self.wal_file)

    def close(self) -> None:
        self.engine.dispose()


class HeldConnection:
    """One connection kept checked out for a writer that commits very often (ingestion).

    Saves the pool check-out and check-in on every request. The owner serialises
    its use; after any error the connection is closed and a fresh one is opened
    for the next transaction, so a broken connection is never reused.
    """

    def __init__(
        self,
        engine: Engine,
        reachable: Callable[[], contextlib.AbstractContextManager[None]],
        wal_file: Path | None = None,
    ) -> None:
        self._engine = engine
        self._reachable = reachable
        self._wal_file = wal_file
        self._conn: Connection | None = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self._reachable():
            with self._transaction() as conn:
                yield conn
            self._bound_wal()

    def _bound_wal(self) -> None:
        """After a commit: empty the WAL once it passes ``WAL_CHECKPOINT_BYTES``.

        One ``stat`` per commit; the checkpoint itself (a few tens of
        milliseconds for 8 MB) runs about once per 8 MB written, so only the
        request that crosses the line waits for it. It runs on a pooled
        connection: this one keeps prepared statements that would make SQLite
        refuse ("database table is locked"). The events are committed already,
        so a checkpoint that fails is logged and left to the next one.
        """
        if self._wal_file is None:
            return
        try:
            size = self._wal_file.stat().st_size
        except OSError:
            return
        if size <= WAL_CHECKPOINT_BYTES:
            return
        try:
            with self._engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.commit()
        except SQLAlchemyDatabaseError as exc:
            log.warning("WAL checkpoint after ingestion did not run: %s", exc)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Connection]:
        if self._conn is None:
            self._conn = self._engine.connect().execution_options(immediate=True)
            if self._engine.dialect.name == "sqlite":
                # Checkpointing on a request's commit stalls that request; the app's
                # background loop checkpoints instead (Database.checkpoint).
                self._conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
                self._conn.commit()
        try:
            with self._conn.begin():
                yield self._conn
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def open_database(url: str) -> Database:
    """Open (creating if needed) and migrate the database at ``url``.

    An existing SQLite file is checked first (``store.health.check_at_start``):
    a damaged one raises ``DatabaseDamaged`` and is never written to.
    """
    db = Database(url)
    if db.file is not None and db.existed:
        from human_pretraining.store.health import check_at_start  # health imports this module

        try:
            check_at_start(db.file)
        except BaseException:
            db.close()
            raise
    db.migrate()
    return db
