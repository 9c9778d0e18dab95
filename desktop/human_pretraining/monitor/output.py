"""The output-folder watcher: words you add to files in your output folders become events.

Folder rules (``folder = "~/notes"``) pay for *writing*, in whichever editor. This
module watches those folders recursively (watchdog: inotify, FSEvents,
ReadDirectoryChangesW), and whenever a text file is saved it diffs the new text
against the text it last saw and reports the words **added** as one ``output``
event through the one ingestion path (``Ingestor.ingest``).

What counts
    :func:`count_words` counts runs of letters and digits (apostrophes, hyphens
    and underscores may join them: ``don't``, ``well-known``, ``snake_case``);
    every CJK ideograph or kana counts as one word, since those scripts do not
    separate words with spaces. :func:`added_words` diffs line by line, then
    word by word inside changed lines, and counts only inserted words: deleting
    earns nothing and is never negative, re-indenting or re-wrapping earns nothing.

Only new writing pays
    Existing files are read once when a folder starts being watched (a baseline,
    not credited), so the first save of an old file pays only for what was added.
    A file created while watching pays for its content, unless its modification
    time is old (a file moved or copied in with ``mv``/``cp -p``) or its text is
    exactly that of a file already known (a copy, a template, a rename watchdog
    could not pair). Files that appear through a directory moved in (watchdog's
    *synthetic* events) are baselined, not credited. Text removed from a file is
    remembered per file, so cutting a passage, saving, and pasting it back (or
    moving it) pays nothing.
    When many files change at once (a ``git checkout``, a sync, a generator) the
    whole burst is baselined, not credited. Caps per minute and per hour (all
    files together) stop a paste or a generated file from paying much; the excess
    is dropped and logged.

Editor quirks handled
    * Bursts of writes (truncate + write, write + chmod, close) are coalesced per
      file: a file is read once it has been quiet for ``debounce_s``.
    * Atomic saves (vim, Sublime, JetBrains, our own ``atomic_write``): the editor
      writes a temporary file and renames it over the target. The rename is
      diffed against what was known for the *target* path, so it counts once;
      the temporary file itself is ignored (name patterns and extensions) or is
      gone by the time it would be read.
    * vim's rename-away backups (``file~``) and re-create: the text known for a
      path survives the path being moved away or deleted.
    * Renaming or moving a file inside a watched folder carries its text along.
    * Swap, lock, backup and probe files (``.#x``, ``x~``, ``.x.swp``, ``4913``...),
      version-control, dependency, build and hidden folders, virtual environments
      (any folder with ``pyvenv.cfg``), binaries (a NUL byte in the first 8 KiB)
      and files over ``max_bytes`` are ignored.

Memory: the last text of each file seen is kept zlib-compressed, for at most
``max_tracked_files`` files (least recently changed dropped first; a dropped file's
next change is a baseline again). Baselining a folder reads up to ``scan_limit`` files
on the worker thread, so :meth:`OutputWatcher.start` returns at once.

Threads: watchdog calls back on its own thread and only records which paths are
due; one worker thread reads, diffs and ingests (the ingestor is thread-safe).
Nothing a file or the ingestor does is fatal: failures are logged. The subject of
an event is the output folder of the rule (so the history holds no file names
unless ``store_paths`` is on; then the file is sent as ``detail.path``).

Where each part lives: which folders and files are read is
:mod:`~human_pretraining.monitor.output_filters`; what an edit is worth (the
last texts, removed passages, the caps) is :mod:`~human_pretraining.core.output_credit`
and counting words :mod:`~human_pretraining.core.words`; this module holds the
threads that tie them together.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from watchdog.events import (
    DirCreatedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from human_pretraining.core.clock import rfc3339
from human_pretraining.core.ids import new_event_id
from human_pretraining.core.model import Settings
from human_pretraining.core.output_credit import WordCaps, WrittenTexts
from human_pretraining.monitor.output_filters import (
    TEXT_EXTENSIONS,
    Root,
    Target,
    ignored_dir,
    in_virtualenv,
    is_under,
    read_text,
    roots_for,
    target_for,
    watch_cover,
)
from human_pretraining.monitor.watching import WatcherThreads

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutputOptions:
    """How the watcher reads files and how much it credits; the defaults suit people.

    The caps apply to all files together, over sliding windows of the ``clock``:
    a fast typist writes 60-100 words a minute, and few people write more than
    3000 new words in an hour. ``per_minute_cap`` is above one minute's typing so
    that saving only every few minutes does not lose words.
    """

    extensions: frozenset[str] = TEXT_EXTENSIONS
    max_bytes: int = 1024 * 1024
    debounce_s: float = 0.75  # a file is read once it has been quiet this long
    max_delay_s: float = 5.0  # ...or at the latest this long after its first change
    per_minute_cap: int = 500  # words credited in any 60 s
    per_hour_cap: int = 3000  # words credited in any hour
    fresh_s: float = 120.0  # a new file older than this (moved or copied in) is not credited
    burst_files: int = 20  # more files than this changing within burst_window_s: a tool
    burst_window_s: float = 3.0
    scan_limit: int = 10_000  # files read as the baseline when a folder starts being watched
    max_tracked_files: int = 20_000  # texts kept (compressed) to diff against; oldest dropped
    removed_memory: int = 2_000  # removed passages remembered per file (cut/paste, moves)
    retry_missing_s: float = 30.0  # how often a configured folder that does not exist is retried


# ------------------------------------------------------------------------ watcher


@dataclass
class _Pending:
    due: float
    deadline: float
    arrived: bool = False  # created or moved in (not just modified)
    synthetic: bool = True  # only synthetic events so far (a directory moved or copied in)
    moved_from: str | None = None


class _Handler(FileSystemEventHandler):
    """Runs on watchdog's thread: only notes which paths changed."""

    def __init__(self, watcher: OutputWatcher) -> None:
        self._watcher = watcher

    def on_created(self, event: DirCreatedEvent | FileCreatedEvent) -> None:
        if not event.is_directory:
            self._watcher._note(os.fsdecode(event.src_path), arrived=True, real=_real(event))

    def on_modified(self, event: DirModifiedEvent | FileModifiedEvent) -> None:
        if not event.is_directory:
            self._watcher._note(os.fsdecode(event.src_path), real=_real(event))

    def on_closed(self, event: FileClosedEvent) -> None:
        self._watcher._note(os.fsdecode(event.src_path), real=_real(event))

    def on_moved(self, event: DirMovedEvent | FileMovedEvent) -> None:
        if not event.is_directory:
            self._watcher._note(
                os.fsdecode(event.dest_path),
                arrived=True,
                real=_real(event),
                moved_from=os.fsdecode(event.src_path),
            )


def _real(event: FileSystemEvent) -> bool:
    return not event.is_synthetic


_EVENT_TYPES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileClosedEvent,
]


class OutputWatcher(WatcherThreads):
    """Watches the output folders and ingests the words added to text files in them.

    ``ingest`` takes a list of wire-shaped events (``Ingestor.ingest``);
    ``folders`` says which folders to watch (usually
    ``lambda: output_folders(app.config())``) and is read again by
    :meth:`refresh`; ``clock`` gives epoch milliseconds (event times and caps);
    ``settings`` gives the app settings (``store_paths``: send the file path).
    """

    def __init__(
        self,
        ingest: Callable[[list[dict[str, Any]]], object],
        folders: Callable[[], Sequence[Path]],
        clock: Callable[[], int],
        settings: Callable[[], Settings] = Settings,
        options: OutputOptions | None = None,
    ) -> None:
        self._ingest = ingest
        self._folders = folders
        self._clock = clock
        self._settings = settings
        self.options = options or OutputOptions()
        self._extensions = frozenset(e.lower() for e in self.options.extensions)
        self._handler = _Handler(self)

        self._state = threading.RLock()  # observer, watches, roots
        self._observer: BaseObserver | None = None
        self._worker: threading.Thread | None = None
        self._watches: dict[PurePath, ObservedWatch] = {}
        self._roots: tuple[Root, ...] = ()
        self._missing: tuple[Path, ...] = ()
        self._scanned: set[Path] = set()  # roots whose files were read as the baseline
        self._watched: tuple[Path, ...] = ()

        self._cond = threading.Condition()  # pending, scans, recent, busy, stopping
        self._pending: dict[str, _Pending] = {}
        self._scans: collections.deque[Root] = collections.deque()
        self._recent: dict[str, float] = {}
        self._busy = False
        self._stopping = False

        # Worker thread only.
        self._texts = WrittenTexts(self.options.max_tracked_files, self.options.removed_memory)
        self._caps = WordCaps(self.options.per_minute_cap, self.options.per_hour_cap)
        self._last_retry = 0.0

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Start watching (the folders from ``folders()``); existing files become the baseline."""
        with self._state:
            if self._observer is not None:
                raise RuntimeError("the output watcher is already running")
            with self._cond:
                self._stopping = False
            observer = Observer()
            observer.daemon = True
            observer.start()
            self._observer = observer
            self._worker = threading.Thread(
                target=self._run, name="human-pretraining-output", daemon=True
            )
            self._worker.start()
            self._watches.clear()
            self._scanned.clear()
            self.refresh()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop watching; changes already noticed are read and credited first."""
        with self._state:
            observer, worker = self._observer, self._worker
            self._observer = self._worker = None
            self._watches.clear()
            self._watched = ()
        self._end_threads(observer, worker, timeout)

    @property
    def watched(self) -> list[Path]:
        """The configured output folders being watched now."""
        return list(self._watched)

    def refresh(self) -> None:
        """Read ``folders()`` again: watch new folders (baselining their files), drop old ones.

        Call it when the configuration changes. Folders that do not exist yet are
        retried every ``retry_missing_s`` while the watcher runs.
        """
        try:
            folders = list(self._folders())
        except Exception:
            log.exception("could not read the output folders; keeping the current ones")
            return
        roots, missing = roots_for(folders)
        with self._state:
            newly_missing = set(missing) - set(self._missing)
            self._roots, self._missing = roots, missing
            observer = self._observer
            if observer is None:
                return
            self._last_retry = time.monotonic()
            present = [r for r in roots if r.path not in missing]
            wanted = watch_cover(present)
            for base in set(self._watches) - set(wanted):
                with contextlib.suppress(KeyError):
                    observer.unschedule(self._watches.pop(base))
            for base in wanted:
                if base not in self._watches:
                    try:
                        self._watches[base] = observer.schedule(
                            self._handler, str(base), recursive=True, event_filter=_EVENT_TYPES
                        )
                    except OSError as exc:
                        log.warning("cannot watch the output folder %s: %s", base, exc)
                        if sys.platform.startswith("linux"):
                            log.warning(
                                "with very many subfolders, raise the inotify limit "
                                "(sysctl fs.inotify.max_user_watches)"
                            )
            watched = {base for base in wanted if base in self._watches}
            covered = [r for r in present if any(is_under(b, watched) for b in r.bases)]
            self._watched = tuple(r.path for r in covered)
            fresh = [r for r in covered if r.path not in self._scanned]
            self._scanned = {r.path for r in covered}
        for path in sorted(newly_missing):
            log.info("the output folder %s does not exist (yet); it is not watched", path)
        if fresh:
            with self._cond:
                self._scans.extend(fresh)
                self._cond.notify_all()

    def knows(self, path: Path) -> bool:
        """Whether the watcher holds the text of ``path`` to diff its next change against."""
        target = self._target(str(path))
        return target is not None and target.key in self._texts

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every change noticed so far is processed; False on timeout (tests)."""
        with self._cond:
            return self._cond.wait_for(
                lambda: not self._pending and not self._scans and not self._busy, timeout
            )

    # ------------------------------------------------------- watchdog thread side

    def _note(
        self, path: str, *, arrived: bool = False, real: bool = True, moved_from: str | None = None
    ) -> None:
        target = self._target(path)
        if target is None:
            return
        source = self._target(moved_from) if moved_from is not None else None
        now = time.monotonic()
        with self._cond:
            pending = self._pending.get(target.key)
            if pending is None:
                pending = self._pending[target.key] = _Pending(
                    due=now, deadline=now + self.options.max_delay_s
                )
            pending.due = min(now + self.options.debounce_s, pending.deadline)
            pending.arrived = pending.arrived or arrived
            pending.synthetic = pending.synthetic and not real
            if source is not None:
                pending.moved_from = source.key
            self._recent[target.key] = now
            self._cond.notify_all()

    def _target(self, path: str) -> Target | None:
        """The root ``path`` belongs to, or None if it is no file worth reading (no I/O)."""
        return target_for(path, self._roots, self._extensions)

    # ---------------------------------------------------------------- worker side

    def _next_job(self) -> tuple[Root | None, list[tuple[str, _Pending]], int, bool]:
        """Wait for work: (a folder to baseline, files due, files in a burst or 0, stopping?)."""
        with self._cond:
            while True:
                now = time.monotonic()
                if self._stopping:
                    due = list(self._pending.items())
                    self._pending.clear()
                    self._scans.clear()
                    self._busy = True
                    return None, due, self._burst(now), True
                if self._scans:
                    self._busy = True
                    return self._scans.popleft(), [], 0, False
                due = [(key, p) for key, p in self._pending.items() if p.due <= now]
                if due:
                    for key, _ in due:
                        del self._pending[key]
                    self._busy = True
                    return None, due, self._burst(now), False
                waits = [p.due - now for p in self._pending.values()]
                if self._missing:
                    retry_in = self._last_retry + self.options.retry_missing_s - now
                    if retry_in <= 0:
                        self._busy = True
                        return None, [], 0, False
                    waits.append(retry_in)
                self._busy = False
                self._cond.notify_all()
                self._cond.wait(min(waits) if waits else None)

    def _run(self) -> None:
        while True:
            scan, due, burst, stopping = self._next_job()
            if burst:
                log.info(
                    "%d files changed at once (a checkout, a sync or a generator?); "
                    "their words are not credited",
                    burst,
                )
            for key, pending in due:
                try:
                    self._process(key, pending, bool(burst))
                except Exception:  # a bug must not stop the watcher
                    log.exception("the output watcher failed to read %s", key)
            try:
                if scan is not None:
                    self._scan(scan)
                elif not due and not stopping:
                    self._retry_missing()
            except Exception:
                log.exception("the output watcher failed to look at its folders")
            with self._cond:
                self._busy = False
                self._cond.notify_all()
            if stopping:
                return

    def _burst(self, now: float) -> int:
        """How many files changed lately if more than ``burst_files`` did (a tool), else 0."""
        horizon = now - self.options.burst_window_s - self.options.max_delay_s
        for key in [k for k, t in self._recent.items() if t < horizon]:
            del self._recent[key]
        window = now - self.options.burst_window_s - self.options.debounce_s
        changed = sum(1 for t in self._recent.values() if t >= window)
        return changed if changed > self.options.burst_files else 0

    def _retry_missing(self) -> None:
        with self._state:
            self._last_retry = time.monotonic()
            appeared = any(path.is_dir() for path in self._missing)
        if appeared:
            self.refresh()

    def _scan(self, root: Root) -> None:
        """Remember the text of every file already in ``root`` (not credited)."""
        count = 0
        for dirpath, dirnames, filenames in os.walk(root.path):
            if self._stopping:
                return
            if "pyvenv.cfg" in filenames and Path(dirpath) != root.path:
                dirnames[:] = []
                continue
            dirnames[:] = [d for d in dirnames if not ignored_dir(d)]
            for name in filenames:
                target = self._target(os.path.join(dirpath, name))
                if target is None or target.key in self._texts:
                    continue
                read = read_text(target.key, self.options.max_bytes)
                if read is not None:
                    self._texts.baseline(target.key, read[0])
                    count += 1
                    if count >= self.options.scan_limit:
                        log.info(
                            "the output folder %s has more than %d text files; only those "
                            "read so far pay from their first change",
                            root.path,
                            count,
                        )
                        return
        log.debug("output folder %s: %d text files read as the baseline", root.path, count)

    def _process(self, key: str, pending: _Pending, burst: bool) -> None:
        target = self._target(key)
        if target is None or in_virtualenv(target):
            return
        read = read_text(key, self.options.max_bytes)
        if read is None:
            return
        text, mtime = read
        credit = self._texts.added(
            key, text, fresh=self._is_new(pending, mtime), moved_from=pending.moved_from
        )
        if credit and not burst:
            self._report(target, credit)

    def _is_new(self, pending: _Pending, mtime: float) -> bool:
        """Whether an unknown file was written here just now (not moved or copied in)."""
        recent = time.time() - mtime <= self.options.fresh_s
        return pending.arrived and not pending.synthetic and recent

    def _report(self, target: Target, words: int) -> None:
        now = self._clock()
        allowed = self._caps.allowance(words, now)
        if allowed < words:
            log.info(
                "%d words added to %s; the caps (%d a minute, %d an hour) allow %d",
                words,
                target.key,
                self.options.per_minute_cap,
                self.options.per_hour_cap,
                allowed,
            )
        if allowed <= 0:
            return
        event: dict[str, Any] = {
            "id": new_event_id(now),
            "source": "output",
            "subject": target.root.subject,
            "start": rfc3339(now),
            "duration": 0,
            "signals": {"words": allowed},
        }
        try:
            if self._settings().store_paths:
                event["detail"] = {"path": Path(target.key).as_posix()}
            self._ingest([event])
        except Exception:
            log.exception("could not record %d words written to %s", allowed, target.key)
            return
        self._caps.record(now, allowed)
        log.debug("%d words written to %s", allowed, target.key)
