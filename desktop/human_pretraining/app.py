"""Wiring one process: the store, the local endpoint, the monitor, settling (later the GUI).

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
from human_pretraining.monitor.runner import Monitor
from human_pretraining.services.context import App
from human_pretraining.store.database import DatabaseUnreachable

log = logging.getLogger(__name__)

SETTLE_EVERY_S = 5.0
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
    except Exception:
        log.exception("settling failed; it will be retried")
    else:
        _warned.pop(id(services), None)  # reachable: the next outage is reported at once


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
    server = ApiServer(services, host, port or services.settings().port, allow_remote)
    tracker = Monitor(services) if monitor else None
    # Everything loaded so far lives as long as the process: keep the garbage
    # collector from re-scanning it during requests (fewer latency spikes).
    gc.collect()
    gc.freeze()
    server.start()
    out.write(f"Human Pretraining is listening on {server.url} (Ctrl+C to stop)\n")
    if tracker is not None:
        tracker.start()
        out.write(f"Tracking: {tracker.status()}\n")
    out.flush()
    while not stop.wait(SETTLE_EVERY_S):
        tick(services, poll_config=tracker is None)
    if tracker is not None:
        tracker.stop()
    server.stop()
    tick(services, poll_config=False)
    out.write("Stopped; everything received is saved.\n")
    return 0
