"""macOS: a LaunchAgent property list in ``~/Library/LaunchAgents``.

launchd loads every plist in the user's ``~/Library/LaunchAgents`` at login and,
with ``RunAtLoad``, starts its ``ProgramArguments`` once. ``LimitLoadToSessionType
= Aqua`` keeps it to graphical logins (not ssh sessions); ``ProcessType =
Interactive`` asks for an app's scheduling rather than a background daemon's.
There is no ``KeepAlive``: quitting the app means it stays quit.

``enable`` only writes the file, it does not ``launchctl load`` it: that would
start a second copy now, next to the one the user is running. The content is a pure
function (:func:`launch_agent`), round-tripped through :mod:`plistlib` in the tests.
"""

from __future__ import annotations

import plistlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from human_pretraining.autostart.files import remove_file, write_atomically

LABEL = "app.human-pretraining"


def agent_path(home: Path) -> Path:
    return home / "Library" / "LaunchAgents" / f"{LABEL}.plist"


def launch_agent(command: Sequence[str]) -> bytes:
    """The LaunchAgent plist (XML) that starts ``command`` at login."""
    if not command:
        raise ValueError("an empty command")
    agent: dict[str, Any] = {
        "Label": LABEL,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        "LimitLoadToSessionType": "Aqua",
        "ProcessType": "Interactive",
    }
    return plistlib.dumps(agent, fmt=plistlib.FMT_XML, sort_keys=True)


def command_of(data: bytes) -> tuple[str, ...] | None:
    """What a LaunchAgent plist starts; None when it is disabled or starts nothing."""
    try:
        agent = plistlib.loads(data)
    except (plistlib.InvalidFileException, ExpatError, ValueError) as exc:
        raise ValueError(f"not a property list: {exc}") from None
    if not isinstance(agent, dict) or agent.get("Disabled") is True:
        return None
    arguments = agent.get("ProgramArguments")
    if not isinstance(arguments, list) or not arguments:
        return None
    return tuple(str(a) for a in arguments)


class LaunchAgent:
    """The user's LaunchAgent plist for the app."""

    def __init__(self, home: Path) -> None:
        self.path = agent_path(home)
        self.location = str(self.path)

    def write(self, command: Sequence[str]) -> None:
        write_atomically(self.path, launch_agent(command))

    def read(self) -> tuple[str, ...] | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return command_of(data)

    def exists(self) -> bool:
        return self.path.exists()

    def remove(self) -> bool:
        return remove_file(self.path)
