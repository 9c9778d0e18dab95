"""Linux autostart: a real entry in a temporary XDG config folder, on and off again.

The written file is checked by desktop-file-validate, and the Exec quoting
round-trips for paths with spaces, quotes, dollars, backslashes and percent signs.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from human_pretraining import autostart
from human_pretraining.autostart.linux import (
    XdgAutostart,
    autostart_dir,
    desktop_entry,
    exec_line,
    parse_exec,
    read_entry,
)
from tests.desktop_files import validate_desktop_file


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "xdg-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


def test_on_status_off_round_trip(xdg: Path) -> None:
    entry = xdg / "autostart" / "human-pretraining.desktop"
    assert not autostart.status().enabled

    on = autostart.enable()
    assert entry.is_file()
    validate_desktop_file(entry)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o644
    assert on.enabled and on.location == str(entry)
    assert on.command == autostart.this_command()
    assert not on.stale and not on.other_install

    again = autostart.status()
    assert again == on
    keys = read_entry(entry.read_text("utf-8"))
    assert keys["TryExec"] == autostart.this_command()[0]
    assert Path(keys["Icon"]).name == "icon.svg" and Path(keys["Icon"]).is_file()

    off = autostart.disable()
    assert not entry.exists()
    assert not off.enabled
    assert list((xdg / "autostart").iterdir()) == []  # no temporary files left behind
    assert not autostart.disable().enabled  # off twice is fine


def test_the_entry_starts_this_installation() -> None:
    # In the test venv the console script sits next to the interpreter.
    command = autostart.this_command(("--home", "/data dir"))
    assert command[0] == str(Path(sys.executable).absolute().parent / "human-pretraining")
    assert command[1:] == ("--home", "/data dir")


def test_on_keeps_the_chosen_arguments_and_replaces_an_old_entry(xdg: Path, tmp_path: Path) -> None:
    backend = XdgAutostart(os.environ, Path.home(), "human-pretraining")
    backend.write([str(tmp_path / "old copy" / "human-pretraining")])
    stale = autostart.status(backend)
    assert stale.enabled and stale.stale
    assert "missing" in stale.describe()

    fresh = autostart.enable(("--home", str(tmp_path / "my data")), backend)
    assert not fresh.stale
    assert fresh.command == (*autostart.this_command(), "--home", str(tmp_path / "my data"))
    validate_desktop_file(backend.path)


def test_an_entry_of_another_existing_install_is_reported(xdg: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "human-pretraining"
    other.parent.mkdir()
    other.write_text("#!/bin/sh\n")
    backend = XdgAutostart(os.environ, Path.home(), "human-pretraining")
    backend.write([str(other)])
    found = autostart.status(backend)
    assert found.enabled and not found.stale and found.other_install
    assert "another installation" in found.describe()


def test_switched_off_in_the_desktop_settings_counts_as_off(xdg: Path) -> None:
    autostart.enable()
    entry = xdg / "autostart" / "human-pretraining.desktop"
    entry.write_text(entry.read_text("utf-8") + "Hidden=true\n", "utf-8")
    assert not autostart.status().enabled
    autostart.disable()
    assert not entry.exists()


def test_a_damaged_entry_is_reported_and_on_repairs_it(xdg: Path) -> None:
    entry = xdg / "autostart" / "human-pretraining.desktop"
    entry.parent.mkdir(parents=True)
    entry.write_text('[Desktop Entry]\nExec="/opt/unterminated\n', "utf-8")
    broken = autostart.status()
    assert broken.problem and "unterminated" in broken.problem
    assert "broken entry" in broken.describe()
    assert autostart.enable().enabled
    validate_desktop_file(entry)


def test_xdg_config_home_rules(tmp_path: Path) -> None:
    home = tmp_path / "me"
    assert autostart_dir({}, home) == home / ".config" / "autostart"
    assert autostart_dir({"XDG_CONFIG_HOME": ""}, home) == home / ".config" / "autostart"
    assert autostart_dir({"XDG_CONFIG_HOME": "rel"}, home) == home / ".config" / "autostart"
    assert autostart_dir({"XDG_CONFIG_HOME": "/x/y"}, home) == Path("/x/y/autostart")


AWKWARD = [
    ("/opt/human-pretraining/human-pretraining",),
    ("/home/ann/My Apps/human-pretraining", "--home", "/home/ann/Pretraining data"),
    ("/opt/a$b/`x`/human-pretraining", "--home", 'C:\\dir "quoted"'),
    ("/opt/100%/hp", "--home", "/tmp/50% off", ""),
    ("/opt/hp", "it's;a&b|c<d>e~f*g?h#i(j)k"),
]


@pytest.mark.parametrize("command", AWKWARD)
def test_exec_quoting_round_trips(command: tuple[str, ...]) -> None:
    assert parse_exec(exec_line(command)) == command


@pytest.mark.parametrize("command", AWKWARD)
def test_entries_with_awkward_paths_are_valid(command: tuple[str, ...], tmp_path: Path) -> None:
    path = tmp_path / "human-pretraining.desktop"
    path.write_text(desktop_entry(command, "human-pretraining"), "utf-8")
    validate_desktop_file(path)
    assert parse_exec(read_entry(path.read_text("utf-8"))["Exec"]) == command


def test_exec_quoting_follows_the_spec() -> None:
    # A literal backslash in a quoted argument is four backslashes in the file.
    assert exec_line(["/a b/hp", "x\\y"]) == '"/a b/hp" "x\\\\\\\\y"'
    assert exec_line(["/hp", "$HOME"]) == '/hp "\\\\$HOME"'
    assert exec_line(["/hp", "50%"]) == "/hp 50%%"
    with pytest.raises(ValueError, match="line break"):
        exec_line(["/hp", "a\nb"])
