"""Windows: a value under the per-user Run key (``HKCU\\...\\CurrentVersion\\Run``).

Why the Run key and not the Startup folder: a Startup-folder shortcut (``.lnk``)
is a binary format that needs COM (or pywin32) to write; a ``.cmd`` launcher
there flashes a console window at every login, and ``.vbs`` launchers are blocked
or flagged by many antivirus setups. The Run key is one string in the user's own
registry hive (no administrator rights), it is listed in Task Manager's *Startup*
tab and in Settings → Apps → Startup where the user can see and switch it, and
removing it leaves nothing behind. (If the user switched the entry off there,
Windows keeps that choice in ``...\\Explorer\\StartupApproved\\Run``; this module
leaves that choice alone.)

The value is the command line in Windows quoting (:func:`run_value`,
``subprocess.list2cmdline``) and :func:`parse_command_line` reads it back with
the Microsoft C runtime's rules; both are pure and tested on every platform. The
registry calls sit behind the small :class:`Registry` interface; the real one
(:class:`WinRegistry`, ``winreg``) exists only on Windows.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

from human_pretraining.autostart.files import AutostartError

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
VALUE_NAME = "Human Pretraining"
LOCATION = rf"HKEY_CURRENT_USER\{RUN_KEY}\{VALUE_NAME}"


def run_value(command: Sequence[str]) -> str:
    """The Run value's data: the command line, quoted the way Windows programs parse it."""
    if not command:
        raise ValueError("an empty command")
    return subprocess.list2cmdline(list(command))


def parse_command_line(line: str) -> tuple[str, ...]:
    """Split a Windows command line (the C runtime's rules, as ``list2cmdline`` writes).

    ``2n`` backslashes before ``"`` are ``n`` backslashes and a quote toggle,
    ``2n+1`` are ``n`` backslashes and a literal quote; other backslashes are literal.
    """
    args: list[str] = []
    current: list[str] = []
    started = quoted = False
    i = 0
    while i < len(line):
        c = line[i]
        if c == "\\":
            run = 0
            while i < len(line) and line[i] == "\\":
                run += 1
                i += 1
            if i < len(line) and line[i] == '"':
                current.append("\\" * (run // 2))
                if run % 2:
                    current.append('"')
                else:
                    quoted = not quoted
                i += 1
            else:
                current.append("\\" * run)
            started = True
            continue
        if c == '"':
            quoted = not quoted
            started = True
        elif c in " \t" and not quoted:
            if started:
                args.append("".join(current))
                current, started = [], False
        else:
            current.append(c)
            started = True
        i += 1
    if started:
        args.append("".join(current))
    return tuple(args)


class Registry(Protocol):
    """The one registry value autostart uses: read, write, delete."""

    def get(self) -> str | None: ...
    def set(self, value: str) -> None: ...
    def delete(self) -> bool: ...


if sys.platform == "win32":
    import winreg

    class WinRegistry:
        """``HKEY_CURRENT_USER\\...\\Run``, value ``Human Pretraining`` (a REG_SZ)."""

        def get(self) -> str | None:
            try:
                with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                    value, _kind = winreg.QueryValueEx(key, VALUE_NAME)
            except FileNotFoundError:
                return None
            return str(value)

        def set(self, value: str) -> None:
            access = winreg.KEY_SET_VALUE
            with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, access) as key:
                winreg.SetValueEx(key, VALUE_NAME, 0, winreg.REG_SZ, value)

        def delete(self) -> bool:
            try:
                with winreg.OpenKey(
                    winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE
                ) as key:
                    winreg.DeleteValue(key, VALUE_NAME)
            except FileNotFoundError:
                return False
            return True


def default_registry() -> Registry:
    if sys.platform == "win32":
        return WinRegistry()
    raise AutostartError("the Windows registry exists only on Windows")


@contextmanager
def _registry_errors(what: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise AutostartError(f"cannot {what} {LOCATION}: {exc.strerror or exc}") from None


class RunKey:
    """The app's value under the user's Run key."""

    location = LOCATION

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def write(self, command: Sequence[str]) -> None:
        with _registry_errors("write"):
            self.registry.set(run_value(command))

    def read(self) -> tuple[str, ...] | None:
        with _registry_errors("read"):
            value = self.registry.get()
        return (parse_command_line(value) or None) if value is not None else None

    def exists(self) -> bool:
        with _registry_errors("read"):
            return self.registry.get() is not None

    def remove(self) -> bool:
        with _registry_errors("remove"):
            return self.registry.delete()
