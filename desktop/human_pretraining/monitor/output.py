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
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import fnmatch
import hashlib
import logging
import os
import stat
import sys
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
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

from human_pretraining.core.ids import new_event_id
from human_pretraining.core.model import Config, FolderMatcher, Settings
from human_pretraining.core.words import Segment, WordChanges, word_changes
from human_pretraining.monitor.watching import WatcherThreads

log = logging.getLogger(__name__)

TEXT_EXTENSIONS = frozenset(
    {
        # prose and markup
        ".md", ".markdown", ".mdx", ".txt", ".text", ".tex", ".rst", ".org", ".adoc",
        ".typ", ".fountain", ".qmd", ".rmd", ".html", ".css", ".scss",
        # code
        ".py", ".js", ".ts", ".tsx", ".jsx", ".java", ".c", ".h", ".cpp", ".hpp", ".cs",
        ".go", ".rs", ".rb", ".php", ".swift", ".kt", ".scala", ".sh",
        # data people write by hand
        ".json", ".yaml", ".yml", ".toml",
    }
)  # fmt: skip
"""Extensions read by default (compared in lower case). Notebooks (``.ipynb``: JSON
with outputs) and ``.csv`` (exports) are left out on purpose."""

IGNORED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", ".idea", ".vscode", ".obsidian",
        "dist", "build", "target",
    }
)  # fmt: skip
"""Folder names never looked into (besides every hidden folder and every folder
holding a ``pyvenv.cfg``, i.e. a virtual environment such as ``env``)."""

IGNORED_NAMES = (
    ".#*",  # Emacs lock files
    "#*#",  # Emacs auto-save files
    "*~",  # backups (vim, Emacs, gedit)
    "*.swp", "*.swx", "*.swo", "*.swn",  # vim swap files
    "*.tmp", "*.temp", "*.bak",  # temporary and backup files
    "4913",  # vim's probe whether it may write in the folder
    "~$*", ".~lock.*",  # office lock files
    "*___jb_tmp___", "*___jb_old___",  # JetBrains safe write
    ".goutputstream-*",  # GTK (gedit) atomic saves
)  # fmt: skip
"""File name patterns that are editor by-products, never writing."""


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


def output_folders(config: Config) -> list[Path]:
    """Every folder of an output (folder) rule in ``config``, in file order, once each."""
    seen: dict[str, None] = {}
    for rule in config.rules:
        if isinstance(rule.matcher, FolderMatcher):
            seen.setdefault(rule.matcher.path, None)
    return [Path(p) for p in seen]


def rfc3339(unix_ms: int) -> str:
    """``2026-11-26T14:00:00.000+00:00`` for epoch milliseconds."""
    return datetime.fromtimestamp(unix_ms / 1000, UTC).isoformat(timespec="milliseconds")


# ------------------------------------------------------------------------ watcher


@dataclass(frozen=True)
class _Root:
    """One configured output folder: the subject its events carry, and where it lives."""

    subject: str  # the rule's folder, as configured (posix separators)
    path: Path  # the same, as a Path (what files are keyed by)
    bases: tuple[PurePath, ...]  # the configured path and its resolved form (symlinks)


@dataclass(frozen=True)
class _Target:
    root: _Root
    key: str  # the file's path under the root's configured path
    rel: PurePath


@dataclass
class _Pending:
    due: float
    deadline: float
    arrived: bool = False  # created or moved in (not just modified)
    synthetic: bool = True  # only synthetic events so far (a directory moved or copied in)
    moved_from: str | None = None


@dataclass
class _Known:
    """What the watcher last saw in a file, compressed, and passages removed from it."""

    data: bytes
    digest: bytes
    removed: dict[Segment, int] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, removed: dict[Segment, int] | None = None) -> _Known:
        raw = text.encode("utf-8")
        digest = hashlib.blake2b(raw, digest_size=16).digest()
        return cls(zlib.compress(raw, 1), digest, removed if removed is not None else {})

    @property
    def text(self) -> str:
        return zlib.decompress(self.data).decode("utf-8")


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
        self._roots: tuple[_Root, ...] = ()
        self._missing: tuple[Path, ...] = ()
        self._scanned: set[Path] = set()  # roots whose files were read as the baseline
        self._watched: tuple[Path, ...] = ()

        self._cond = threading.Condition()  # pending, scans, recent, busy, stopping
        self._pending: dict[str, _Pending] = {}
        self._scans: collections.deque[_Root] = collections.deque()
        self._recent: dict[str, float] = {}
        self._busy = False
        self._stopping = False

        # Worker thread only.
        self._known: collections.OrderedDict[str, _Known] = collections.OrderedDict()
        self._digests: dict[bytes, int] = {}  # texts of known files (copies, renames)
        self._credits: collections.deque[tuple[int, int]] = collections.deque()
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
        roots, missing = _roots_for(folders)
        with self._state:
            newly_missing = set(missing) - set(self._missing)
            self._roots, self._missing = roots, missing
            observer = self._observer
            if observer is None:
                return
            self._last_retry = time.monotonic()
            present = [r for r in roots if r.path not in missing]
            wanted = _cover(present)
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
            covered = [r for r in present if any(_under(b, watched) for b in r.bases)]
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
        return target is not None and target.key in self._known

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

    def _target(self, path: str) -> _Target | None:
        """The root ``path`` belongs to, or None if it is no file worth reading (no I/O)."""
        pure = PurePath(path)
        if pure.suffix.lower() not in self._extensions:
            return None
        if any(fnmatch.fnmatch(pure.name, pattern) for pattern in IGNORED_NAMES):
            return None
        for root in self._roots:  # deepest first
            for base in root.bases:
                if pure.is_relative_to(base):
                    rel = pure.relative_to(base)
                    if any(_ignored_dir(part) for part in rel.parts[:-1]):
                        return None
                    return _Target(root, str(root.path / rel), rel)
        return None

    # ---------------------------------------------------------------- worker side

    def _next_job(self) -> tuple[_Root | None, list[tuple[str, _Pending]], int, bool]:
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

    def _scan(self, root: _Root) -> None:
        """Remember the text of every file already in ``root`` (not credited)."""
        count = 0
        for dirpath, dirnames, filenames in os.walk(root.path):
            if self._stopping:
                return
            if "pyvenv.cfg" in filenames and Path(dirpath) != root.path:
                dirnames[:] = []
                continue
            dirnames[:] = [d for d in dirnames if not _ignored_dir(d)]
            for name in filenames:
                target = self._target(os.path.join(dirpath, name))
                if target is None or target.key in self._known:
                    continue
                read = _read(target.key, self.options.max_bytes)
                if read is not None:
                    self._remember(target.key, _Known.of(read[0]))
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
        if target is None or _in_virtualenv(target):
            return
        read = _read(key, self.options.max_bytes)
        if read is None:
            return
        text, mtime = read
        known = self._known.get(key)
        if known is None and pending.moved_from is not None:
            source = self._known.get(pending.moved_from)
            if source is not None:  # a rename inside the folders: the text comes along
                known = _Known(source.data, source.digest, dict(source.removed))
        if known is None:
            first = _Known.of(text)
            if not self._is_new(pending, mtime) or first.digest in self._digests:
                # First sight of a file that already existed, or a copy of a known file
                # (a rename watchdog could not pair, a template): only later writing pays.
                self._remember(key, first)
                return
            known = _Known.of("")
        changes = word_changes(known.text, text)
        credit = _settle_removed(changes, known.removed, self.options.removed_memory)
        self._remember(key, _Known.of(text, known.removed))
        if credit and not burst:
            self._report(target, credit)

    def _is_new(self, pending: _Pending, mtime: float) -> bool:
        """Whether an unknown file was written here just now (not moved or copied in)."""
        recent = time.time() - mtime <= self.options.fresh_s
        return pending.arrived and not pending.synthetic and recent

    def _remember(self, key: str, known: _Known) -> None:
        old = self._known.pop(key, None)
        if old is not None:
            self._forget(old)
        self._known[key] = known
        self._digests[known.digest] = self._digests.get(known.digest, 0) + 1
        while len(self._known) > self.options.max_tracked_files:
            self._forget(self._known.popitem(last=False)[1])

    def _forget(self, known: _Known) -> None:
        count = self._digests.pop(known.digest, 0)
        if count > 1:
            self._digests[known.digest] = count - 1

    def _allowance(self, wanted: int, now: int) -> int:
        """How many of ``wanted`` words the per-minute and per-hour caps still allow."""
        while self._credits and self._credits[0][0] <= now - 3_600_000:
            self._credits.popleft()
        last_hour = sum(words for _, words in self._credits)
        first_in_minute = bisect.bisect_right(self._credits, now - 60_000, key=lambda c: c[0])
        last_minute = sum(words for _, words in list(self._credits)[first_in_minute:])
        return max(
            0,
            min(
                wanted,
                self.options.per_minute_cap - last_minute,
                self.options.per_hour_cap - last_hour,
            ),
        )

    def _report(self, target: _Target, words: int) -> None:
        now = self._clock()
        allowed = self._allowance(words, now)
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
        self._credits.append((now, allowed))
        log.debug("%d words written to %s", allowed, target.key)


# ------------------------------------------------------------------------ helpers


def _ignored_dir(name: str) -> bool:
    return name in IGNORED_DIRS or name.startswith(".")


def _in_virtualenv(target: _Target) -> bool:
    """Whether a folder between the root and the file holds ``pyvenv.cfg`` (``env/`` etc.)."""
    folder = target.root.path
    for part in target.rel.parts[:-1]:
        folder = folder / part
        if (folder / "pyvenv.cfg").exists():
            return True
    return False


def _read(path: str, max_bytes: int) -> tuple[str, float] | None:
    """The text of a regular file and its modification time; None for binaries and big files."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        return None  # a temporary file renamed away, or deleted since
    except OSError as exc:
        log.info("cannot read %s: %s", path, exc)
        return None
    if len(data) > max_bytes or b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace"), info.st_mtime


def _settle_removed(changes: WordChanges, removed: dict[Segment, int], memory: int) -> int:
    """Words to credit: inserted passages, minus those that were removed before (moves, undo).

    Passages this edit removed are remembered first, so moving a paragraph within one
    save pays nothing either.
    """
    for segment in changes.removed:
        removed[segment] = removed.get(segment, 0) + 1
    credit = 0
    for segment in changes.inserted:
        seen = removed.get(segment, 0)
        if seen > 1:
            removed[segment] = seen - 1
        elif seen == 1:
            del removed[segment]
        else:
            credit += len(segment)
    while len(removed) > memory:
        del removed[next(iter(removed))]
    return credit


def _roots_for(folders: Sequence[Path]) -> tuple[tuple[_Root, ...], tuple[Path, ...]]:
    """Roots (deepest first, so a file belongs to the most specific folder) and missing ones."""
    roots: dict[Path, _Root] = {}
    missing: list[Path] = []
    for folder in folders:
        path = Path(folder).expanduser()
        if path in roots:
            continue
        try:
            resolved = path.resolve()
        except OSError:
            resolved = path
        bases = (path,) if resolved == path else (path, resolved)
        roots[path] = _Root(path.as_posix(), path, bases)
        if not path.is_dir():
            missing.append(path)
    ordered = sorted(roots.values(), key=lambda r: len(r.path.parts), reverse=True)
    return tuple(ordered), tuple(missing)


def _cover(roots: Sequence[_Root]) -> list[PurePath]:
    """The fewest folders to watch recursively so every root is covered once (resolved paths)."""
    chosen: list[PurePath] = []
    for base in sorted({r.bases[-1] for r in roots}, key=lambda p: len(p.parts)):
        if not _under(base, set(chosen)):
            chosen.append(base)
    return chosen


def _under(path: PurePath, bases: set[PurePath]) -> bool:
    return any(path.is_relative_to(base) for base in bases)
