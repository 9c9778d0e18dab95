"""Where the config file and database live: HUMAN_PRETRAINING_HOME, --home, platform dirs."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import platformdirs
import pytest
from sqlalchemy.engine import make_url

from human_pretraining import contracts
from human_pretraining.config.paths import (
    APP_NAME,
    HOME_ENV,
    Paths,
    default_database_url,
    resolve_paths,
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "hp-home"
    monkeypatch.setenv(HOME_ENV, str(directory))
    return directory


def test_env_var_puts_config_and_database_in_one_directory(home: Path) -> None:
    paths = resolve_paths()
    assert paths.config_file == home / "config.toml"
    assert paths.database_file == home / "history.sqlite3"
    assert paths.data_dir == home
    assert paths.config_dir == home


def test_explicit_home_wins_over_env_var(home: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    paths = resolve_paths(other)
    assert paths.config_file == other / "config.toml"
    assert paths.database_file == other / "history.sqlite3"


def test_resolving_creates_nothing_until_ensure_dirs(home: Path) -> None:
    paths = resolve_paths()
    assert not home.exists()
    paths.ensure_dirs()
    assert home.is_dir()
    paths.ensure_dirs()  # idempotent


def test_relative_and_tilde_homes_become_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_paths(Path("rel")).config_file == tmp_path / "rel" / "config.toml"
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "user"))
    assert resolve_paths(Path("~/hp")).data_dir == tmp_path / "user" / "hp"


def test_without_home_the_platform_dirs_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HOME_ENV, raising=False)
    paths = resolve_paths()
    config_dir = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    assert paths.config_file == config_dir.absolute() / "config.toml"
    assert paths.database_file == data_dir.absolute() / "history.sqlite3"
    assert paths.data_dir == data_dir.absolute()


def test_empty_env_var_counts_as_unset(tmp_path: Path) -> None:
    paths = resolve_paths(environ={HOME_ENV: "  "})
    assert paths.config_file.name == "config.toml"
    assert APP_NAME in str(paths.config_file)
    custom = resolve_paths(environ={HOME_ENV: str(tmp_path)})
    assert custom.config_file == tmp_path / "config.toml"


def test_default_database_url_is_absolute_sqlite(tmp_path: Path) -> None:
    paths = Paths(tmp_path / "c.toml", tmp_path / "db" / "history.sqlite3", tmp_path / "db")
    url = default_database_url(paths)
    assert url.startswith("sqlite:///")
    parsed = make_url(url)
    assert parsed.drivername == "sqlite"
    assert parsed.database is not None
    assert Path(parsed.database) == tmp_path / "db" / "history.sqlite3"


def test_shared_path_falls_back_to_the_source_tree() -> None:
    default = contracts.shared_path("default-config.toml")
    assert default.is_file()
    assert default.parent.name in ("shared", "_shared")


def test_shared_path_prefers_the_packaged_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "human_pretraining"
    (package / "_shared").mkdir(parents=True)
    monkeypatch.setattr(importlib.resources, "files", lambda name: package)
    assert contracts.shared_path("a", "b.json") == package / "_shared" / "a" / "b.json"
