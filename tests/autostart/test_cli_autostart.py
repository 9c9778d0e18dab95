"""``human-pretraining autostart on|off|status``, run as a real process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.desktop_files import validate_desktop_file

EXE = (
    shutil.which("human-pretraining", path=str(Path(sys.executable).parent)) or "human-pretraining"
)


def run(*args: str, xdg: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(xdg), "HUMAN_PRETRAINING_HOME": str(home)}
    return subprocess.run([EXE, *args], capture_output=True, text=True, env=env, timeout=60)


def test_on_status_off(tmp_path: Path) -> None:
    xdg, home = tmp_path / "xdg", tmp_path / "hp home"
    entry = xdg / "autostart" / "human-pretraining.desktop"

    on = run("autostart", "on", xdg=xdg, home=home)
    assert on.returncode == 0, on.stderr
    assert on.stdout.startswith("Autostart: on\n")
    validate_desktop_file(entry)
    text = entry.read_text("utf-8")
    # The home this command used is the one the app gets at login.
    assert f'Exec={EXE} --home "{home}" gui --hidden\n' in text
    assert not home.exists()  # switching autostart creates no database or config

    status = run("autostart", "status", xdg=xdg, home=home)
    assert status.returncode == 0 and str(entry) in status.stdout
    assert "Autostart: on" in status.stdout

    off = run("autostart", "off", xdg=xdg, home=home)
    assert off.returncode == 0 and off.stdout.startswith("Autostart: off")
    assert not entry.exists()


def test_off_works_even_with_a_broken_config(tmp_path: Path) -> None:
    xdg, home = tmp_path / "xdg", tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[settings\nbroken =", "utf-8")
    assert run("autostart", "on", xdg=xdg, home=home).returncode == 0
    assert run("status", xdg=xdg, home=home).returncode == 2  # the config really is broken
    assert run("autostart", "off", xdg=xdg, home=home).returncode == 0
    assert not (xdg / "autostart" / "human-pretraining.desktop").exists()


def test_an_unwritable_place_is_one_clear_line_and_status_2(tmp_path: Path) -> None:
    xdg = tmp_path / "not-a-folder"
    xdg.write_text("a file where the config folder should be")
    result = run("autostart", "on", xdg=xdg, home=tmp_path / "home")
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot write ")
    assert "autostart/human-pretraining.desktop" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert xdg.read_text() == "a file where the config folder should be"


def test_a_wrong_action_is_a_usage_error(tmp_path: Path) -> None:
    result = run("autostart", "maybe", xdg=tmp_path, home=tmp_path / "home")
    assert result.returncode == 2 and "invalid choice" in result.stderr
