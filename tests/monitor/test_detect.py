"""Choosing probes: the decision table with fake environments, platforms and probes,
the real default factories where they fail on this machine, and the weaker
processes-only probe with a real busy process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from human_pretraining.monitor.detect import (
    WAYLAND_REASON,
    Detection,
    Probe,
    ProbeFactories,
    detect_probes,
)
from human_pretraining.monitor.fallback import ProcessesOnlyProbe, ProcessInfoCache
from human_pretraining.monitor.probes import Foreground, ForegroundProbe, ProbeError
from tests.conftest import wait_until


@dataclass
class FakeProbe:
    name: str
    idle_error: str | None = None
    closed: bool = False

    def foreground(self) -> Foreground | None:
        return None

    def idle_seconds(self) -> float:
        if self.idle_error is not None:
            raise ProbeError(self.idle_error)
        return 0.0

    def close(self) -> None:
        self.closed = True


@dataclass
class Fakes:
    """Probe builders that record their calls; ``failing`` names the ones that raise."""

    failing: set[str] = field(default_factory=set)
    idle_error: str | None = None
    calls: list[str] = field(default_factory=list)
    built: list[FakeProbe] = field(default_factory=list)

    def _build(self, kind: str, name: str) -> FakeProbe:
        self.calls.append(kind)
        if kind in self.failing:
            raise ProbeError(f"{kind} is broken")
        probe = FakeProbe(name, idle_error=self.idle_error)
        self.built.append(probe)
        return probe

    def x11(self, display: str) -> Probe:
        return self._build(f"x11 {display}", "X11")

    def windows(self) -> Probe:
        return self._build("windows", "Windows")

    def macos(self) -> Probe:
        return self._build("macos", "macOS")

    def fallback(self) -> ForegroundProbe:
        return self._build("fallback", "processes only (weaker)")

    def factories(self) -> ProbeFactories:
        return ProbeFactories(
            x11=self.x11, windows=self.windows, macos=self.macos, fallback=self.fallback
        )


def detect(
    environ: dict[str, str], platform: str, fakes: Fakes | None = None
) -> tuple[Detection, Fakes]:
    used = fakes or Fakes()
    return detect_probes(environ, platform, used.factories()), used


WAYLAND = f"foreground apps: {WAYLAND_REASON}; idle time: unknown"
HEADLESS = "foreground apps: not tracked — no display (a headless session); idle time: unknown"


@pytest.mark.parametrize(
    ("platform", "environ", "calls", "summary"),
    [
        ("win32", {}, ["windows"], "foreground apps: Windows; idle time: Windows"),
        ("win32", {"DISPLAY": ":0"}, ["windows"], "foreground apps: Windows; idle time: Windows"),
        ("darwin", {}, ["macos"], "foreground apps: macOS; idle time: macOS"),
        ("linux", {"DISPLAY": ":0"}, ["x11 :0"], "foreground apps: X11; idle time: X11"),
        (
            "linux", {"DISPLAY": ":1", "XDG_SESSION_TYPE": "x11"}, ["x11 :1"],
            "foreground apps: X11; idle time: X11",
        ),
        # An X session that also runs a nested Wayland compositor is still X11.
        (
            "linux", {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-1", "XDG_SESSION_TYPE": "x11"},
            ["x11 :0"], "foreground apps: X11; idle time: X11",
        ),
        ("freebsd14", {"DISPLAY": ":0"}, ["x11 :0"], "foreground apps: X11; idle time: X11"),
        # Wayland: XWayland's DISPLAY would only show X11 windows; nothing is tracked.
        ("linux", {"WAYLAND_DISPLAY": "wayland-0"}, [], WAYLAND),
        (
            "linux", {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0",
                      "XDG_SESSION_TYPE": "wayland"}, [], WAYLAND,
        ),
        ("linux", {"DISPLAY": ":0", "XDG_SESSION_TYPE": "Wayland"}, [], WAYLAND),
        # Headless: no display at all (blank values count as unset).
        ("linux", {}, [], HEADLESS),
        ("linux", {"DISPLAY": "  ", "WAYLAND_DISPLAY": ""}, [], HEADLESS),
        ("linux", {"XDG_SESSION_TYPE": "tty"}, [], HEADLESS),
    ],
)  # fmt: skip
def test_decision_table(
    platform: str, environ: dict[str, str], calls: list[str], summary: str
) -> None:
    detection, fakes = detect(environ, platform)
    assert fakes.calls == calls
    assert detection.summary == summary
    if calls:
        assert detection.foreground is fakes.built[0]
        assert detection.idle is fakes.built[0]
    else:
        assert detection.foreground is None
        assert detection.idle is None


@pytest.mark.parametrize(
    ("platform", "environ", "label", "first_call"),
    [
        ("linux", {"DISPLAY": ":0"}, "X11", "x11 :0"),
        ("win32", {}, "Windows", "windows"),
        ("darwin", {}, "macOS", "macos"),
    ],
)
def test_a_failing_probe_falls_back_to_the_weaker_one(
    platform: str, environ: dict[str, str], label: str, first_call: str
) -> None:
    detection, fakes = detect(environ, platform, Fakes(failing={first_call}))
    assert fakes.calls == [first_call, "fallback"]
    assert detection.foreground is fakes.built[0]
    assert detection.idle is None
    assert detection.summary == (
        f"foreground apps: processes only (weaker) ({label} failed: {first_call} is broken); "
        "idle time: unknown"
    )


def test_when_even_the_fallback_fails_nothing_is_tracked() -> None:
    detection, _ = detect({"DISPLAY": ":0"}, "linux", Fakes(failing={"x11 :0", "fallback"}))
    assert detection.foreground is None
    assert detection.idle is None
    assert detection.summary == (
        "foreground apps: not tracked (X11 failed: x11 :0 is broken; fallback is broken); "
        "idle time: unknown"
    )


def test_a_probe_without_idle_time_still_tracks_apps() -> None:
    detection, fakes = detect({"DISPLAY": ":0"}, "linux", Fakes(idle_error="no screensaver"))
    assert detection.foreground is fakes.built[0]
    assert detection.idle is None
    assert detection.summary == "foreground apps: X11; idle time: unknown (no screensaver)"


def test_close_releases_the_probes() -> None:
    detection, fakes = detect({"DISPLAY": ":0"}, "linux")
    detection.close()
    assert fakes.built[0].closed


def test_the_environment_defaults_to_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":7")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    fakes = Fakes()
    detect_probes(platform="linux", factories=fakes.factories())
    assert fakes.calls == ["x11 :7"]


# -- the real default factories, where they cannot work on this machine --------------


@pytest.mark.parametrize(
    ("platform", "reason"),
    [
        ("win32", "Windows failed: the Windows probe only runs on Windows"),
        ("darwin", "macOS failed: the macOS probe only runs on macOS"),
    ],
)
def test_the_other_systems_probes_fall_back_here(platform: str, reason: str) -> None:
    detection = detect_probes({}, platform)
    assert isinstance(detection.foreground, ProcessesOnlyProbe)
    assert detection.idle is None
    assert detection.summary == (
        f"foreground apps: processes only (weaker) ({reason}); idle time: unknown"
    )


def test_an_x_display_that_does_not_answer_falls_back() -> None:
    number = next(
        n for n in range(150, 400) if not Path(f"/tmp/.X11-unix/X{n}").exists()
    )  # fmt: skip
    detection = detect_probes({"DISPLAY": f":{number}"}, "linux")
    assert isinstance(detection.foreground, ProcessesOnlyProbe)
    assert detection.summary.startswith(
        f"foreground apps: processes only (weaker) (X11 failed: cannot open X display :{number}"
    )


# -- the weaker probe and the process cache --------------------------------------------


@pytest.fixture
def busy_app(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A CPU-bound process with a name of its own (a symlink to the interpreter)."""
    link = tmp_path / "hpbusyapp"
    link.symlink_to(os.path.realpath(sys.executable))
    process = subprocess.Popen(
        [str(link), "-c", "while True: pass"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield process
    finally:
        process.kill()
        process.wait(5)


def test_the_processes_only_probe_reports_the_busiest_known_app(
    busy_app: subprocess.Popen[bytes],
) -> None:
    probe = ProcessesOnlyProbe(apps={"hpbusyapp", "no-such-app"}, rescan_seconds=0)
    assert probe.name == "processes only (weaker)"
    assert probe.foreground() is None  # the first call only primes the CPU counters
    front = wait_until(probe.foreground, timeout=10, what="the busy app")
    assert (front.app, front.pid) == ("hpbusyapp", busy_app.pid)
    assert front.exe == psutil.Process(busy_app.pid).exe()

    busy_app.kill()
    busy_app.wait(5)
    assert probe.foreground() is None  # gone: nothing known is busy any more


def test_the_processes_only_probe_ignores_quiet_and_unknown_apps(
    busy_app: subprocess.Popen[bytes],
) -> None:
    probe = ProcessesOnlyProbe(apps={"no-such-app"}, rescan_seconds=0)
    probe.foreground()
    time.sleep(0.2)
    assert probe.foreground() is None
    quiet = ProcessesOnlyProbe(apps={"hpbusyapp"}, rescan_seconds=0, min_cpu_percent=1000.0)
    quiet.foreground()
    time.sleep(0.2)
    assert quiet.foreground() is None


def test_the_processes_only_probe_cannot_know_idle_time() -> None:
    with pytest.raises(ProbeError, match="idle time unknown"):
        ProcessesOnlyProbe().idle_seconds()


def test_process_info_cache() -> None:
    cache = ProcessInfoCache(limit=2)
    me = psutil.Process()
    info = cache.get(os.getpid())
    assert info is not None
    assert (info.name, info.exe) == (me.name(), me.exe())
    assert cache.get(os.getpid()) is info  # cached
    assert cache.get(0) is None
    assert cache.get(-5) is None

    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait(10)
    assert cache.get(finished.pid) is None  # gone

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert cache.get(os.getppid()) is not None
        assert cache.get(sleeper.pid) is not None
        # Beyond ``limit`` entries the oldest (this process) was forgotten: read afresh.
        again = cache.get(os.getpid())
        assert again == info
        assert again is not info
    finally:
        sleeper.kill()
        sleeper.wait(5)
