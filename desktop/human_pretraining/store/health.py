"""The health of a SQLite history: a check at start, a full check daily, rolling backups.

At start (:func:`check_at_start`) the file's header is read (a few bytes: an
emptied file, a foreign file or one cut short is caught at once), then SQLite's
``PRAGMA quick_check`` reads every page (about 0.3 s warm for a year of heavy
use, 27 MB). A damaged file raises :class:`DatabaseDamaged`, whose message says
so plainly and names the newest backup: nothing is written to it, and it is
never replaced by a new, empty history.

Once a day the running app (its background round) calls :func:`daily_care`:
the full ``PRAGMA integrity_check``, then, only if the file is sound, a copy
through SQLite's online backup API into ``backups/history-YYYYMMDD.sqlite3``
beside it (``0600``), keeping the newest :data:`KEEP_BACKUPS`. PostgreSQL keeps
its own files; none of this applies to it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

from human_pretraining.atomic import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE
from human_pretraining.store.database import (
    SQLITE_CORRUPT,
    SQLITE_FULL,
    SQLITE_IOERR,
    SQLITE_NOTADB,
    Database,
    DatabaseDamaged,
    DatabaseError,
    disk_full_error,
    no_room_beside,
)

log = logging.getLogger(__name__)

BACKUP_FOLDER = "backups"
KEEP_BACKUPS = 7
_MAGIC = b"SQLite format 3\x00"

__all__ = ["DatabaseDamaged", "backups", "check_at_start", "daily_care", "restore", "sound"]


def backup_folder(database: Path) -> Path:
    return database.parent / BACKUP_FOLDER


def backups(database: Path) -> list[Path]:
    """The backups of ``database``, oldest first (the names sort by day)."""
    folder = backup_folder(database)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{database.stem}-????????{database.suffix}"))


def damaged_error(database: Path, reason: str) -> DatabaseDamaged:
    """The plain message: what is wrong, that the file is kept, and the way back."""
    found = backups(database)
    head = f"the history in {database} is damaged ({reason}); it was left as it is"
    if not found:
        return DatabaseDamaged(
            f"{head}. There is no backup of it yet. Keep the file: SQLite's own tool "
            f"may save most of it (sqlite3 {database} .recover)."
        )
    newest = found[-1]
    return DatabaseDamaged(
        f"{head}. The newest backup is {newest}. To go back to it, quit Human "
        f"Pretraining and run: human-pretraining db restore {newest} "
        "(the damaged file is kept beside it)."
    )


def _header_problem(database: Path) -> str | None:
    """What the first 100 bytes and the size say is wrong, or None."""
    size = database.stat().st_size
    if size == 0:
        return "the file is empty"
    with database.open("rb") as file:
        header = file.read(100)
    if len(header) < 100 or not header.startswith(_MAGIC):
        return "the file does not start like a SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "its header is damaged"
    # A database file is written in whole pages only, WAL or not.
    if size % page_size:
        return f"it is {size} bytes, not a whole number of pages: it was cut short"
    pages = int.from_bytes(header[28:32], "big")
    trusted = header[24:28] == header[92:96]  # the in-header size is valid
    wal = database.with_name(database.name + "-wal")
    wal_empty = not wal.exists() or wal.stat().st_size == 0
    if trusted and wal_empty and pages * page_size > size:
        return f"it holds {size // page_size} of its {pages} pages: it was cut short"
    return None


def _check(database: Path, pragma: str) -> str | None:
    """Run ``quick_check`` or ``integrity_check`` read-only; None when it says ok.

    Only SQLite's own verdict is damage (a check that fails, "malformed", "not a
    database"); a check that cannot run (a full disk, a locked or unreadable
    file) raises instead: the file may well be sound.
    """
    try:
        with contextlib.closing(
            sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=15)
        ) as conn:
            rows = conn.execute(f"PRAGMA {pragma}(1)").fetchall()
    except sqlite3.DatabaseError as exc:
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return str(exc)
        if code == SQLITE_FULL or (code == SQLITE_IOERR and no_room_beside(database)):
            raise disk_full_error(str(database)) from exc
        raise DatabaseError(f"cannot read the history in {database}: {exc}") from exc
    first = str(rows[0][0]) if rows else "no answer"
    return None if first == "ok" else first


def sound(database: Path) -> str | None:
    """What is wrong with ``database`` by the full check (for a backup), or None."""
    return _header_problem(database) or _check(database, "integrity_check")


def check_at_start(database: Path) -> None:
    """Raise :class:`DatabaseDamaged` unless ``database`` (an existing file) looks sound."""
    reason = _header_problem(database) or _check(database, "quick_check")
    if reason is not None:
        raise damaged_error(database, reason)


def _private_copy(source: Path, target: Path) -> None:
    """An online backup of ``source`` into a new ``0600`` file, renamed into place."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    try:
        with (
            contextlib.closing(sqlite3.connect(source, timeout=15)) as src,
            contextlib.closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


_failed: dict[tuple[str, date], str] = {}  # a day's failed check is not repeated every round


def daily_care(db: Database, day: date) -> Path | None:
    """Once a day: the full integrity check, then a backup; returns the new backup.

    Cheap on every other call (one ``stat``). When the check fails, the damage
    is logged plainly and no backup is taken, so the older, sound ones stay.
    """
    database = db.file
    if database is None or not database.exists():
        return None
    folder = backup_folder(database)
    target = folder / f"{database.stem}-{day:%Y%m%d}{database.suffix}"
    if target.exists() or (str(database), day) in _failed:
        return None
    reason = _check(database, "integrity_check")
    if reason is not None:
        error = damaged_error(database, reason)
        _failed[(str(database), day)] = str(error)
        log.error("%s", error)
        return None
    folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    _private_copy(database, target)
    for old in backups(database)[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    log.info("history backed up to %s", target)
    return target


def restore(backup: Path, database: Path, now: datetime) -> Path:
    """Put ``backup`` in place of ``database`` (the app must not be running); the
    damaged file and its ``-wal``/``-shm`` are moved aside, never deleted. Returns
    where the damaged file went."""
    aside = database.with_name(f"{database.name}.damaged-{now:%Y%m%d-%H%M%S}")
    for suffix in ("", "-wal", "-shm"):
        source = database.with_name(database.name + suffix)
        if source.exists():
            source.rename(aside.with_name(aside.name + suffix))
    partial = database.with_name(f".{database.name}.partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE))
    shutil.copyfile(backup, partial)
    os.replace(partial, database)
    return aside
