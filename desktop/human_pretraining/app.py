"""Wiring one process: the store, the local endpoint, the monitor and settling.

``run_headless`` is ``human-pretraining serve``: the endpoint in a waitress
thread, the monitor (sampler, output and config watchers) in its own threads, and
a settling loop in the main thread, stopped cleanly by SIGINT or
SIGTERM. Every acknowledged event is already committed when it is acknowledged,
so stopping (or being killed) loses nothing; the final settle just books it.
"""

from __future__ import annotations

import gc
import logging
import signal
import sys
import threading
import time
from types import FrameType
from typing import TextIO

from human_pretraining.api.server import ApiServer
from human_pretraining.config.errors import ConfigError
from human_pretraining.core.clock import day_of, to_date
from human_pretraining.monitor.runner import Monitor
from human_pretraining.services.context import App
from human_pretraining.services.notify import Change
from human_pretraining.store.database import DatabaseUnreachable, DiskFull
from human_pretraining.store.health import daily_care

log = logging.getLogger(__name__)

SETTLE_EVERY_S = 5.0
# The desktop app with its window hidden books points less often: nobody is
# watching them move, and re-scoring a busy day costs a few milliseconds each time.
SETTLE_EVERY_HIDDEN_S = 30.0
MIN_SETTLE_GAP_S = 1.0
UNREACHABLE_WARN_EVERY_S = 60.0
_warned: dict[int, float] = {}  # App id -> when "server unreachable" was last logged


def tick(services: App, poll_config: bool = True) -> None:
    """One round of background work: pick up config edits (unless the monitor's
    config watcher does), then settle what arrived."""
    try:
        if poll_config and services.config_file.changed_on_disk():
            services.config_file.reload()
            log.info("configuration reloaded")
    except ConfigError as exc:
        log.warning("configuration not reloaded, the last good one stays in force: %s", exc)
    try:
        services.ingestor.replay()  # events kept locally while the server was away
        services.settler.settle()
        services.db.checkpoint()
    except DatabaseUnreachable as exc:
        # Said once a minute, not on every round, while the server stays away.
        now = time.monotonic()
        if now - _warned.get(id(services), -UNREACHABLE_WARN_EVERY_S) >= UNREACHABLE_WARN_EVERY_S:
            _warned[id(services)] = now
            pending = services.ingestor.pending()
            log.warning("%s; %d events are kept on this machine until it is back", exc, pending)
    except DiskFull as exc:
        log.warning("%s", exc)  # one plain line; the next round tries again
    except Exception:
        log.exception("settling failed; it will be retried")
    else:
        _warned.pop(id(services), None)  # reachable: the next outage is reported at once
    try:
        # Once a day (a stat otherwise): the full integrity check and a backup.
        daily_care(services.db, to_date(day_of(services.clock(), services.tz())))
    except Exception as exc:  # e.g. no room for the copy: the older backups stay
        log.warning("the daily check and backup did not run: %s", exc)


class Runtime:
    """Everything a running app does besides showing a window: the endpoint, the
    monitor and a settling thread. ``serve`` and the GUI both run one."""

    def __init__(
        self,
        services: App,
        host: str = "127.0.0.1",
        port: int | None = None,
        allow_remote: bool = False,
        monitor: bool = True,
    ) -> None:
        self.services = services
        chosen = port if port is not None else services.settings().port
        self.server = ApiServer(services, host, chosen, allow_remote)
        self.tracker = Monitor(services) if monitor else None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._settling: threading.Thread | None = None
        self.settle_every_s = SETTLE_EVERY_S
        self._unsubscribe = services.notifier.subscribe(self._changed)

    def _changed(self, change: Change) -> None:
        if change & Change.CONFIG and self.tracker is not None:
            self.tracker.output.refresh()  # output folders may have been added or removed

    @property
    def url(self) -> str:
        return self.server.url

    def tracking_status(self) -> str:
        return self.tracker.status() if self.tracker is not None else "not tracking (--no-monitor)"

    def start(self, settle_in_thread: bool = True) -> None:
        """Start the endpoint and the monitor; with ``settle_in_thread``, a settling thread."""
        # Everything loaded so far lives as long as the process: keep the garbage
        # collector from re-scanning it during requests (fewer latency spikes).
        gc.collect()
        gc.freeze()
        self.server.start()
        if self.tracker is not None:
            self.tracker.start()
        if settle_in_thread:
            self._settling = threading.Thread(target=self.settle_loop, name="settler", daemon=True)
            self._settling.start()

    def settle_soon(self) -> None:
        """Settle now rather than at the next round (a click that should show at once)."""
        self._wake.set()

    def settle_loop(self) -> None:
        """Settle every few seconds, or soon after being woken, until :meth:`stop`."""
        while not self._stop.is_set():
            if self._wake.wait(self.settle_every_s):
                # Woken by new activity: let the burst finish, and never settle more
                # than about once a second however fast events arrive.
                self._stop.wait(MIN_SETTLE_GAP_S)
            self._wake.clear()
            if not self._stop.is_set():
                tick(self.services, poll_config=self.tracker is None)

    def request_stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def stop(self) -> None:
        """Stop everything, then settle once more so what arrived is booked."""
        self.request_stop()
        if self._settling is not None:
            self._settling.join(30)
        if self.tracker is not None:
            self.tracker.stop()
        self.server.stop()
        self._unsubscribe()
        tick(self.services, poll_config=False)


def run_headless(
    services: App,
    host: str,
    port: int | None,
    allow_remote: bool,
    out: TextIO = sys.stdout,
    stop: threading.Event | None = None,
    monitor: bool = True,
) -> int:
    stop = stop or threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
    runtime = Runtime(services, host, port, allow_remote, monitor)
    runtime.start(settle_in_thread=False)
    out.write(f"Human Pretraining is listening on {runtime.url} (Ctrl+C to stop)\n")
    if runtime.tracker is not None:
        out.write(f"Tracking: {runtime.tracking_status()}\n")
    out.flush()
    while not stop.wait(SETTLE_EVERY_S):
        tick(services, poll_config=runtime.tracker is None)
    runtime.stop()
    out.write("Stopped; everything received is saved.\n")
    return 0
