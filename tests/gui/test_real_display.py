"""The real app on a real X display (Xvfb + openbox): the window with real charts, the
tray where one exists (trayer), and closing behaving as each case promises.

Needs Debian's xvfb, openbox, xdotool, imagemagick and trayer, and the libraries
Qt's xcb plugin loads (``scripts/test`` installs them all).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from Xlib import X, display

from tests.conftest import wait_until
from tests.gui.test_live_app import free_port
from tests.monitor.test_x11_probe import (
    Processes,
    XServer,
    start_xvfb,
    wait_for_window_manager,
    xdg_env,
)

EXE = str(Path(sys.executable).with_name("human-pretraining"))
TITLE = "^Human Pretraining$"
TOOLS = {"import": "imagemagick", "trayer": "trayer"}


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[tuple[XServer, Processes, Path]]:
    missing = [package for tool, package in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"install {' '.join(missing)}: apt-get install -y {' '.join(missing)}")
    processes = Processes(tmp_path / "x.log")
    try:
        server = start_xvfb(processes)
        processes.start(["openbox", "--sm-disable"], {**server.env, **xdg_env(tmp_path)})
        wait_for_window_manager(server)
        yield server, processes, tmp_path
    finally:
        processes.stop_all()


def app_env(server: XServer, home: Path) -> dict[str, str]:
    return {**server.env, "QT_QPA_PLATFORM": "xcb", "HUMAN_PRETRAINING_HOME": str(home)}


def gui(port: int) -> list[str]:
    return [EXE, "gui", "--no-monitor", "--port", str(port)]


def visible_window(server: XServer, timeout: float = 20) -> int:
    return server.find_window("--onlyvisible", "--name", TITLE, timeout=timeout)


def has_visible_window(server: XServer) -> bool:
    return bool(server.search("--onlyvisible", "--name", TITLE))


def colours_on_screen(server: XServer, shot: Path) -> int:
    """How many different colours a screenshot of the whole display has (every 5th pixel)."""
    subprocess.run(["import", "-window", "root", str(shot)], env=server.env, check=True)
    image = QImage(str(shot))
    return len(
        {image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)}
    )


def tray_owned(server: XServer) -> bool:
    """Whether a system tray has taken the tray selection of screen 0."""
    connection: Any = display.Display(server.name)
    try:
        tray = connection.intern_atom("_NET_SYSTEM_TRAY_S0")
        return bool(connection.get_selection_owner(tray) != X.NONE)
    finally:
        connection.close()


def test_the_window_shows_the_dashboard_with_real_charts_and_closing_quits(
    desktop: tuple[XServer, Processes, Path],
) -> None:
    server, processes, base = desktop
    home = base / "home"
    env = app_env(server, home)
    subprocess.run([EXE, "demo", "--days", "14"], env=env, check=True, capture_output=True)
    app = processes.start(gui(free_port()), env)
    window = visible_window(server)
    # Until the charts are painted: a blank screen or a bare window has a few colours.
    shot = base / "screen.png"
    wait_until(
        lambda: colours_on_screen(server, shot) > 50,
        what="the window with its charts (the screen stayed nearly blank)",
    )

    # No tray here: closing the window quits, after saying so once.
    server.xdotool("windowactivate", "--sync", str(window))
    server.xdotool("key", "alt+F4")  # openbox closes the active window

    def notice() -> int | None:
        others = [w for w in server.search("--onlyvisible", "--name", TITLE) if w != window]
        return others[0] if others else None

    wait_until(lambda: notice() is not None)  # the one-time notice, before quitting
    assert app.poll() is None
    dialog = notice()
    server.xdotool("windowactivate", "--sync", str(dialog))
    server.xdotool("key", "Return")
    assert app.wait(20) == 0


def test_with_a_tray_closing_hides_and_a_second_start_brings_the_window_back(
    desktop: tuple[XServer, Processes, Path],
) -> None:
    server, processes, base = desktop
    processes.start(["trayer", "--edge", "top", "--SetDockType", "true"], server.env)
    wait_until(lambda: tray_owned(server), what="trayer to own the tray selection")
    env = app_env(server, base / "home")
    app = processes.start(gui(free_port()), env)
    window = visible_window(server)
    server.xdotool("windowactivate", "--sync", str(window))
    server.xdotool("key", "alt+F4")  # openbox closes the active window
    wait_until(lambda: not has_visible_window(server))
    assert app.poll() is None  # still running in the tray
    again = subprocess.run([EXE], env=env, capture_output=True, text=True, timeout=30)
    assert again.returncode == 0 and "already running" in again.stdout
    visible_window(server)
    app.terminate()
    assert app.wait(20) == 0
