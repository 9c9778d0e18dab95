"""The weaker, psutil-only probe, and the per-process facts every adapter shares.

``ProcessesOnlyProbe`` is what ``detect`` falls back to when no window probe works
(for example ``$DISPLAY`` is set but the X server refuses us). Without a window
system there is no way to know which window is in front, so it *guesses*: among
the current user's processes whose name is a known interactive app (browsers,
editors, IDEs, chat, office), the one that used the most CPU since the previous
call is reported. That is clearly weaker than a real probe — a video playing in a
background browser beats the editor in front — which is why its name says so and
why it reports nothing when no known app is busy. It cannot know idle time at all.

``ProcessInfoCache`` remembers a process's name and executable per pid (keyed also
by the process start time, so a reused pid is looked up afresh); the X11, Windows
and macOS adapters use it to keep a 1 Hz sampler cheap.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import psutil

from human_pretraining.monitor.probes import BROWSERS, Foreground, ProbeError

# Normalised (lower case, no ".exe") names of apps a person works or plays in.
INTERACTIVE_APPS = BROWSERS | frozenset(
    {
        "code", "codium", "code-oss", "cursor", "pycharm", "pycharm64", "idea", "idea64",
        "clion", "goland", "webstorm", "rider", "android-studio", "studio64", "sublime_text",
        "emacs", "gvim", "nvim-qt", "neovide", "kate", "gedit", "gnome-text-editor", "zed",
        "notepad", "notepad++", "xcode", "devenv", "obsidian", "logseq", "notion",
        "soffice", "soffice.bin", "winword", "excel", "powerpnt", "microsoft word",
        "microsoft excel", "microsoft powerpoint", "pages", "numbers", "keynote",
        "libreoffice", "thunderbird", "outlook", "evolution", "mail", "slack", "discord",
        "telegram", "telegram-desktop", "signal", "signal-desktop", "teams", "ms-teams",
        "zoom", "spotify", "steam", "vlc", "mpv", "gimp", "inkscape", "krita", "blender",
        "figma", "terminal", "iterm2", "gnome-terminal-server", "konsole", "alacritty",
        "kitty", "wezterm-gui", "windowsterminal", "google chrome", "microsoft edge",
        "brave browser",
    }
)  # fmt: skip


def normalise_name(name: str) -> str:
    """Lower case without a Windows ".exe" suffix: the form ``INTERACTIVE_APPS`` uses."""
    return name.lower().removesuffix(".exe")


@dataclass(frozen=True)
class ProcessInfo:
    """What psutil says about one process: its name and (if readable) executable path."""

    name: str
    exe: str | None


class ProcessInfoCache:
    """Process name and exe per pid, cached; a reused pid (new start time) is re-read.

    Checking the start time costs one ``psutil.Process(pid)`` (~10 µs on Linux);
    reading name and exe again each second would cost several times that.
    """

    def __init__(self, limit: int = 256) -> None:
        self._limit = limit
        self._entries: dict[int, tuple[float, ProcessInfo]] = {}

    def get(self, pid: int) -> ProcessInfo | None:
        """The process's facts, or None when it is gone or cannot be read."""
        if pid <= 0:
            return None
        try:
            process = psutil.Process(pid)
            started = process.create_time()
        except (psutil.Error, OSError):
            return None
        cached = self._entries.get(pid)
        if cached is not None and cached[0] == started:
            return cached[1]
        try:
            name = process.name()
        except (psutil.Error, OSError):
            return None
        try:
            exe: str | None = process.exe() or None
        except (psutil.Error, OSError):
            exe = None  # e.g. another user's or an elevated process: the name still helps
        info = ProcessInfo(name=name, exe=exe)
        self._entries.pop(pid, None)
        self._entries[pid] = (started, info)
        while len(self._entries) > self._limit:
            del self._entries[next(iter(self._entries))]  # the oldest entry
        return info


class ProcessesOnlyProbe:
    """Guesses the app in use from CPU activity of known interactive apps (weaker).

    Each call reports the known app (summed over its processes) that used the most
    CPU since the previous call, if that is at least ``min_cpu_percent``; else None.
    The list of the user's processes is rescanned every ``rescan_seconds`` only, so
    a call costs a CPU-time read per tracked process. The first call returns None
    (there is no previous sample to compare with).
    """

    name = "processes only (weaker)"

    def __init__(
        self,
        apps: Iterable[str] = INTERACTIVE_APPS,
        *,
        rescan_seconds: float = 10.0,
        min_cpu_percent: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._apps = frozenset(normalise_name(app) for app in apps)
        self._rescan_seconds = rescan_seconds
        self._min_cpu_percent = min_cpu_percent
        self._clock = clock
        self._last_scan = -math.inf
        self._tracked: dict[int, tuple[str, psutil.Process]] = {}  # pid -> (name, process)

    def foreground(self) -> Foreground | None:
        now = self._clock()
        if now - self._last_scan >= self._rescan_seconds:
            self._rescan()
            self._last_scan = now
        totals: dict[str, float] = {}
        busiest: dict[str, tuple[float, str, psutil.Process]] = {}
        for pid, (name, process) in list(self._tracked.items()):
            try:
                share = process.cpu_percent(None)
            except (psutil.Error, OSError):
                del self._tracked[pid]
                continue
            key = normalise_name(name)
            totals[key] = totals.get(key, 0.0) + share
            if key not in busiest or share > busiest[key][0]:
                busiest[key] = (share, name, process)
        if not totals:
            return None
        top = max(totals, key=lambda key: totals[key])
        if totals[top] < self._min_cpu_percent:
            return None
        _, name, process = busiest[top]
        try:
            exe: str | None = process.exe() or None
        except (psutil.Error, OSError):
            exe = None
        return Foreground(app=name, exe=exe, pid=process.pid)

    def idle_seconds(self) -> float:
        raise ProbeError("idle time unknown: no window system probe is available")

    def _rescan(self) -> None:
        try:
            user = psutil.Process().username()
        except (psutil.Error, OSError) as error:
            raise ProbeError(f"cannot list processes: {error}") from error
        seen: set[int] = set()
        for process in psutil.process_iter(["name", "username"]):
            info = process.info
            name = info.get("name")
            if not name or info.get("username") != user:
                continue
            if normalise_name(name) not in self._apps:
                continue
            seen.add(process.pid)
            known = self._tracked.get(process.pid)
            if known is not None and known[1].is_running():
                continue
            try:
                process.cpu_percent(None)  # the first reading only primes the counter
            except (psutil.Error, OSError):
                continue
            self._tracked[process.pid] = (name, process)
        for pid in set(self._tracked) - seen:
            del self._tracked[pid]
