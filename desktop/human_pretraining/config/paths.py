"""Where the configuration file and the history database live.

One directory holds everything when the user asks for it, either with the
``HUMAN_PRETRAINING_HOME`` environment variable or with an explicit ``home``
argument (which the CLI's global ``--home DIR`` passes; it wins over the
variable)::

    DIR/config.toml
    DIR/history.sqlite3

Otherwise the platform's conventional folders are used (via ``platformdirs``):
``user_config_dir("human-pretraining")`` for ``config.toml`` and
``user_data_dir("human-pretraining")`` for the database, e.g. on Linux
``~/.config/human-pretraining/config.toml`` and
``~/.local/share/human-pretraining/history.sqlite3``.

Nothing here touches the disk except :meth:`Paths.ensure_dirs`, which writers
call just before writing, and :meth:`Paths.make_private`, run at every start.

The history says which sites a person visits, so on POSIX the app's own folders
are ``0700`` and its files ``0600`` whatever the umask: :func:`private_dir` and
:func:`private_file` set the mode explicitly after creating, and
:meth:`Paths.make_private` repairs installs made before this rule (folders were
``0755``, files ``0644``). Only the app's own folders change, never shared parents
such as ``~/.local/share``. Windows has no such bits: there the files sit in the
per-user profile (``%LOCALAPPDATA%``), which other users cannot read.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from human_pretraining.atomic import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE

APP_NAME = "human-pretraining"
HOME_ENV = "HUMAN_PRETRAINING_HOME"
# Points this process at another database (e.g. a shared PostgreSQL); wins over the setting.
DATABASE_URL_ENV = "HUMAN_PRETRAINING_DATABASE_URL"
CONFIG_FILENAME = "config.toml"
DATABASE_FILENAME = "history.sqlite3"

# The app's own files in its folders, by name or name prefix (the SQLite files with their
# -wal/-shm/-journal, editor backups of the config). Anything else there is left alone.
_OWN_FILES = ("device-id", "pause-until", "window.ini")
_OWN_PREFIXES = (DATABASE_FILENAME, "pending-events.sqlite3", CONFIG_FILENAME)


def _chmod(path: Path, mode: int) -> None:
    """Set ``mode`` on ``path`` itself (never through a symbolic link); POSIX only."""
    if os.name != "posix" or path.is_symlink():
        return
    # A file owned by someone else (or on a file system without modes) keeps its
    # mode: the app still works, and the folder's 0700 protects it anyway.
    with contextlib.suppress(OSError):
        path.chmod(mode)


def private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) and make ``path`` itself ``0700``."""
    path.mkdir(parents=True, exist_ok=True)
    _chmod(path, PRIVATE_DIR_MODE)


def private_file(path: Path) -> None:
    """Make an existing file ``0600`` (readable and writable by its owner only)."""
    _chmod(path, PRIVATE_FILE_MODE)


@dataclass(frozen=True)
class Paths:
    """The resolved, absolute locations of the user's files."""

    config_file: Path
    database_file: Path
    data_dir: Path

    @property
    def config_dir(self) -> Path:
        return self.config_file.parent

    def _own_dirs(self) -> list[Path]:
        return list(dict.fromkeys((self.config_dir, self.data_dir, self.database_file.parent)))

    def ensure_dirs(self) -> None:
        """Create the config and data directories (and parents) if they are missing;
        the app's own folders are made private (``0700``)."""
        for directory in self._own_dirs():
            private_dir(directory)

    def make_private(self) -> None:
        """Repair an existing install: the app's folders ``0700``, its files ``0600``.

        Run at every start, before anything is read; folders that do not exist yet
        are left to :meth:`ensure_dirs`. A no-op on Windows (see the module docstring).
        """
        if os.name != "posix":
            return
        for directory in self._own_dirs():
            if not directory.is_dir() or directory.is_symlink():
                continue
            _chmod(directory, PRIVATE_DIR_MODE)
            for entry in directory.iterdir():
                name = entry.name
                if (name in _OWN_FILES or name.startswith(_OWN_PREFIXES)) and entry.is_file():
                    private_file(entry)


def resolve_paths(home: Path | None = None, *, environ: Mapping[str, str] | None = None) -> Paths:
    """Work out the paths: explicit ``home``, else ``$HUMAN_PRETRAINING_HOME``, else platform dirs.

    ``~`` is expanded and relative directories are made absolute against the
    current directory. ``environ`` defaults to :data:`os.environ` (tests may pass
    their own mapping). An empty ``HUMAN_PRETRAINING_HOME`` counts as unset.
    """
    env = os.environ if environ is None else environ
    if home is None:
        from_env = env.get(HOME_ENV, "").strip()
        if from_env:
            home = Path(from_env)
    if home is not None:
        base = home.expanduser().absolute()
        return Paths(
            config_file=base / CONFIG_FILENAME,
            database_file=base / DATABASE_FILENAME,
            data_dir=base,
        )
    config_dir = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return Paths(
        config_file=config_dir.absolute() / CONFIG_FILENAME,
        database_file=data_dir.absolute() / DATABASE_FILENAME,
        data_dir=data_dir.absolute(),
    )


def default_database_url(paths: Paths) -> str:
    """SQLAlchemy URL of the default SQLite database: ``sqlite:///`` + absolute path.

    On POSIX this gives four slashes (``sqlite:////home/me/...``); on Windows
    ``sqlite:///C:/Users/...``. Forward slashes work on every platform.
    """
    return "sqlite:///" + paths.database_file.absolute().as_posix()


def database_url(
    paths: Paths, setting: str = "", *, environ: Mapping[str, str] | None = None
) -> str:
    """The database to use: ``$HUMAN_PRETRAINING_DATABASE_URL``, else the ``database_url``
    setting, else the SQLite file beside the configuration."""
    env = os.environ if environ is None else environ
    return env.get(DATABASE_URL_ENV, "").strip() or setting or default_database_url(paths)


def chosen_home(home: Path | None) -> Path | None:
    """The home chosen for this run (``--home`` or ``HUMAN_PRETRAINING_HOME``), or None
    for the platform's default folders; autostart keeps a chosen one at login."""
    if home is None and not os.environ.get(HOME_ENV, "").strip():
        return None
    return resolve_paths(home).data_dir
