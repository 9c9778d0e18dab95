"""What the two folder watchers share: a watchdog observer thread that notices
changes, a worker thread that acts on them, and stopping both in that order.

``ConfigWatcher`` and ``OutputWatcher`` each start their own threads (what they
watch differs); stopping is the same: the observer first, so nothing new is
noticed, then the worker is told to finish what it has and is joined.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Self

from watchdog.observers.api import BaseObserver


class WatcherThreads:
    """Base for a watcher with ``_cond`` (guarding ``_stopping``) and its own start/stop."""

    _cond: threading.Condition
    _stopping: bool

    def start(self) -> None:
        raise NotImplementedError

    def stop(self, timeout: float = 10.0) -> None:
        raise NotImplementedError

    def _end_threads(
        self, observer: BaseObserver | None, worker: threading.Thread | None, timeout: float
    ) -> None:
        if observer is not None:
            observer.stop()
            observer.join(timeout)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if worker is not None:
            worker.join(timeout)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
