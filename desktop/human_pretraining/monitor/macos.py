"""macOS adapter: the frontmost application and the idle time.

Foreground: with pyobjc's AppKit, ``NSWorkspace.sharedWorkspace().frontmostApplication()``
(name, bundle id, pid, executable; no window titles — those need the Accessibility
permission). Without pyobjc it runs ``osascript`` to ask System Events (slower,
~0.1 s, and the first run prompts for the Automation permission).

Idle: ``CGEventSourceSecondsSinceLastEventType`` if pyobjc's Quartz is importable,
else ``ioreg -c IOHIDSystem`` and its ``HIDIdleTime`` (nanoseconds).

Platform quirks:

- ``frontmostApplication`` only changes when the process's *main* run loop turns
  (NSRunningApplication properties are updated there). Inside the Qt app the event
  loop turns it; a headless process that never runs a Cocoa run loop would see a
  stale answer and should use ``MacProbe(use_appkit=False)`` (osascript) instead.
- osascript fails (rather than printing nothing) when no process is frontmost, and
  with error -1743 when the Automation permission was refused: see
  ``interpret_osascript``.

The pure parsers below run and are tested on every platform; the OS calls are only
made on darwin.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

from human_pretraining.monitor.fallback import ProcessInfoCache
from human_pretraining.monitor.probes import Foreground, ProbeError

OSASCRIPT = (
    "osascript",
    "-e",
    'tell application "System Events" to get {name, unix id} of first application process '
    "whose frontmost is true",
)
IOREG = ("ioreg", "-c", "IOHIDSystem")
_HID_IDLE = re.compile(r'"HIDIdleTime"\s*=\s*(\d+)')
_NO_FRONTMOST = ("-1719", "-1728", "Can't get", "Can\u2019t get")  # "invalid index" errors
_NOT_AUTHORISED = "-1743"
_ANY_INPUT_EVENT = 0xFFFFFFFF  # kCGAnyInputEventType
_COMBINED_SESSION_STATE = 0  # kCGEventSourceStateCombinedSessionState

# Runs a command, returning (exit code, stdout, stderr); injectable for tests.
Runner = Callable[[Sequence[str]], tuple[int, str, str]]


def parse_osascript(output: str) -> Foreground | None:
    """``"Safari, 412"`` → Foreground(app="Safari", pid=412); blank → None.

    The name may itself contain commas, so the pid is taken after the last one.
    Anything else is malformed and raises ProbeError.
    """
    text = output.strip()
    if not text:
        return None
    name, comma, pid_text = text.rpartition(",")
    name, pid_text = name.strip(), pid_text.strip()
    if not comma or not name or not pid_text.isdigit() or int(pid_text) <= 0:
        raise ProbeError(f"unexpected osascript output: {text[:200]!r}")
    return Foreground(app=name, pid=int(pid_text))


def interpret_osascript(returncode: int, stdout: str, stderr: str) -> Foreground | None:
    """The outcome of ``OSASCRIPT``: the frontmost app, None if there is none, or ProbeError."""
    if returncode == 0:
        return parse_osascript(stdout)
    if _NOT_AUTHORISED in stderr:
        raise ProbeError(
            "macOS refused access to System Events: allow it under System Settings > "
            "Privacy & Security > Automation"
        )
    if any(marker in stderr for marker in _NO_FRONTMOST):
        return None
    raise ProbeError(f"osascript failed ({returncode}): {stderr.strip()[:200]}")


def parse_hid_idle(ioreg_output: str) -> float:
    """Seconds since the last input from ``ioreg -c IOHIDSystem`` (``HIDIdleTime``, ns).

    If several HID systems are listed, the most recent input (smallest value) wins.
    """
    values = [int(match) for match in _HID_IDLE.findall(ioreg_output)]
    if not values:
        raise ProbeError("ioreg output has no HIDIdleTime")
    return min(values) / 1e9


def foreground_from_app(
    name: str | None, bundle_id: str | None, pid: int | None, exe: str | None
) -> Foreground | None:
    """An ``NSRunningApplication``'s facts as a Foreground (None: no frontmost app).

    The app is named by its localized name, else its executable's file name, else
    its bundle identifier.
    """
    if pid is not None and pid <= 0:
        pid = None
    app = (name or "").strip() or (posixpath.basename(exe) if exe else "") or (bundle_id or "")
    if not app:
        return None
    return Foreground(app=app, exe=exe or None, pid=pid)


def _run(command: Sequence[str]) -> tuple[int, str, str]:
    try:
        done = subprocess.run(list(command), capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError) as failure:
        raise ProbeError(f"could not run {command[0]}: {failure}") from failure
    return done.returncode, done.stdout, done.stderr


class MacProbe:
    """Frontmost app and idle time on macOS (raises ProbeError elsewhere).

    ``use_appkit``: None picks AppKit when pyobjc is importable, else osascript;
    True requires AppKit; False forces osascript. ``run`` and ``platform`` exist so
    the osascript/ioreg path can be exercised with canned outputs.
    """

    name = "macOS"

    def __init__(
        self,
        *,
        use_appkit: bool | None = None,
        run: Runner = _run,
        platform: str = sys.platform,
    ) -> None:
        if platform != "darwin":
            raise ProbeError("the macOS probe only runs on macOS")
        self._run = run
        self._processes = ProcessInfoCache()
        self._workspace: Any = None
        if use_appkit is not False:
            self._workspace = _appkit_workspace()
            if use_appkit and self._workspace is None:
                raise ProbeError("pyobjc (AppKit) is not installed")
        self._idle_since: Any = _quartz_idle_function() if use_appkit is not False else None

    def foreground(self) -> Foreground | None:
        if self._workspace is not None:
            try:
                app = self._workspace.frontmostApplication()
                if app is None:
                    return None
                url = app.executableURL()
                return foreground_from_app(
                    _str_or_none(app.localizedName()),
                    _str_or_none(app.bundleIdentifier()),
                    int(app.processIdentifier()),
                    _str_or_none(url.path()) if url is not None else None,
                )
            except Exception as failure:  # pyobjc surfaces Objective-C exceptions
                raise ProbeError(f"NSWorkspace failed: {failure}") from failure
        found = interpret_osascript(*self._run(OSASCRIPT))
        if found is None or found.pid is None:
            return found
        info = self._processes.get(found.pid)
        return Foreground(app=found.app, exe=info.exe if info else None, pid=found.pid)

    def idle_seconds(self) -> float:
        if self._idle_since is not None:
            try:
                return float(self._idle_since(_COMBINED_SESSION_STATE, _ANY_INPUT_EVENT))
            except Exception as failure:
                raise ProbeError(f"Quartz idle time failed: {failure}") from failure
        returncode, stdout, stderr = self._run(IOREG)
        if returncode != 0:
            raise ProbeError(f"ioreg failed ({returncode}): {stderr.strip()[:200]}")
        return parse_hid_idle(stdout)


def _str_or_none(value: Any) -> str | None:
    return str(value) if value is not None else None


def _appkit_workspace() -> Any:
    if sys.platform != "darwin":
        return None
    try:
        import AppKit  # type: ignore[import-not-found]
    except ImportError:
        return None
    return AppKit.NSWorkspace.sharedWorkspace()


def _quartz_idle_function() -> Any:
    if sys.platform != "darwin":
        return None
    try:
        import Quartz  # type: ignore[import-not-found]
    except ImportError:
        return None
    return Quartz.CGEventSourceSecondsSinceLastEventType
