"""Windows adapter: the foreground window's process and the idle time, via ctypes.

``GetForegroundWindow`` + ``GetWindowThreadProcessId`` give the pid of the window in
front, ``GetWindowTextW`` its title, psutil the process name and exe; the idle time
is ``GetTickCount64() - GetLastInputInfo().dwTime``.

Quirks handled by the pure functions below (tested on every platform):

- ``LASTINPUTINFO.dwTime`` is the 32-bit ``GetTickCount`` value, which wraps to 0
  every 2**32 ms (~49.7 days of uptime), while ``GetTickCount64`` does not: the
  difference is taken modulo 2**32 (``idle_from_ticks``).
- Store ("UWP") apps such as Calculator or Settings are drawn inside a frame owned
  by ``ApplicationFrameHost.exe``. The probe looks for the child window of another
  process (the real app); if there is none, the window title ("Calculator") names
  the app rather than the host (``foreground_from``).
- pid 0 (no foreground window, the secure desktop, a locked session) means nothing
  is in front.

The ctypes calls run only on Windows (they live behind ``sys.platform == "win32"``),
so this module imports, and its pure parts are tested, on Linux.
"""

from __future__ import annotations

import ntpath
import sys
from typing import Any

from human_pretraining.monitor.fallback import ProcessInfoCache
from human_pretraining.monitor.probes import Foreground, ProbeError

TICK_WRAP = 2**32  # GetTickCount (and so LASTINPUTINFO.dwTime) wraps after 2**32 ms
UWP_HOST = "applicationframehost.exe"


def idle_from_ticks(now_ticks: int, last_input_ticks: int) -> float:
    """Seconds since the last input from ``GetTickCount64()`` and ``dwTime`` (ms).

    Only the low 32 bits are compared, which is right across the wraparound. An
    input stamped a moment *after* ``now`` (the two calls are not atomic) would show
    as ~49.7 days; a difference in the upper half of the range is read as 0 instead
    (so idle spans beyond ~24.8 days are not distinguishable, which does not matter).
    """
    if now_ticks < 0 or last_input_ticks < 0:
        raise ValueError("tick counts are never negative")
    elapsed = (now_ticks - last_input_ticks) % TICK_WRAP
    if elapsed >= TICK_WRAP // 2:
        return 0.0
    return elapsed / 1000.0


def foreground_from(
    pid: int, title: str | None, process_name: str | None, exe: str | None
) -> Foreground | None:
    """What the foreground window's facts mean: None for pid 0; the UWP host is
    named by the window title; without a process name the exe's file name is used.
    """
    if pid <= 0:
        return None
    clean_title = title.strip() if title else ""
    name = process_name or (ntpath.basename(exe) if exe else "")
    if name.lower() == UWP_HOST and clean_title:
        return Foreground(app=clean_title, exe=exe, pid=pid, title=clean_title)
    if not name:
        raise ProbeError(f"cannot read the name of process {pid} owning the foreground window")
    return Foreground(app=name, exe=exe, pid=pid, title=clean_title or None)


class WindowsProbe:
    """Foreground app and idle time on Windows (raises ProbeError elsewhere)."""

    name = "Windows"

    def __init__(self) -> None:
        self._api = _WinApi()
        self._processes = ProcessInfoCache()

    def foreground(self) -> Foreground | None:
        hwnd = self._api.foreground_window()
        if not hwnd:
            return None
        pid = self._api.window_pid(hwnd)
        if pid <= 0:
            return None
        title = self._api.window_title(hwnd)
        info = self._processes.get(pid)
        if info is not None and info.name.lower() == UWP_HOST:
            app_pid = self._api.uwp_app_pid(hwnd, pid)
            app_info = self._processes.get(app_pid) if app_pid else None
            if app_pid and app_info is not None:
                pid, info = app_pid, app_info
        return foreground_from(pid, title, info.name if info else None, info.exe if info else None)

    def idle_seconds(self) -> float:
        last_input = self._api.last_input_ticks()
        return idle_from_ticks(self._api.tick_count(), last_input)


class _WinApi:
    """The user32/kernel32 calls; constructing it off Windows raises ProbeError."""

    # ctypes objects (typed Any: the Windows-only parts of ctypes are unknown elsewhere).
    _ctypes: Any
    _wintypes: Any
    _user32: Any
    _kernel32: Any
    _enum_proc: Any
    _last_input_type: Any

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise ProbeError("the Windows probe only runs on Windows")
        import ctypes
        from ctypes import wintypes

        self._ctypes = ctypes
        self._wintypes = wintypes
        user32 = ctypes.WinDLL("user32", use_last_error=True)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        user32.GetForegroundWindow.restype = wintypes.HWND
        user32.GetWindowThreadProcessId.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.DWORD)]
        user32.GetWindowThreadProcessId.restype = wintypes.DWORD
        user32.GetWindowTextLengthW.argtypes = [wintypes.HWND]
        user32.GetWindowTextLengthW.restype = ctypes.c_int
        user32.GetWindowTextW.argtypes = [wintypes.HWND, wintypes.LPWSTR, ctypes.c_int]
        user32.GetWindowTextW.restype = ctypes.c_int
        user32.GetLastInputInfo.restype = wintypes.BOOL
        kernel32.GetTickCount64.restype = ctypes.c_uint64
        self._enum_proc = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)
        user32.EnumChildWindows.argtypes = [wintypes.HWND, self._enum_proc, wintypes.LPARAM]
        user32.EnumChildWindows.restype = wintypes.BOOL
        self._user32 = user32
        self._kernel32 = kernel32

        class LastInputInfo(ctypes.Structure):
            _fields_ = (("cbSize", wintypes.UINT), ("dwTime", wintypes.DWORD))

        self._last_input_type = LastInputInfo

    def foreground_window(self) -> int:
        return int(self._user32.GetForegroundWindow() or 0)

    def window_pid(self, hwnd: int) -> int:
        pid = self._wintypes.DWORD(0)
        self._user32.GetWindowThreadProcessId(hwnd, self._ctypes.byref(pid))
        return int(pid.value)

    def window_title(self, hwnd: int) -> str:
        length = int(self._user32.GetWindowTextLengthW(hwnd))
        if length <= 0:
            return ""
        buffer = self._ctypes.create_unicode_buffer(length + 1)
        self._user32.GetWindowTextW(hwnd, buffer, length + 1)
        return str(buffer.value)

    def uwp_app_pid(self, hwnd: int, host_pid: int) -> int | None:
        """The pid of a child window owned by another process than the UWP host."""
        found: list[int] = []

        def visit(child: int, _param: int) -> bool:
            pid = self.window_pid(child)
            if pid and pid != host_pid:
                found.append(pid)
                return False  # stop enumerating
            return True

        self._user32.EnumChildWindows(hwnd, self._enum_proc(visit), 0)
        return found[0] if found else None

    def last_input_ticks(self) -> int:
        info = self._last_input_type()
        info.cbSize = self._ctypes.sizeof(info)
        if not self._user32.GetLastInputInfo(self._ctypes.byref(info)):
            code = self._ctypes.get_last_error()
            raise ProbeError(f"GetLastInputInfo failed (Windows error {code})")
        return int(info.dwTime)

    def tick_count(self) -> int:
        return int(self._kernel32.GetTickCount64())
