"""The Settings view's "start at login" switch over :mod:`human_pretraining.autostart`.

The view only needs :class:`AutostartSwitch` (tests of the view's wiring may
pass their own); :class:`LoginAutostart` is the real one: it writes this
user's login entry for this installation, starting the app hidden in the tray
with the same home the running app uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from human_pretraining import autostart


class AutostartSwitch(Protocol):
    def is_on(self) -> bool: ...

    def set(self, on: bool) -> None: ...


class LoginAutostart:
    def __init__(self, home: Path | None) -> None:
        self._args = autostart.login_args(home)

    def is_on(self) -> bool:
        state = autostart.status()
        return state.enabled and not state.stale

    def set(self, on: bool) -> None:
        if on:
            autostart.enable(self._args)
        else:
            autostart.disable()
