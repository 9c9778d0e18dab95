"""What every view is given: the bridge to the services and a few hooks into the running app.

Views never reach for globals; tests build a :class:`GuiContext` over a real
temporary app (and, where they need it, a real running endpoint).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from human_pretraining.core.clock import format_clock
from human_pretraining.gui.bridge import ServicesBridge
from human_pretraining.services.context import App


def _nothing() -> None:
    return None


@dataclass
class GuiContext:
    bridge: ServicesBridge
    # "foreground apps: X11 (…); output folders: 2" from the running monitor, if any.
    tracking_status: Callable[[], str] = lambda: "not tracking (no monitor running)"
    # Ask the settler to book new activity now (after a click that should show at once).
    settle_soon: Callable[[], None] = _nothing
    # The endpoint's port, for the settings page and the pairing hint.
    port: int | None = None
    # The home this app runs with when one was chosen (--home), kept at login by autostart.
    login_home: Path | None = None

    @property
    def services(self) -> App:
        return self.bridge.services

    def tracking_line(self) -> str:
        """One line saying what is being tracked, e.g. for the status bar and the dashboard."""
        services = self.services
        paired = any(t.revoked_ms is None for t in services.pairing.tokens())
        parts = [
            "browser extension: " + ("paired" if paired else "not paired"),
            self.tracking_status(),
        ]
        until = services.pause.until()
        if until is not None and until > services.clock():
            clock_time = format_clock(until, services.tz())
            parts.insert(0, f"tracking paused until {clock_time}")
        return " · ".join(parts)
