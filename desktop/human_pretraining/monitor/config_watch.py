"""Live reload of the configuration file: a valid edit takes effect within a second or two.

:class:`ConfigWatcher` watches the *folder* holding ``config.toml`` with watchdog
rather than the file itself, because most editors save by replacing the file (write
a temporary file, then rename it over the original; vim may first rename the
original away to ``config.toml~``). A watch on the file would follow the old inode
and miss every later save; a watch on the folder sees the rename onto the name.

Events for the file's name (created, modified, closed after writing, moved onto it,
moved away or deleted) start a short quiet period (``debounce_s``); an editor's
burst (truncate, write, chmod, rename) thus causes one reload, after it finished.
Then :meth:`ConfigFile.reload` runs:

* it succeeds: if the configuration differs from the one in force (or the file had
  an error before), every ``on_change`` callback gets the new :class:`Config`.
  The app's own rewrites (``ConfigFile.add_rule`` etc.) already put their result in
  force, so they cause no callback; neither does an edit to a comment.
* it fails with :class:`ConfigError`: a WARNING is logged with the message, the last
  good configuration stays in force, the file is left alone (the user is probably
  in the middle of an edit), and every ``on_error`` callback gets the error.

Other files in the folder (the database, ``device-id``, backups) are ignored. If
``config.toml`` is a symbolic link (a dotfiles repository), the folder of its target
is watched too. Callbacks run on the watcher's own thread; their exceptions are
logged, never fatal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from human_pretraining.config.errors import ConfigError
from human_pretraining.config.file import ConfigFile
from human_pretraining.core.model import Config
from human_pretraining.monitor.watching import WatcherThreads

log = logging.getLogger(__name__)

ChangeCallback = Callable[[Config], object]
ErrorCallback = Callable[[ConfigError], object]
_T = TypeVar("_T")

DEBOUNCE_S = 0.3

_EVENT_TYPES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileMovedEvent,
    FileDeletedEvent,
]


def _notify(callbacks: list[Callable[[_T], object]], value: _T) -> None:
    for callback in list(callbacks):
        try:
            callback(value)
        except Exception:
            log.exception("a configuration listener failed")


def _key(path: str | Path) -> str:
    return os.path.normcase(os.path.abspath(path))


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: ConfigWatcher) -> None:
        self._watcher = watcher

    def _paths(self, *paths: bytes | str) -> None:
        if any(_key(os.fsdecode(p)) in self._watcher._names for p in paths if p):
            self._watcher._poke()

    def on_created(self, event: DirCreatedEvent | FileCreatedEvent) -> None:
        self._paths(event.src_path)

    def on_modified(self, event: DirModifiedEvent | FileModifiedEvent) -> None:
        self._paths(event.src_path)

    def on_closed(self, event: FileClosedEvent) -> None:
        self._paths(event.src_path)

    def on_moved(self, event: DirMovedEvent | FileMovedEvent) -> None:
        self._paths(event.src_path, event.dest_path)

    def on_deleted(self, event: DirDeletedEvent | FileDeletedEvent) -> None:
        self._paths(event.src_path)


class ConfigWatcher(WatcherThreads):
    """Reloads ``config_file`` when it changes on disk and tells the callbacks."""

    def __init__(
        self,
        config_file: ConfigFile,
        on_change: Iterable[ChangeCallback] = (),
        on_error: Iterable[ErrorCallback] = (),
        debounce_s: float = DEBOUNCE_S,
    ) -> None:
        self.config_file = config_file
        self.debounce_s = debounce_s
        self._on_change = list(on_change)
        self._on_error = list(on_error)
        self._names: frozenset[str] = frozenset()
        self._state = threading.Lock()
        self._observer: BaseObserver | None = None
        self._worker: threading.Thread | None = None
        self._cond = threading.Condition()
        self._due: float | None = None
        self._stopping = False
        self._busy = False

    def add_change_listener(self, callback: ChangeCallback) -> None:
        self._on_change.append(callback)

    def add_error_listener(self, callback: ErrorCallback) -> None:
        self._on_error.append(callback)

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Start watching the file's folder (and its symlink target's folder)."""
        with self._state:
            if self._observer is not None:
                raise RuntimeError("the configuration watcher is already running")
            path = self.config_file.path
            targets = {Path(os.path.abspath(path))}
            with contextlib.suppress(OSError, RuntimeError):  # RuntimeError: a symlink loop
                targets.add(path.resolve())
            self._names = frozenset(_key(t) for t in targets)
            with self._cond:
                self._stopping = False
                self._due = None
            observer = Observer()
            observer.daemon = True
            observer.start()
            self._observer = observer
            for folder in sorted({t.parent for t in targets}):
                try:
                    observer.schedule(_Handler(self), str(folder), event_filter=_EVENT_TYPES)
                except OSError as exc:
                    log.warning("cannot watch %s for configuration edits: %s", folder, exc)
            self._worker = threading.Thread(
                target=self._run, name="human-pretraining-config", daemon=True
            )
            self._worker.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop watching; a reload that is due is dropped (the file is read at the next start)."""
        with self._state:
            observer, worker = self._observer, self._worker
            self._observer = self._worker = None
        self._end_threads(observer, worker, timeout)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no reload is due or running; False on timeout (tests)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._due is None and not self._busy, timeout)

    # ------------------------------------------------------------------ reloading

    def reload(self) -> Config | None:
        """Reload now: the new configuration, or None if the file has a mistake.

        Callbacks are told as described in the module docstring.
        """
        previous = self.config_file.current
        had_error = self.config_file.last_error is not None
        try:
            config = self.config_file.reload()
        except ConfigError as exc:
            log.warning("configuration not reloaded, the last good one stays in force: %s", exc)
            _notify(self._on_error, exc)
            return None
        if config != previous or had_error:
            log.info("configuration reloaded from %s", self.config_file.path)
            _notify(self._on_change, config)
        return config

    def _poke(self) -> None:
        with self._cond:
            self._due = time.monotonic() + self.debounce_s
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._stopping:
                        self._due = None
                        self._cond.notify_all()
                        return
                    now = time.monotonic()
                    if self._due is not None and self._due <= now:
                        self._due = None
                        self._busy = True
                        break
                    self._cond.wait(None if self._due is None else self._due - now)
            try:
                self.reload()
            except Exception:
                log.exception("reloading the configuration failed")
            with self._cond:
                self._busy = False
                self._cond.notify_all()
