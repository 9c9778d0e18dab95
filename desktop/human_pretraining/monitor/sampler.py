"""The 1 Hz sampler: asks the probes what is in front and whether the user is there,
and turns each second into a heartbeat for the ingestion service.

Gaps are never filled in. Two clocks tell a real second from a suspend or a clock
change: the monotonic clock stops while the machine sleeps (Linux
``CLOCK_MONOTONIC``, macOS and Windows alike) and never jumps, the wall clock does
both. A tick is credited only when both moved forward by about the same, short
amount; otherwise the sampler starts afresh from the new time.

Heartbeats are buffered and handed to the ingestion service in one batch every
few seconds (merging makes them one span anyway); window titles are kept only
if the user opted in; tracking can be paused for N minutes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from human_pretraining.core.clock import now_ms, rfc3339
from human_pretraining.core.ids import new_event_id
from human_pretraining.core.model import Settings
from human_pretraining.monitor.probes import Foreground, ForegroundProbe, IdleProbe, ProbeError

log = logging.getLogger(__name__)

TICK_S = 1.0
MAX_TICK_S = 5.0  # a longer wait between ticks means the process was stalled or asleep
MAX_SKEW_S = 2.0  # wall and monotonic clocks disagreeing more than this: a clock change
FLUSH_EVERY_S = 10.0
MAX_BUFFER = 3600  # heartbeats kept while ingestion keeps failing (an hour at 1 Hz)


@dataclass(frozen=True)
class Observation:
    foreground: Foreground | None
    idle: bool


def event_for(
    seen: Observation, start_ms: int, duration_ms: int, store_titles: bool
) -> dict[str, Any] | None:
    """The heartbeat (wire shape) for one sampled interval, or None with nothing in front."""
    app = seen.foreground
    if app is None:
        return None
    signals: dict[str, Any] = {}
    if seen.idle:
        signals["idle"] = True
    if app.is_browser:
        signals["browser"] = True
    event: dict[str, Any] = {
        "id": new_event_id(start_ms),
        "source": "app",
        "subject": app.app,
        "start": rfc3339(start_ms),
        "duration": duration_ms / 1000,
    }
    if signals:
        event["signals"] = signals
    if store_titles and app.title:
        event["detail"] = {"title": app.title[:1000]}
    return event


class Sampler:
    """Call :meth:`tick` once a second (``run`` does, in its own thread)."""

    def __init__(
        self,
        ingest: Callable[[list[Mapping[str, Any]]], object],
        foreground: ForegroundProbe | None,
        idle: IdleProbe | None,
        settings: Callable[[], Settings],
        wall: Callable[[], int] = now_ms,
        monotonic: Callable[[], float] = time.monotonic,
        paused_elsewhere: Callable[[], int | None] = lambda: None,
    ) -> None:
        self._ingest = ingest
        self._foreground = foreground
        self._idle = idle
        self._settings = settings
        self._wall = wall
        self._monotonic = monotonic
        self._last: tuple[int, float] | None = None  # (wall ms, monotonic s) of the last tick
        self._buffer: list[Mapping[str, Any]] = []
        self._last_flush = monotonic()
        self._paused_until_ms = 0
        self._paused_elsewhere = paused_elsewhere  # e.g. `human-pretraining pause` (PauseFile)
        self._failures: dict[str, str] = {}  # probe name -> last error, logged once
        self._lock = threading.Lock()

    # ----------------------------------------------------------------- pausing

    def pause(self, minutes: float) -> None:
        with self._lock:
            self._paused_until_ms = self._wall() + int(minutes * 60_000)
            self._last = None

    def resume(self) -> None:
        with self._lock:
            self._paused_until_ms = 0

    @property
    def paused_until_ms(self) -> int | None:
        until = max(self._paused_until_ms, self._paused_elsewhere() or 0)
        return until if until > self._wall() else None

    # ---------------------------------------------------------------- sampling

    def _observe(self) -> Observation:
        front = self._probe("foreground", lambda p: p.foreground(), self._foreground)
        seconds = self._probe("idle", lambda p: p.idle_seconds(), self._idle)
        threshold = self._settings().idle_threshold_s
        return Observation(front, seconds is not None and seconds >= threshold)

    def _probe(self, what: str, call: Callable[[Any], Any], probe: object | None) -> Any:
        """Ask a probe; a failure is logged once (until it recovers) and counts as nothing."""
        if probe is None:
            return None
        try:
            value = call(probe)
        except ProbeError as exc:
            if self._failures.get(what) != str(exc):
                log.warning("%s probe failed (retrying every second): %s", what, exc)
                self._failures[what] = str(exc)
            return None
        except Exception:  # a broken probe must not stop tracking; say so once
            if what not in self._failures:
                log.exception("%s probe crashed (retrying every second)", what)
                self._failures[what] = "crashed"
            return None
        if what in self._failures:
            log.info("%s probe works again", what)
            del self._failures[what]
        return value

    def tick(self) -> None:
        with self._lock:
            wall, mono = self._wall(), self._monotonic()
            if max(self._paused_until_ms, self._paused_elsewhere() or 0) > wall:
                self._last = None
            else:
                seen = self._observe()
                last, self._last = self._last, (wall, mono)
                if last is not None:
                    self._record(seen, last, wall, mono)
            if mono - self._last_flush >= FLUSH_EVERY_S:
                self._flush_locked()

    def _record(self, seen: Observation, last: tuple[int, float], wall: int, mono: float) -> None:
        wall_s = (wall - last[0]) / 1000
        mono_s = mono - last[1]
        if not (0 < mono_s <= MAX_TICK_S) or abs(wall_s - mono_s) > MAX_SKEW_S:
            return  # asleep, stalled or the clock was changed: never filled in
        event = event_for(seen, last[0], wall - last[0], self._settings().store_titles)
        if event is not None:
            self._buffer.append(event)

    def flush(self) -> None:
        with self._lock:
            self._flush_locked()

    def _flush_locked(self) -> None:
        self._last_flush = self._monotonic()
        if not self._buffer:
            return
        batch, self._buffer = self._buffer, []
        try:
            self._ingest(batch)
        except Exception:
            log.exception(
                "could not store %d heartbeats; keeping them for the next try", len(batch)
            )
            self._buffer = (batch + self._buffer)[-MAX_BUFFER:]

    def run(self, stop: threading.Event) -> None:
        """Tick once a second until ``stop`` is set; flush what is left."""
        while not stop.wait(TICK_S):
            self.tick()
        self.flush()
