"""Which files the output watcher reads: the output folders, and the files in them that count.

The folders are those of the folder rules (:func:`output_folders`), each a
:class:`Root` (deepest first, so a file belongs to the most specific folder);
:func:`watch_cover` picks the fewest folders to watch recursively. A path is a
:class:`Target` worth reading (:func:`target_for`) if its extension is a text one
and neither its name (swap, lock, backup and probe files: ``.#x``, ``x~``,
``.x.swp``, ``4913``...) nor a folder on the way (version control, dependencies,
builds, hidden folders) is ignored. When read (:func:`read_text`), binaries (a NUL
byte in the first 8 KiB) and files over the size limit are skipped, and so are
virtual environments (any folder with ``pyvenv.cfg``, :func:`in_virtualenv`).
"""

from __future__ import annotations

import fnmatch
import logging
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from human_pretraining.core.model import Config, FolderMatcher

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


def output_folders(config: Config) -> list[Path]:
    """Every folder of an output (folder) rule in ``config``, in file order, once each."""
    seen: dict[str, None] = {}
    for rule in config.rules:
        if isinstance(rule.matcher, FolderMatcher):
            seen.setdefault(rule.matcher.path, None)
    return [Path(p) for p in seen]


@dataclass(frozen=True)
class Root:
    """One configured output folder: the subject its events carry, and where it lives."""

    subject: str  # the rule's folder, as configured (posix separators)
    path: Path  # the same, as a Path (what files are keyed by)
    bases: tuple[PurePath, ...]  # the configured path and its resolved form (symlinks)


@dataclass(frozen=True)
class Target:
    """A file worth reading, and the configured output folder it belongs to."""

    root: Root
    key: str  # the file's path under the root's configured path
    rel: PurePath


def target_for(path: str, roots: Sequence[Root], extensions: frozenset[str]) -> Target | None:
    """The root ``path`` belongs to, or None if it is no file worth reading (no I/O).

    ``roots`` deepest first; ``extensions`` in lower case.
    """
    pure = PurePath(path)
    if pure.suffix.lower() not in extensions:
        return None
    if any(fnmatch.fnmatch(pure.name, pattern) for pattern in IGNORED_NAMES):
        return None
    for root in roots:  # deepest first
        for base in root.bases:
            if pure.is_relative_to(base):
                rel = pure.relative_to(base)
                if any(ignored_dir(part) for part in rel.parts[:-1]):
                    return None
                return Target(root, str(root.path / rel), rel)
    return None


def ignored_dir(name: str) -> bool:
    """Whether a folder of this name is never looked into (besides ``pyvenv.cfg`` ones)."""
    return name in IGNORED_DIRS or name.startswith(".")


def in_virtualenv(target: Target) -> bool:
    """Whether a folder between the root and the file holds ``pyvenv.cfg`` (``env/`` etc.)."""
    folder = target.root.path
    for part in target.rel.parts[:-1]:
        folder = folder / part
        if (folder / "pyvenv.cfg").exists():
            return True
    return False


def read_text(path: str, max_bytes: int) -> tuple[str, float] | None:
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


def roots_for(folders: Sequence[Path]) -> tuple[tuple[Root, ...], tuple[Path, ...]]:
    """Roots (deepest first, so a file belongs to the most specific folder) and missing ones."""
    roots: dict[Path, Root] = {}
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
        roots[path] = Root(path.as_posix(), path, bases)
        if not path.is_dir():
            missing.append(path)
    ordered = sorted(roots.values(), key=lambda r: len(r.path.parts), reverse=True)
    return tuple(ordered), tuple(missing)


def watch_cover(roots: Sequence[Root]) -> list[PurePath]:
    """The fewest folders to watch recursively so every root is covered once (resolved paths)."""
    chosen: list[PurePath] = []
    for base in sorted({r.bases[-1] for r in roots}, key=lambda p: len(p.parts)):
        if not is_under(base, set(chosen)):
            chosen.append(base)
    return chosen


def is_under(path: PurePath, bases: set[PurePath]) -> bool:
    """Whether ``path`` is one of ``bases`` or inside one."""
    return any(path.is_relative_to(base) for base in bases)
