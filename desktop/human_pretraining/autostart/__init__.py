"""Start the app at login: one switch for Linux, Windows and macOS.

The interface the command line (``human-pretraining autostart on|off|status``)
and the GUI's settings page both call::

    from human_pretraining import autostart

    autostart.status()            # -> AutostartStatus: enabled, location, command, stale
    autostart.enable()            # write the entry for this installation; returns the status
    autostart.enable(("--home", "/path"))   # extra arguments for the app at login
    autostart.disable()           # remove the entry (nothing to remove is fine)

All three raise :class:`AutostartError` (a one-line message for the user) when the
entry cannot be written, read or removed. They touch only the current user's own
files:

=========  ===============================================================  ==========
platform   entry                                                            module
=========  ===============================================================  ==========
Linux      ``$XDG_CONFIG_HOME/autostart/human-pretraining.desktop``          ``linux``
Windows    ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``,       ``windows``
           value ``Human Pretraining``
macOS      ``~/Library/LaunchAgents/app.human-pretraining.plist``            ``macos``
=========  ===============================================================  ==========

The command written is the one that starts *this* installation (the bundle's
executable, the pip-installed script, or ``python -m human_pretraining``; see
:mod:`.command`). With no arguments the app starts as it does from the menu.
``status`` notices an entry whose program no longer exists (``stale``: the
bundle was moved or deleted) and one written by another installation
(``other_install``); ``enable`` again fixes both.

Each OS's file content is a pure function in its module, and every function here
takes an optional ``backend`` so tests can point it at a temporary folder or a
stand-in registry. Nothing here imports Qt or Flask.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from human_pretraining.autostart.command import icon_path, launch_command
from human_pretraining.autostart.files import AutostartError

__all__ = [
    "AutostartError",
    "AutostartStatus",
    "Backend",
    "backend_for",
    "disable",
    "enable",
    "status",
    "this_command",
]


class Backend(Protocol):
    """Where one platform keeps the entry, and how it is written, read and removed."""

    location: str

    def write(self, command: Sequence[str]) -> None: ...
    def read(self) -> tuple[str, ...] | None: ...
    def exists(self) -> bool: ...
    def remove(self) -> bool: ...


@dataclass(frozen=True)
class AutostartStatus:
    """Whether the app starts at login, from where, and whether the entry still works."""

    enabled: bool
    location: str  # the entry's file, or its registry value on Windows
    command: tuple[str, ...] | None  # what the entry starts (None when off)
    stale: bool = False  # the entry's program does not exist any more
    other_install: bool = False  # the entry starts another copy of the app than this one
    problem: str | None = None  # an entry that exists but cannot be read

    def describe(self) -> str:
        """A few lines for people (the CLI prints them)."""
        if self.problem:
            return (
                f"Autostart: broken entry at {self.location}: {self.problem}\n"
                "Fix it with: human-pretraining autostart on (or off to remove it)\n"
            )
        if not self.enabled:
            return f"Autostart: off (entry: {self.location})\n"
        assert self.command is not None
        lines = [
            "Autostart: on" + (", but its program is missing" if self.stale else ""),
            f"  entry   {self.location}",
            f"  starts  {shlex.join(self.command)}",
        ]
        if self.stale:
            lines.append("  The app was moved or removed: run 'autostart on' from where it is now")
        elif self.other_install:
            lines.append("  That is another installation ('autostart on' switches to this one)")
        return "\n".join(lines) + "\n"


def this_command(args: Sequence[str] = ()) -> tuple[str, ...]:
    """The command line that starts the running installation with ``args``."""
    return launch_command(
        args,
        executable=sys.executable,
        frozen=bool(getattr(sys, "frozen", False)),
        platform=sys.platform,
    )


def backend_for(platform: str | None = None) -> Backend:
    """The entry for this platform, in the current user's home."""
    platform = platform or sys.platform
    home = Path.home()
    if platform == "win32":
        from human_pretraining.autostart.windows import RunKey, default_registry

        return RunKey(default_registry())
    if platform == "darwin":
        from human_pretraining.autostart.macos import LaunchAgent

        return LaunchAgent(home)
    from human_pretraining.autostart.linux import XdgAutostart

    icon = icon_path()
    return XdgAutostart(os.environ, home, str(icon) if icon.exists() else "human-pretraining")


def status(
    backend: Backend | None = None, *, expected: Sequence[str] | None = None
) -> AutostartStatus:
    """Is autostart on, and does its entry still start an existing program?

    ``expected`` is the command this installation would write (default:
    :func:`this_command`); an entry starting another program is ``other_install``.
    """
    backend = backend or backend_for()
    try:
        command = backend.read()
    except ValueError as exc:  # a damaged file: say so; 'on' or 'off' repairs it
        return AutostartStatus(False, backend.location, None, problem=str(exc))
    if command is None:
        return AutostartStatus(False, backend.location, None)
    expected = tuple(expected) if expected is not None else this_command()
    stale = not os.path.exists(command[0])
    other = not stale and command[0] != expected[0]
    return AutostartStatus(True, backend.location, command, stale=stale, other_install=other)


# At login the app starts in the tray, window hidden; starting it again shows the window.
AT_LOGIN = ("gui", "--hidden")


def login_args(data_dir: Path | None) -> tuple[str, ...]:
    """The app's arguments at login: ``--home DIR`` when a home was chosen, then
    :data:`AT_LOGIN`. ``data_dir`` is None for the platform's default folders."""
    home = ("--home", str(data_dir)) if data_dir is not None else ()
    return (*home, *AT_LOGIN)


def enable(args: Sequence[str] = (), backend: Backend | None = None) -> AutostartStatus:
    """Start this installation at login (with ``args``); replaces any older entry."""
    backend = backend or backend_for()
    command = this_command(args)
    backend.write(command)
    return status(backend, expected=command)


def disable(backend: Backend | None = None) -> AutostartStatus:
    """Stop starting the app at login: remove the entry (fine if there is none)."""
    backend = backend or backend_for()
    backend.remove()
    return status(backend)
