"""The small interface every platform's foreground and idle probe implements.

Adapters live in ``x11.py`` (Linux X11, tested for real on Xvfb), ``windows.py``
and ``macos.py`` (their pure parsing/mapping parts are tested here; the OS calls
cannot run on Linux), and ``fallback.py`` (psutil only, clearly weaker).
``detect.py`` picks the adapter for the running session and says plainly what
is and is not tracked when none works (e.g. Wayland).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# Process names (normalised: lower case, no ".exe") of web browsers. While one is in
# front its time belongs to the site the extension reports (see core.timeline).
BROWSERS = frozenset(
    {
        "firefox", "firefox-esr", "librewolf", "waterfox", "chrome", "google-chrome",
        "chromium", "chromium-browser", "msedge", "microsoft-edge", "brave", "brave-browser",
        "opera", "vivaldi", "vivaldi-bin", "safari", "arc", "zen", "floorp", "firefox-bin",
        # macOS reports display names
        "google chrome", "microsoft edge", "brave browser", "firefox developer edition",
    }
)  # fmt: skip


class ProbeError(Exception):
    """A probe failed this time (it will be retried); the message says why."""


@dataclass(frozen=True)
class Foreground:
    """The application in front: what the rules match on.

    ``app`` is the name the OS reports (process name, or WM_CLASS when there is no
    pid); ``title`` is the window title (kept only if the user opted in).
    """

    app: str
    exe: str | None = None
    pid: int | None = None
    title: str | None = None

    @property
    def is_browser(self) -> bool:
        name = self.app.lower().removesuffix(".exe")
        return name in BROWSERS


class ForegroundProbe(Protocol):
    """Which application is in front right now (None: nothing focused)."""

    name: str  # e.g. "X11", "Windows", "macOS", "processes only (weaker)"

    def foreground(self) -> Foreground | None: ...


class IdleProbe(Protocol):
    """Seconds since the last keyboard or mouse input."""

    name: str

    def idle_seconds(self) -> float: ...
