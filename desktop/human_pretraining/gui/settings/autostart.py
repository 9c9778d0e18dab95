"""The seam between the Settings view and starting the app at login.

``human_pretraining.autostart`` (written separately) offers ``enable()``,
``disable()`` and ``status()``; the view only needs :class:`AutostartSwitch`.
:func:`load_autostart` imports the module lazily and returns None when it is
not there (or cannot load on this platform), and the view then hides the
checkbox with a note instead of offering something that cannot work.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Protocol

MODULE = "human_pretraining.autostart"


class AutostartSwitch(Protocol):
    def is_on(self) -> bool: ...

    def set(self, on: bool) -> None: ...


class ModuleAutostart:
    """:class:`AutostartSwitch` over the ``autostart`` module's functions."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module

    def is_on(self) -> bool:
        status = self._module.status()
        # status() may answer with a bool or with an object that has ``enabled``.
        return bool(getattr(status, "enabled", status))

    def set(self, on: bool) -> None:
        if on:
            self._module.enable()
        else:
            self._module.disable()


def load_autostart() -> AutostartSwitch | None:
    try:
        module = importlib.import_module(MODULE)
    except ImportError:
        return None
    return ModuleAutostart(module)
