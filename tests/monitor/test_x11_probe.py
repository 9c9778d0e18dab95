"""The X11 probe against a real X server: Xvfb, openbox and real windows.

Two servers: a "desktop" (Xvfb + openbox, which publishes ``_NET_ACTIVE_WINDOW``)
where xdotool activates windows, and a "bare" one with the X-Resource and
MIT-SCREEN-SAVER extensions switched off and no window manager, where the test
plays window manager itself by setting ``_NET_ACTIVE_WINDOW``; there the probe must
fall back to ``_NET_WM_PID`` and ``WM_CLASS``.

Windows: xmessage (an Xt program: ``WM_CLASS``, ``WM_NAME``, no ``_NET_WM_PID``) and
a small python-xlib window (``_NET_WM_PID``, a UTF-8 ``_NET_WM_NAME``) run as child
processes. Every process started here is stopped again, also when a test fails.
Missing programs fail the tests (CI installs them); they are never skipped.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
import timeit
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pytest
from Xlib import X, Xatom, display

from human_pretraining.monitor.detect import detect_probes
from human_pretraining.monitor.probes import Foreground, ProbeError
from human_pretraining.monitor.x11 import X11Probe
from tests.conftest import wait_until

TOOLS = ("Xvfb", "openbox", "xdotool", "xmessage")
INSTALL_HINT = (
    "install xvfb openbox xdotool x11-apps: apt-get install -y xvfb openbox xdotool x11-apps"
)
PY_TITLE = "Drittes Fenster — ünïcode ✓"

# A window that sets _NET_WM_PID and a UTF-8 _NET_WM_NAME, prints its id, and lives
# until its stdin is closed.
PY_WINDOW = f"""
import os, sys
from Xlib import X, Xatom, display
d = display.Display()
screen = d.screen()
w = screen.root.create_window(
    10, 10, 200, 100, 0, screen.root_depth, X.InputOutput, X.CopyFromParent,
    background_pixel=screen.white_pixel,
)
w.set_wm_class("probe3", "ProbePy")
w.set_wm_name("legacy title")
w.change_property(d.intern_atom("_NET_WM_NAME"), d.intern_atom("UTF8_STRING"), 8,
                  {PY_TITLE!r}.encode("utf-8"))
w.change_property(d.intern_atom("_NET_WM_PID"), Xatom.CARDINAL, 32, [os.getpid()])
w.map()
d.sync()
print(w.id, flush=True)
sys.stdin.read()
d.close()
"""


@dataclass
class Processes:
    """Child processes, stopped (newest first) and reaped by ``stop_all``."""

    log: Path
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(
        self, args: Sequence[str], env: dict[str, str], **kwargs: Any
    ) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            kwargs.setdefault("stdout", subprocess.DEVNULL)
            process = subprocess.Popen(
                list(args), env=env, stdin=kwargs.pop("stdin", subprocess.DEVNULL),
                stderr=log, **kwargs,
            )  # fmt: skip
        self.started.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()

    def stop_all(self) -> None:
        while self.started:
            self.stop(self.started.pop())


@dataclass
class XServer:
    """A running Xvfb: its display name, environment and children."""

    number: int
    processes: Processes
    xvfb: subprocess.Popen[bytes]

    @property
    def name(self) -> str:
        return f":{self.number}"

    @property
    def env(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if k not in {"WAYLAND_DISPLAY"}}
        return {**base, "DISPLAY": self.name}

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=20
        )
        assert done.returncode == 0, f"xdotool {' '.join(args)} failed: {done.stderr}"
        return done.stdout

    def search(self, *criteria: str, timeout: float = 20) -> list[int]:
        """The windows ``xdotool search`` finds with these criteria now (maybe none).

        A window that closes while xdotool walks the tree (a tooltip, a browser's
        transient window) makes it die with BadWindow: a race with the desktop, not
        an answer, so the search is repeated until one walk completes.
        """
        deadline = time.monotonic() + timeout
        while True:
            done = subprocess.run(
                ["xdotool", "search", *criteria],
                env=self.env, capture_output=True, text=True, timeout=timeout,
            )  # fmt: skip
            if "BadWindow" not in done.stderr and "X Error" not in done.stderr:
                return [int(window) for window in done.stdout.split()]
            assert time.monotonic() < deadline, f"xdotool search kept failing: {done.stderr}"
            time.sleep(0.05)

    def find_window(self, *criteria: str, timeout: float = 20) -> int:
        """The first window matching ``xdotool search`` criteria, once there is one."""
        deadline = time.monotonic() + timeout
        while not (found := self.search(*criteria, timeout=timeout)):
            assert time.monotonic() < deadline, f"no window matches {' '.join(criteria)}"
            time.sleep(0.05)
        return found[0]

    def xmessage(self, instance: str, title: str) -> tuple[subprocess.Popen[bytes], int]:
        """Start an xmessage window; returns the process and its window id."""
        process = self.processes.start(
            ["xmessage", "-name", instance, "-title", title, f"{instance} says hi"], self.env
        )
        return process, self.find_window("--classname", f"^{instance}$")

    def python_window(self) -> tuple[subprocess.Popen[bytes], int]:
        """Start the python-xlib window; returns the process and its window id."""
        process = self.processes.start(
            [sys.executable, "-c", PY_WINDOW], self.env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 20)
        line = process.stdout.readline() if ready else b""
        assert line.strip().isdigit(), f"the python window did not start: {self.log_text()}"
        return process, int(line)

    def activate(self, window_id: int) -> None:
        self.xdotool("windowactivate", "--sync", str(window_id))

    def log_text(self) -> str:
        return self.processes.log.read_text(errors="replace")[-2000:]


def require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: {INSTALL_HINT}", pytrace=False)


def start_xvfb(processes: Processes, *extra: str, number: int | None = None) -> XServer:
    """Start Xvfb (on a free display unless ``number``) and wait until it accepts clients."""
    require_tools()
    read_fd, write_fd = os.pipe()
    args = ["Xvfb", *([f":{number}"] if number is not None else [])]
    args += ["-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"]
    with processes.log.open("ab") as log:
        xvfb = subprocess.Popen(
            [*args, *extra], pass_fds=(write_fd,), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
    processes.started.append(xvfb)
    os.close(write_fd)
    try:
        written = read_line(read_fd, seconds=20)
    finally:
        os.close(read_fd)
    if not written.isdigit():
        processes.stop_all()
        pytest.fail(f"Xvfb did not start: {processes.log.read_text(errors='replace')[-2000:]}")
    return XServer(int(written), processes, xvfb)


def read_line(fd: int, seconds: float) -> str:
    """Read up to a newline. Xvfb writes the number and the newline separately, and
    dies ("Cannot write display number") if the pipe is closed in between."""
    data = b""
    deadline = time.monotonic() + seconds
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 64) if ready else b""
        if not chunk:
            break  # timed out, or Xvfb exited
        data += chunk
    return data.decode(errors="replace").strip()


def wait_for_window_manager(server: XServer) -> None:
    """Until openbox announces itself (``_NET_SUPPORTING_WM_CHECK`` on the root)."""
    connection: Any = display.Display(server.name)
    try:
        check = connection.intern_atom("_NET_SUPPORTING_WM_CHECK")
        root = connection.screen().root
        deadline = time.monotonic() + 20
        while root.get_full_property(check, X.AnyPropertyType) is None:
            assert time.monotonic() < deadline, f"openbox did not start: {server.log_text()}"
            time.sleep(0.05)
    finally:
        connection.close()


def xdg_env(base: Path) -> dict[str, str]:
    """Keep openbox's config/cache out of the real home directory."""
    return {
        "XDG_CONFIG_HOME": str(base / "config"),
        "XDG_CACHE_HOME": str(base / "cache"),
        "XDG_DATA_HOME": str(base / "data"),
    }


@dataclass
class Desktop:
    server: XServer
    first: tuple[subprocess.Popen[bytes], int]
    second: tuple[subprocess.Popen[bytes], int]
    python: tuple[subprocess.Popen[bytes], int]


@pytest.fixture(scope="module")
def desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desktop]:
    base = tmp_path_factory.mktemp("desktop")
    processes = Processes(base / "x.log")
    try:
        server = start_xvfb(processes)
        processes.start(["openbox", "--sm-disable"], {**server.env, **xdg_env(base)})
        wait_for_window_manager(server)
        yield Desktop(
            server,
            first=server.xmessage("probe1", "First window"),
            second=server.xmessage("probe2", "Second window"),
            python=server.python_window(),
        )
    finally:
        processes.stop_all()


@pytest.fixture
def probe(desktop: Desktop) -> Iterator[X11Probe]:
    with X11Probe(display=desktop.server.name) as opened:
        yield opened


def expected_for(process: subprocess.Popen[bytes], title: str) -> Foreground:
    facts = psutil.Process(process.pid)
    return Foreground(app=facts.name(), exe=facts.exe(), pid=process.pid, title=title)


# -- the desktop: openbox publishes the active window, X-Resource names the pid -------


def test_reports_each_activated_window_by_its_process(desktop: Desktop, probe: X11Probe) -> None:
    first_process, first_window = desktop.first
    second_process, second_window = desktop.second

    desktop.server.activate(first_window)
    assert probe.foreground() == Foreground(
        app="xmessage", exe=shutil.which("xmessage"), pid=first_process.pid, title="First window"
    )

    desktop.server.activate(second_window)
    assert probe.foreground() == Foreground(
        app="xmessage", exe=shutil.which("xmessage"), pid=second_process.pid, title="Second window"
    )


def test_reads_the_utf8_title_and_the_pid_of_a_window_that_sets_net_wm_pid(
    desktop: Desktop, probe: X11Probe
) -> None:
    process, window = desktop.python
    desktop.server.activate(window)
    assert probe.foreground() == expected_for(process, PY_TITLE)


def test_idle_time_follows_input(desktop: Desktop, probe: X11Probe) -> None:
    desktop.server.xdotool("mousemove", "100", "120")
    desktop.server.xdotool("mousemove", "140", "160")
    assert probe.idle_seconds() < 1.0
    wait_until(lambda: probe.idle_seconds() >= 1.0, timeout=10, what="a second without input")
    desktop.server.xdotool("mousemove", "200", "220")
    assert probe.idle_seconds() < 1.0


def test_a_window_that_closes_while_in_front_does_not_break_the_probe(
    desktop: Desktop, probe: X11Probe
) -> None:
    process, window = desktop.server.xmessage("probe-closing", "Closing window")
    desktop.server.activate(window)
    assert probe.foreground() == Foreground(
        app="xmessage", exe=shutil.which("xmessage"), pid=process.pid, title="Closing window"
    )

    desktop.server.processes.stop(process)
    deadline = time.monotonic() + 10
    while True:  # until openbox has moved the focus on, every answer is sensible
        try:
            front = probe.foreground()
        except ProbeError as failure:
            assert "closed" in str(failure)
        else:
            if front is None or front.pid != process.pid:
                break
        assert time.monotonic() < deadline, "the closed window stayed in front"
        time.sleep(0.02)
    assert probe.idle_seconds() >= 0.0  # and the connection is still fine


def test_detect_picks_x11_on_a_display_with_a_window_manager(desktop: Desktop) -> None:
    detection = detect_probes({"DISPLAY": desktop.server.name}, "linux")
    try:
        assert isinstance(detection.foreground, X11Probe)
        assert detection.idle is detection.foreground
        assert detection.summary == "foreground apps: X11; idle time: X11"
    finally:
        detection.close()


def test_a_call_costs_well_under_two_milliseconds(desktop: Desktop, probe: X11Probe) -> None:
    desktop.server.activate(desktop.second[1])
    probe.foreground()  # warm the per-pid cache, as the sampler's previous tick would
    calls = 1000
    seconds = timeit.timeit(lambda: (probe.foreground(), probe.idle_seconds()), number=calls)
    per_call_ms = seconds / calls * 1000
    print(f"X11Probe foreground() + idle_seconds(): {per_call_ms:.3f} ms per call")
    assert per_call_ms < 2.0


# -- a bare server: no window manager, no X-Resource, no MIT-SCREEN-SAVER -------------


@dataclass
class Bare:
    server: XServer
    xmessage: tuple[subprocess.Popen[bytes], int]
    python: tuple[subprocess.Popen[bytes], int]
    control: Any  # our own connection, playing window manager

    def set_active(self, window_id: int | None) -> None:
        atom = self.control.intern_atom("_NET_ACTIVE_WINDOW")
        root = self.control.screen().root
        if window_id is None:
            root.delete_property(atom)
        else:
            root.change_property(atom, Xatom.WINDOW, 32, [window_id])
        self.control.sync()


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bare]:
    base = tmp_path_factory.mktemp("bare")
    processes = Processes(base / "x.log")
    control: Any = None
    try:
        server = start_xvfb(processes, "-extension", "X-Resource", "-extension", "MIT-SCREEN-SAVER")
        control = display.Display(server.name)
        yield Bare(
            server, server.xmessage("probe1", "First window"), server.python_window(), control
        )
    finally:
        if control is not None:
            control.close()
        processes.stop_all()


def test_without_a_window_manager_nothing_is_in_front(bare: Bare) -> None:
    with X11Probe(display=bare.server.name) as probe:
        bare.set_active(None)
        assert probe.foreground() is None
        bare.set_active(0)
        assert probe.foreground() is None


def test_without_x_resource_an_xt_window_is_named_by_its_wm_class(bare: Bare) -> None:
    _, window = bare.xmessage
    bare.set_active(window)
    with X11Probe(display=bare.server.name) as probe:
        assert probe.foreground() == Foreground(app="Xmessage", title="First window")


def test_without_x_resource_net_wm_pid_names_the_process(bare: Bare) -> None:
    process, window = bare.python
    bare.set_active(window)
    with X11Probe(display=bare.server.name) as probe:
        assert probe.foreground() == expected_for(process, PY_TITLE)


def test_an_active_window_that_no_longer_exists_is_a_probe_error(bare: Bare) -> None:
    root = bare.control.screen().root
    gone = root.create_window(0, 0, 10, 10, 0, X.CopyFromParent)
    gone_id = gone.id
    gone.destroy()
    bare.set_active(gone_id)
    with X11Probe(display=bare.server.name) as probe:
        with pytest.raises(ProbeError, match="closed while it was read"):
            probe.foreground()
        bare.set_active(bare.xmessage[1])
        assert probe.foreground() == Foreground(app="Xmessage", title="First window")


def test_without_the_screen_saver_extension_idle_time_is_a_probe_error(bare: Bare) -> None:
    with (
        X11Probe(display=bare.server.name) as probe,
        pytest.raises(ProbeError, match="MIT-SCREEN-SAVER"),
    ):
        probe.idle_seconds()


def test_detect_keeps_x11_for_apps_when_idle_time_is_unavailable(bare: Bare) -> None:
    detection = detect_probes({"DISPLAY": bare.server.name}, "linux")
    try:
        assert isinstance(detection.foreground, X11Probe)
        assert detection.idle is None
        assert detection.summary.startswith("foreground apps: X11; idle time: unknown (")
        assert "MIT-SCREEN-SAVER" in detection.summary
    finally:
        detection.close()


# -- the connection -------------------------------------------------------------------


def test_a_display_that_cannot_be_opened_is_a_probe_error(tmp_path: Path) -> None:
    with pytest.raises(ProbeError, match=r"cannot open X display :\d+"):
        X11Probe(display=f":{free_display_number()}")


def test_reconnects_after_the_x_server_restarts(tmp_path: Path) -> None:
    processes = Processes(tmp_path / "x.log")
    try:
        server = start_xvfb(processes)
        with X11Probe(display=server.name) as probe:
            assert probe.foreground() is None
            assert probe.idle_seconds() >= 0.0

            processes.stop(server.xvfb)
            with pytest.raises(ProbeError, match="lost the X display connection"):
                probe.foreground()
            with pytest.raises(ProbeError, match="cannot open X display"):
                probe.idle_seconds()

            start_xvfb(processes, number=server.number)
            assert probe.foreground() is None
            assert probe.idle_seconds() >= 0.0
    finally:
        processes.stop_all()


def free_display_number() -> int:
    """A display number with no server (no lock file, no socket)."""
    for number in range(150, 400):
        if (
            not Path(f"/tmp/.X{number}-lock").exists()
            and not Path(f"/tmp/.X11-unix/X{number}").exists()
        ):
            return number
    raise AssertionError("no free X display number")
