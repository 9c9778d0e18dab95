"""Pick the foreground and idle probes for this session, and say plainly what works.

- Windows → ``WindowsProbe``; macOS → ``MacProbe``.
- Other systems (Linux, the BSDs) depend on the session:

  - Wayland (``XDG_SESSION_TYPE=wayland``, or ``WAYLAND_DISPLAY`` without
    ``DISPLAY``): nothing is tracked. Wayland deliberately hides which window is in
    front from other apps, and XWayland's ``DISPLAY`` only sees X11 windows (and
    only their input), so using it would report wrong apps and wrong idle times.
  - X11 (``DISPLAY`` set) → ``X11Probe``; if it cannot connect, the weaker
    ``ProcessesOnlyProbe``, with the X11 error in the summary.
  - No display at all (a headless machine, an ssh session) → nothing tracked.

If a probe works but cannot measure idle time (e.g. an X server without
MIT-SCREEN-SAVER), the foreground probe is still used and idle is None.

``summary`` is one plain sentence for the status line and the log. The probes are
built through ``ProbeFactories`` so the decision table is tested without a display;
platform modules are imported only when needed (python-xlib exists only on Linux).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from human_pretraining.monitor.probes import ForegroundProbe, IdleProbe, ProbeError


class Probe(ForegroundProbe, IdleProbe, Protocol):
    """An adapter that is both a foreground and an idle probe (all the OS adapters are)."""


def _x11(display: str) -> Probe:
    from human_pretraining.monitor.x11 import X11Probe

    return X11Probe(display)


def _windows() -> Probe:
    from human_pretraining.monitor.windows import WindowsProbe

    return WindowsProbe()


def _macos() -> Probe:
    from human_pretraining.monitor.macos import MacProbe

    return MacProbe()


def _fallback() -> ForegroundProbe:
    from human_pretraining.monitor.fallback import ProcessesOnlyProbe

    return ProcessesOnlyProbe()


@dataclass(frozen=True)
class ProbeFactories:
    """How each probe is built; tests pass fakes. Builders raise ProbeError on failure."""

    x11: Callable[[str], Probe] = _x11
    windows: Callable[[], Probe] = _windows
    macos: Callable[[], Probe] = _macos
    fallback: Callable[[], ForegroundProbe] = _fallback


@dataclass(frozen=True)
class Detection:
    """The probes to sample (None: not tracked) and a sentence saying so."""

    foreground: ForegroundProbe | None
    idle: IdleProbe | None
    summary: str
    _closers: tuple[Callable[[], None], ...] = field(default=(), repr=False, compare=False)

    def close(self) -> None:
        """Release what the probes hold (the X11 display connection)."""
        for close in self._closers:
            close()


WAYLAND_REASON = (
    "not tracked — this is a Wayland session, where apps cannot see which window is in "
    "front; browser time still comes from the extension. Choose an X11 (Xorg) session "
    "at login to track apps"
)


def detect_probes(
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    factories: ProbeFactories | None = None,
) -> Detection:
    """Choose probes for this OS and session (defaults: ``os.environ``, ``sys.platform``)."""
    env = os.environ if environ is None else environ
    system = sys.platform if platform is None else platform
    build = factories or ProbeFactories()

    if system == "win32":
        return _with_fallback("Windows", build.windows, build)
    if system == "darwin":
        return _with_fallback("macOS", build.macos, build)

    display = env.get("DISPLAY", "").strip()
    wayland = env.get("WAYLAND_DISPLAY", "").strip()
    session = env.get("XDG_SESSION_TYPE", "").strip().lower()
    if session == "wayland" or (wayland and not display):
        return Detection(None, None, f"foreground apps: {WAYLAND_REASON}; idle time: unknown")
    if display:
        return _with_fallback("X11", lambda: build.x11(display), build)
    return Detection(
        None,
        None,
        "foreground apps: not tracked — no display (a headless session); idle time: unknown",
    )


def _with_fallback(label: str, make: Callable[[], Probe], build: ProbeFactories) -> Detection:
    try:
        probe = make()
    except (ProbeError, ImportError, OSError) as failure:
        return _fallback_detection(f"{label} failed: {failure}", build)
    closers = _closers(probe)
    try:
        probe.idle_seconds()
    except ProbeError as failure:
        return Detection(
            probe, None, f"foreground apps: {probe.name}; idle time: unknown ({failure})", closers
        )
    return Detection(
        probe, probe, f"foreground apps: {probe.name}; idle time: {probe.name}", closers
    )


def _fallback_detection(reason: str, build: ProbeFactories) -> Detection:
    try:
        weaker = build.fallback()
    except (ProbeError, ImportError, OSError) as failure:
        return Detection(
            None,
            None,
            f"foreground apps: not tracked ({reason}; {failure}); idle time: unknown",
        )
    return Detection(weaker, None, f"foreground apps: {weaker.name} ({reason}); idle time: unknown")


def _closers(probe: object) -> tuple[Callable[[], None], ...]:
    close = getattr(probe, "close", None)
    return (close,) if callable(close) else ()
