"""Which words written to files earn credit: the bookkeeping behind the output watcher.

:class:`WrittenTexts` remembers the last text seen of each file and says how
many words a new version adds (:func:`~human_pretraining.core.words.word_changes`),
minus passages that were removed before: cutting a passage, saving and pasting it
back (or moving it) pays nothing. The first sight of a file that already existed,
or of a copy of a known file, is a baseline, not credited.

:class:`WordCaps` holds the words credited lately and says how many more the
per-minute and per-hour caps (all files together) still allow.

Pure bookkeeping: no I/O, no clocks (times are passed in); ``monitor.output``
reads the files and feeds them here from its one worker thread.
"""

from __future__ import annotations

import bisect
import collections
import hashlib
import zlib
from dataclasses import dataclass, field

from human_pretraining.core.words import Segment, WordChanges, word_changes


@dataclass
class KnownText:
    """What was last seen in a file, compressed, and passages removed from it."""

    data: bytes
    digest: bytes
    removed: dict[Segment, int] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, removed: dict[Segment, int] | None = None) -> KnownText:
        raw = text.encode("utf-8")
        digest = hashlib.blake2b(raw, digest_size=16).digest()
        return cls(zlib.compress(raw, 1), digest, removed if removed is not None else {})

    @property
    def text(self) -> str:
        return zlib.decompress(self.data).decode("utf-8")


class WrittenTexts:
    """The last text of each file (by key), at most ``max_files`` (least recently changed
    dropped first), and at most ``removed_memory`` removed passages per file."""

    def __init__(self, max_files: int, removed_memory: int) -> None:
        self.max_files = max_files
        self.removed_memory = removed_memory
        self._known: collections.OrderedDict[str, KnownText] = collections.OrderedDict()
        self._digests: dict[bytes, int] = {}  # texts of known files (copies, renames)

    def __contains__(self, key: str) -> bool:
        return key in self._known

    def baseline(self, key: str, text: str) -> None:
        """Remember ``text`` as what ``key`` holds, crediting nothing."""
        self._remember(key, KnownText.of(text))

    def added(self, key: str, text: str, *, fresh: bool, moved_from: str | None = None) -> int:
        """Words to credit now that ``key`` holds ``text``; the text is remembered either way.

        ``fresh``: the file was just written here (not moved or copied in), so if
        it is unknown its whole content counts. ``moved_from``: the key it was
        renamed from, whose text (and removed passages) it carries along.
        """
        known = self._known.get(key)
        if known is None and moved_from is not None:
            source = self._known.get(moved_from)
            if source is not None:  # a rename inside the folders: the text comes along
                known = KnownText(source.data, source.digest, dict(source.removed))
        if known is None:
            first = KnownText.of(text)
            if not fresh or first.digest in self._digests:
                # First sight of a file that already existed, or a copy of a known file
                # (a rename the watcher could not pair, a template): only later writing pays.
                self._remember(key, first)
                return 0
            known = KnownText.of("")
        changes = word_changes(known.text, text)
        credit = _settle_removed(changes, known.removed, self.removed_memory)
        self._remember(key, KnownText.of(text, known.removed))
        return credit

    def _remember(self, key: str, known: KnownText) -> None:
        old = self._known.pop(key, None)
        if old is not None:
            self._forget(old)
        self._known[key] = known
        self._digests[known.digest] = self._digests.get(known.digest, 0) + 1
        while len(self._known) > self.max_files:
            self._forget(self._known.popitem(last=False)[1])

    def _forget(self, known: KnownText) -> None:
        count = self._digests.pop(known.digest, 0)
        if count > 1:
            self._digests[known.digest] = count - 1


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


class WordCaps:
    """Words credited over sliding windows (epoch milliseconds), against two caps."""

    def __init__(self, per_minute: int, per_hour: int) -> None:
        self.per_minute = per_minute
        self.per_hour = per_hour
        self._credits: collections.deque[tuple[int, int]] = collections.deque()

    def allowance(self, wanted: int, now: int) -> int:
        """How many of ``wanted`` words the per-minute and per-hour caps still allow."""
        while self._credits and self._credits[0][0] <= now - 3_600_000:
            self._credits.popleft()
        last_hour = sum(words for _, words in self._credits)
        first_in_minute = bisect.bisect_right(self._credits, now - 60_000, key=lambda c: c[0])
        last_minute = sum(words for _, words in list(self._credits)[first_in_minute:])
        return max(0, min(wanted, self.per_minute - last_minute, self.per_hour - last_hour))

    def record(self, now: int, words: int) -> None:
        """Count ``words`` as credited at ``now``."""
        self._credits.append((now, words))
