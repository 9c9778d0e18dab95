"""Where things are in a TOML text: lines of tables, keys and array-of-tables entries.

A small line scanner for *valid* TOML (callers parse with :mod:`tomllib`
first). It classifies every physical line (blank, comment, table header, start
of a ``key = value`` or continuation of a multi-line value), resolves each
header and key to its absolute path (``("rules", 2, "rate")``: the third
``[[rules]]`` entry's ``rate``), and from that answers two questions:

* which line a field such as ``rules[2].schedule.hours`` is on, for error
  messages (:meth:`Layout.line_of`);
* which lines make up each ``[[rules]]`` entry, including the comments directly
  above its header, so entries can be added, removed and moved as text without
  disturbing anything else (:meth:`Layout.entries`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

PathPart = str | int
FieldPath = tuple[PathPart, ...]


class Kind(Enum):
    BLANK = "blank"
    COMMENT = "comment"
    HEADER = "header"
    ASSIGN = "assign"
    CONTINUATION = "continuation"


@dataclass(frozen=True)
class Assignment:
    """One ``key = value``; ``end`` is exclusive and covers multi-line values."""

    path: FieldPath
    start: int
    end: int


@dataclass
class Block:
    """A table: its header (``None`` for the root) and the assignments under it."""

    header_line: int | None
    path: FieldPath
    is_array: bool
    assignments: list[Assignment] = field(default_factory=list)
    end: int = 0  # exclusive: the next header's line, or the number of lines


@dataclass(frozen=True)
class Entry:
    """One ``[[name]]`` entry as line numbers (0-based, ends exclusive).

    ``lead`` is the first line of the comments directly above the header (or
    the header itself), ``content_end`` follows its last value plus any comment
    lines directly below it, and ``end`` also swallows the blank lines after it.
    """

    lead: int
    header: int
    body_end: int  # after the last assignment (before trailing comments)
    content_end: int
    end: int
    main: Block


_FIELD_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def parse_field(text: str) -> FieldPath:
    """``"rules[2].schedule.hours"`` -> ``("rules", 2, "schedule", "hours")``."""
    parts: list[PathPart] = []
    for match in _FIELD_TOKEN.finditer(text):
        index, name = match.groups()
        parts.append(int(index) if index is not None else name)
    return tuple(parts)


def _key_path(key_text: str) -> tuple[str, ...]:
    """Resolve a TOML key (bare, quoted or dotted) to its parts using tomllib itself."""
    data: Any = tomllib.loads(f"{key_text} = 0")
    parts: list[str] = []
    while isinstance(data, dict):
        (name, data), *_ = data.items()
        parts.append(name)
    return tuple(parts)


class _Scanner:
    """Tracks strings, brackets and comments across lines of valid TOML."""

    def __init__(self) -> None:
        self.multiline: str | None = None  # '"""' or "'''" while inside one
        self.depth = 0  # open [ and { of a value

    @property
    def continuing(self) -> bool:
        return self.multiline is not None or self.depth > 0

    def feed(self, line: str, start: int = 0) -> None:
        """Consume the value part of ``line`` from ``start``."""
        i, n = start, len(line)
        while i < n:
            if self.multiline is not None:
                i = self._in_multiline(line, i)
                continue
            char = line[i]
            if char == "#":
                return
            if line.startswith('"""', i) or line.startswith("'''", i):
                self.multiline = line[i : i + 3]
                i += 3
            elif char in "\"'":
                i = self._skip_string(line, i)
            elif char in "[{":
                self.depth += 1
                i += 1
            elif char in "]}":
                self.depth -= 1
                i += 1
            else:
                i += 1

    def _in_multiline(self, line: str, i: int) -> int:
        assert self.multiline is not None
        quote = self.multiline
        n = len(line)
        while i < n:
            if quote == '"""' and line[i] == "\\":
                i += 2
                continue
            if line.startswith(quote, i):
                run = i
                while run < n and line[run] == quote[0]:
                    run += 1
                self.multiline = None
                return run
            i += 1
        return n

    @staticmethod
    def _skip_string(line: str, i: int) -> int:
        quote = line[i]
        i += 1
        while i < len(line):
            if quote == '"' and line[i] == "\\":
                i += 2
                continue
            if line[i] == quote:
                return i + 1
            i += 1
        return i


def _split_key(line: str) -> tuple[str, int]:
    """The key text of ``key = value`` and the index just after the ``=``."""
    i, n = 0, len(line)
    while i < n:
        char = line[i]
        if char in "\"'":
            i = _Scanner._skip_string(line, i)
            continue
        if char == "=":
            return line[:i].strip(), i + 1
        i += 1
    return line.strip(), n


def _header_key(line: str) -> tuple[str, bool, int]:
    """The key text inside ``[a.b]`` / ``[[a.b]]``, whether it is an array, and the end index."""
    stripped = line.lstrip()
    offset = len(line) - len(stripped)
    is_array = stripped.startswith("[[")
    i = offset + (2 if is_array else 1)
    begin = i
    while i < len(line):
        char = line[i]
        if char in "\"'":
            i = _Scanner._skip_string(line, i)
            continue
        if char == "]":
            break
        i += 1
    return line[begin:i].strip(), is_array, i + (2 if is_array else 1)


class Layout:
    """The scanned structure of one TOML text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.kinds: list[Kind] = []
        self.blocks: list[Block] = []
        self._scan()

    def _scan(self) -> None:
        scanner = _Scanner()
        arrays: dict[FieldPath, int] = {}
        block = Block(header_line=None, path=(), is_array=False)
        self.blocks.append(block)
        pending: tuple[FieldPath, int] | None = None  # an assignment still being read
        for number, line in enumerate(self.lines):
            if scanner.continuing:
                self.kinds.append(Kind.CONTINUATION)
                scanner.feed(line)
                if not scanner.continuing and pending is not None:
                    block.assignments.append(Assignment(pending[0], pending[1], number + 1))
                    pending = None
                continue
            stripped = line.strip()
            if not stripped:
                self.kinds.append(Kind.BLANK)
            elif stripped.startswith("#"):
                self.kinds.append(Kind.COMMENT)
            elif stripped.startswith("["):
                self.kinds.append(Kind.HEADER)
                key_text, is_array, after = _header_key(line)
                raw = _key_path(key_text)
                resolved = self._resolve(raw, arrays, is_array)
                block.end = number
                block = Block(header_line=number, path=resolved, is_array=is_array)
                self.blocks.append(block)
                scanner.feed(line, after)
            else:
                self.kinds.append(Kind.ASSIGN)
                key_text, after = _split_key(line)
                path = block.path + _key_path(key_text)
                scanner.feed(line, after)
                if scanner.continuing:
                    pending = (path, number)
                else:
                    block.assignments.append(Assignment(path, number, number + 1))
        block.end = len(self.lines)

    @staticmethod
    def _resolve(raw: tuple[str, ...], arrays: dict[FieldPath, int], is_array: bool) -> FieldPath:
        resolved: FieldPath = ()
        for position, part in enumerate(raw):
            resolved += (part,)
            last = position == len(raw) - 1
            if last and is_array:
                arrays[resolved] = arrays.get(resolved, 0) + 1
                return (*resolved, arrays[resolved] - 1)
            if resolved in arrays:
                resolved += (arrays[resolved] - 1,)
        return resolved

    # ------------------------------------------------------------------ lookups

    def line_of(self, field_name: str) -> int | None:
        """1-based line of the value ``field_name`` names, or of its nearest enclosing table.

        ``rules[2].rate`` finds the ``rate =`` line of the third ``[[rules]]``
        entry; if that key is absent, the entry's header line. ``None`` when
        nothing in the file matches (e.g. the field is missing altogether).
        """
        target = parse_field(field_name)
        if not target:
            return None
        candidates: list[tuple[FieldPath, int]] = []
        for block in self.blocks:
            if block.header_line is not None:
                candidates.append((block.path, block.header_line))
            candidates.extend((a.path, a.start) for a in block.assignments)
        # The field itself, or the first thing inside it (``rule`` -> its ``[[rule]]``)...
        inside = [line for path, line in candidates if path[: len(target)] == target]
        if inside:
            return min(inside) + 1
        # ...else the nearest enclosing value or table (a missing key -> its table header).
        best: tuple[int, int] | None = None  # (matched length, line)
        for path, line in candidates:
            if path and target[: len(path)] == path and (best is None or len(path) > best[0]):
                best = (len(path), line)
        return None if best is None else best[1] + 1

    def entries(self, name: str) -> list[Entry]:
        """The ``[[name]]`` entries of a top-level array of tables, in file order."""
        result: list[Entry] = []
        blocks = self.blocks
        for index, block in enumerate(blocks):
            if not (block.is_array and len(block.path) == 2 and block.path[0] == name):
                continue
            assert block.header_line is not None
            own = [block]
            for later in blocks[index + 1 :]:
                if later.path[:2] != block.path:
                    break
                own.append(later)
            body_end = max(
                [block.header_line + 1]
                + [b.header_line + 1 for b in own if b.header_line is not None]
                + [a.end for b in own for a in b.assignments]
            )
            result.append(self._entry(block, body_end, own[-1].end))
        return result

    def _entry(self, block: Block, body_end: int, span_end: int) -> Entry:
        assert block.header_line is not None
        header = block.header_line
        lead = header
        while lead > 0 and self.kinds[lead - 1] is Kind.COMMENT:
            lead -= 1
        content_end = body_end
        run = body_end
        while run < span_end and self.kinds[run] is Kind.COMMENT:
            run += 1
        if run >= len(self.lines) or self.kinds[run] is Kind.BLANK:
            content_end = run  # comments hanging below the entry belong to it
        end = content_end
        while end < len(self.lines) and self.kinds[end] is Kind.BLANK:
            end += 1
        return Entry(
            lead=lead,
            header=header,
            body_end=body_end,
            content_end=content_end,
            end=end,
            main=block,
        )

    def table(self, path: FieldPath) -> Block | None:
        """The block whose header resolves to ``path`` (``("settings",)``), if any."""
        return next((b for b in self.blocks if b.header_line is not None and b.path == path), None)
