"""Pausing tracking for N minutes, from any process (CLI, window, tray).

The running monitor may live in another process (``serve``), so the pause is a
tiny file beside the data holding the epoch-ms end of the pause. The sampler
reads it only when the file's modification time changes, so checking it every
second costs one ``stat``.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from human_pretraining.atomic import atomic_write
from human_pretraining.services.notify import Change, Notifier


class PauseFile:
    def __init__(self, path: Path, notifier: Notifier | None = None) -> None:
        self._path = path
        self._notifier = notifier or Notifier()
        self._seen: tuple[int, int | None] | None = None  # (mtime_ns, until_ms)
        self._lock = threading.Lock()

    def pause_until(self, until_ms: int) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self._path, f"{until_ms}\n".encode())
        self._notifier.publish(Change.PAUSE)

    def resume(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._path)
        self._notifier.publish(Change.PAUSE)

    def until(self) -> int | None:
        """When the current pause ends (epoch ms), or None; a damaged file means no pause."""
        try:
            mtime = self._path.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        with self._lock:
            if self._seen is None or self._seen[0] != mtime:
                try:
                    value: int | None = int(self._path.read_text("utf-8").strip())
                except (OSError, ValueError):
                    value = None
                self._seen = (mtime, value)
            return self._seen[1]
