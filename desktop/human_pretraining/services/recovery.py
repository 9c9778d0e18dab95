"""Going back to a backup of the history: ``human-pretraining db restore BACKUP``.

Runs without opening the history (it may be damaged). The backup is checked in
full before anything moves; the file it replaces, with its ``-wal`` and
``-shm``, is moved aside beside it, never deleted. Only the SQLite file in the
data folder is restored; a PostgreSQL server keeps its own backups.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from human_pretraining.config.paths import resolve_paths
from human_pretraining.store.database import DatabaseError
from human_pretraining.store.health import restore, sound


def restore_history(home: Path | None, backup: Path, now: datetime) -> tuple[Path, Path]:
    """Put ``backup`` in place of this installation's history; returns (history, the
    damaged file's new name). Raises :class:`DatabaseError` with the reason when
    the backup is missing or not sound (nothing is moved then)."""
    database = resolve_paths(home).database_file
    backup = backup.expanduser().resolve()
    if not backup.is_file():
        raise DatabaseError(f"there is no backup at {backup}")
    if backup == database.resolve():
        raise DatabaseError(f"{backup} is the history itself, not a backup of it")
    problem = sound(backup)
    if problem is not None:
        raise DatabaseError(f"the backup {backup} is damaged too ({problem}); nothing was moved")
    return database, restore(backup, database, now)
