"""Change notifications from the services to whoever shows their results.

The services stay plain Python: after a write commits they call
``Notifier.publish`` with what kind of thing changed. Surfaces that care (the
GUI's bridge turns these into Qt signals) subscribe a callback. Callbacks run on
the publishing thread — the endpoint's, the monitor's or the settler's — so a
subscriber must only hand the news on, never do slow work or touch widgets.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import Flag, auto

log = logging.getLogger(__name__)


class Change(Flag):
    """What a committed write changed."""

    LEDGER = auto()  # balance or entries: settling, a task, a purchase
    ACTIVITY = auto()  # new tracked time (not yet settled)
    CONFIG = auto()  # the configuration file was rewritten or reloaded
    CLIENTS = auto()  # a browser paired, or a token was revoked
    PAUSE = auto()  # tracking paused or resumed


Listener = Callable[[Change], None]


class Notifier:
    """A thread-safe list of listeners; publishing never raises into the writer."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add ``listener``; returns a function that removes it again."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, change: Change) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change)
            except Exception:
                # A broken view must not turn a committed write into an error for the writer.
                log.exception("a change listener failed")
