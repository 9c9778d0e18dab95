"""The command an autostart entry launches matches how the app was installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from human_pretraining.autostart.command import icon_path, launch_command


def only(*paths: str):  # type: ignore[no-untyped-def]
    return lambda path: path in paths


def test_a_bundle_starts_its_own_executable() -> None:
    exe = "/opt/Human Pretraining/human-pretraining"
    assert launch_command(("--home", "/d"), executable=exe, frozen=True, platform="linux") == (
        exe,
        "--home",
        "/d",
    )
    mac = "/Applications/Human Pretraining.app/Contents/MacOS/human-pretraining"
    assert launch_command((), executable=mac, frozen=True, platform="darwin") == (mac,)


def test_a_windows_bundle_starts_its_console_less_twin() -> None:
    exe = r"C:\Users\ann\AppData\Local\Programs\Human Pretraining\human-pretraining.exe"
    twin = r"C:\Users\ann\AppData\Local\Programs\Human Pretraining\human-pretrainingw.exe"
    assert launch_command((), executable=exe, frozen=True, platform="win32", exists=only(twin)) == (
        twin,
    )
    # An older bundle without the twin: the executable itself.
    assert launch_command((), executable=exe, frozen=True, platform="win32", exists=only()) == (
        exe,
    )


def test_a_pip_install_starts_the_console_script() -> None:
    python = "/home/ann/.local/pipx/venvs/human-pretraining/bin/python"
    script = "/home/ann/.local/pipx/venvs/human-pretraining/bin/human-pretraining"
    assert launch_command(
        (), executable=python, frozen=False, platform="linux", exists=only(script)
    ) == (script,)


def test_pip_on_windows_uses_pythonw_so_no_console_opens_at_login() -> None:
    python = r"C:\venv\Scripts\python.exe"
    pythonw = r"C:\venv\Scripts\pythonw.exe"
    script = r"C:\venv\Scripts\human-pretraining.exe"
    assert launch_command(
        (), executable=python, frozen=False, platform="win32", exists=only(pythonw, script)
    ) == (pythonw, "-m", "human_pretraining")
    assert launch_command(
        (), executable=python, frozen=False, platform="win32", exists=only(script)
    ) == (script,)


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_a_source_tree_runs_the_module(platform: str) -> None:
    python = r"C:\Python311\python.exe" if platform == "win32" else "/usr/bin/python3"
    assert launch_command(
        ("--home", "/d"), executable=python, frozen=False, platform=platform, exists=only()
    ) == (python, "-m", "human_pretraining", "--home", "/d")


def test_a_venv_interpreter_symlink_is_not_resolved(tmp_path: Path) -> None:
    venv_python = tmp_path / "venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    venv_python.symlink_to("/usr/bin/python3")
    (venv_python.parent / "human-pretraining").write_text("#!/bin/sh\n")
    assert launch_command((), executable=str(venv_python), frozen=False, platform="linux") == (
        str(venv_python.parent / "human-pretraining"),
    )


def test_the_icon_ships_inside_the_package() -> None:
    icon = icon_path()
    assert icon.is_file()
    assert icon.parent.parent.name == "human_pretraining"
    assert (icon.parent / "icon-256.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
