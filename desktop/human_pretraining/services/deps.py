"""What every service needs from the process: the database, this device, the
configuration, the time zone and the clock — passed as one value.

The configuration and time zone are callables because they change while the
process runs (the config file is reloaded); the clock is one so tests and
back-dated work (demo data, benchmarks) can fix the time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import tzinfo

from human_pretraining.core.clock import frozen_clock
from human_pretraining.core.model import Config, Settings
from human_pretraining.services.notify import Notifier
from human_pretraining.store.database import Database


@dataclass(frozen=True)
class Deps:
    db: Database
    device_id: int
    config: Callable[[], Config]
    tz: Callable[[], tzinfo]
    clock: Callable[[], int]
    notifier: Notifier = field(default_factory=Notifier)

    def settings(self) -> Settings:
        return self.config().settings

    def at(self, ms: int) -> Deps:
        """The same dependencies with the clock stopped at ``ms`` (back-dated bookings)."""
        return replace(self, clock=frozen_clock(ms))
