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

Nothing here touches the disk: directories are created only by
:meth:`Paths.ensure_dirs`, which writers call just before writing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "human-pretraining"
HOME_ENV = "HUMAN_PRETRAINING_HOME"
# Points this process at another database (e.g. a shared PostgreSQL); wins over the setting.
DATABASE_URL_ENV = "HUMAN_PRETRAINING_DATABASE_URL"
CONFIG_FILENAME = "config.toml"
DATABASE_FILENAME = "history.sqlite3"


@dataclass(frozen=True)
class Paths:
    """The resolved, absolute locations of the user's files."""

    config_file: Path
    database_file: Path
    data_dir: Path

    @property
    def config_dir(self) -> Path:
        return self.config_file.parent

    def ensure_dirs(self) -> None:
        """Create the config and data directories (and parents) if they are missing."""
        for directory in (self.config_dir, self.data_dir, self.database_file.parent):
            directory.mkdir(parents=True, exist_ok=True)


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
