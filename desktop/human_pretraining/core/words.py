"""Counting words, and the words an edit added: what output earns points for.

A word is a run of letters, digits and combining marks; apostrophes, hyphens and
underscores inside a run join it (``don't``, ``well-known``, ``snake_case``).
Every CJK ideograph or kana counts as one word, since those scripts do not
separate words with spaces. :func:`added_words` diffs line by line, then word by
word inside changed lines, and counts only inserted words: deleting earns
nothing and is never negative; re-indenting or re-wrapping earns nothing. Very
large changed regions fall back to comparing counts, so a big rewrite stays fast.
Pure functions: ``core.output_credit`` feeds them the texts ``monitor.output`` reads.
"""

from __future__ import annotations

import collections
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

# Scripts written without spaces between words: one character, one word.
_CJK = (
    "\u2e80-\u2fdf"  # CJK and Kangxi radicals
    "\u3005\u3007\u3021-\u3029"  # iteration mark, ideographic zero, Hangzhou numerals
    "\u3041-\u309f"  # hiragana
    "\u30a1-\u30fa\u30fc-\u30ff"  # katakana (not the middle dot)
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B-H
)


def _mark_ranges() -> str:
    """Combining marks (categories Mn, Mc, Me) of the BMP as a regex class body.

    ``\\w`` does not include them, but they are part of words in Devanagari,
    Thai, Arabic with vowel signs, or decomposed Latin (``e`` + U+0301).
    """
    ranges: list[tuple[int, int]] = []
    for code in range(0x300, 0x10000):
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


_LETTER = rf"(?:[^\W_{_CJK}]|[{_mark_ranges()}])"  # a letter, digit or mark; not CJK, not _
_JOINER = "['\u2019\u02bc_\\-\u2010\u2011]"  # apostrophes, underscore, hyphens
WORD_PATTERN = re.compile(rf"[{_CJK}]|{_LETTER}+(?:{_JOINER}+{_LETTER}+)*")


def words(text: str) -> list[str]:
    """The words of ``text`` in order (see :func:`count_words`)."""
    return WORD_PATTERN.findall(text)


def count_words(text: str) -> int:
    """How many words ``text`` holds.

    A word is a run of letters, digits and combining marks; an apostrophe,
    hyphen or underscore *inside* a run joins it (``don't``, ``e-mail``,
    ``snake_case`` are one word each; ``--`` or ``_`` alone are none). Each CJK
    ideograph, hiragana or katakana counts as one word. Thai, Lao and similar
    scripts without spaces count one word per run (an undercount, on purpose).
    """
    return sum(1 for _ in WORD_PATTERN.finditer(text))


Segment = tuple[str, ...]


@dataclass(frozen=True)
class WordChanges:
    """Runs of words inserted and removed by an edit (a line each, or a run within a line)."""

    inserted: tuple[Segment, ...]
    removed: tuple[Segment, ...]

    @property
    def added(self) -> int:
        return sum(len(segment) for segment in self.inserted)


# Above this many word pairs a changed region is compared as bags of words, not in
# order: SequenceMatcher is quadratic on repetitive input ("the", "the", ...).
_ORDERED_DIFF_LIMIT = 250_000


def _common_ends(a: Sequence[Any], b: Sequence[Any]) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix."""
    limit = min(len(a), len(b))
    prefix = 0
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def _word_level(
    old_lines: Sequence[Segment],
    new_lines: Sequence[Segment],
    inserted: list[Segment],
    removed: list[Segment],
) -> None:
    """Diff a replaced block of lines word by word (re-wrapping a paragraph adds nothing)."""
    old = [w for line in old_lines for w in line]
    new = [w for line in new_lines for w in line]
    prefix, suffix = _common_ends(old, new)
    old, new = old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]
    if not old or not new:
        inserted.extend([tuple(new)] if new else [])
        removed.extend([tuple(old)] if old else [])
        return
    if len(old) * len(new) > _ORDERED_DIFF_LIMIT:
        gained = collections.Counter(new) - collections.Counter(old)
        lost = collections.Counter(old) - collections.Counter(new)
        inserted.extend([tuple(gained.elements())] if gained else [])
        removed.extend([tuple(lost.elements())] if lost else [])
        return
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("insert", "replace"):
            inserted.append(tuple(new[j1:j2]))
        if tag in ("delete", "replace"):
            removed.append(tuple(old[i1:i2]))


def word_changes(before: str, after: str) -> WordChanges:
    """The words an edit from ``before`` to ``after`` inserted and removed.

    Lines without words (blank lines, ``}``) are left out, and lines are compared
    by their words, so whitespace-only changes are no change. Unchanged lines at
    both ends are skipped before diffing (an append costs nothing to diff); whole
    inserted or deleted lines are one segment each; replaced lines are diffed word
    by word.
    """
    old = [t for line in before.splitlines() if (t := tuple(words(line)))]
    new = [t for line in after.splitlines() if (t := tuple(words(line)))]
    prefix, suffix = _common_ends(old, new)
    old, new = old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]
    inserted: list[Segment] = []
    removed: list[Segment] = []
    if not old or not new:
        return WordChanges(tuple(new), tuple(old))
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new).get_opcodes():
        if tag == "insert":
            inserted.extend(new[j1:j2])
        elif tag == "delete":
            removed.extend(old[i1:i2])
        elif tag == "replace":
            _word_level(old[i1:i2], new[j1:j2], inserted, removed)
    return WordChanges(tuple(inserted), tuple(removed))


def added_words(before: str, after: str) -> int:
    """Words an edit added: never negative; deleting, moving whitespace or re-wrapping add 0."""
    return word_changes(before, after).added


# ------------------------------------------------------------------------ options
