"""Word counting and the words an edit added, checked segment by segment.

The counting cases of the output watcher live in tests/monitor/test_output_watcher.py;
these pin what those leave open: the exact inserted and removed runs, the
combining-mark class, and the switch to comparing counts on huge rewrites.
"""

from __future__ import annotations

import re
import unicodedata

from human_pretraining.core.words import (
    _ORDERED_DIFF_LIMIT,
    WordChanges,
    _mark_ranges,
    added_words,
    count_words,
    word_changes,
)


def test_the_mark_class_holds_exactly_the_combining_marks_of_the_bmp() -> None:
    marks = re.compile(f"[{_mark_ranges()}]")
    wrong = [
        hex(code)
        for code in range(0x10000)
        if code < 0xD800 or code > 0xDFFF  # surrogates are not characters
        if bool(marks.fullmatch(chr(code))) != unicodedata.category(chr(code)).startswith("M")
    ]
    assert wrong == []


def test_a_pure_deletion_reports_what_was_removed() -> None:
    assert word_changes("one two\nthree four\n", "one two\n") == WordChanges(
        inserted=(), removed=(("three", "four"),)
    )
    assert word_changes("one two", "") == WordChanges((), (("one", "two"),))


def test_a_pure_insertion_of_lines_reports_each_line() -> None:
    assert word_changes("a b", "a b\nc d\ne") == WordChanges((("c", "d"), ("e",)), ())


def test_a_changed_line_reports_the_replaced_words_only() -> None:
    changes = word_changes(
        "first line\nthe quick brown fox\nlast line", "first line\nthe slow brown fox\nlast line"
    )
    assert changes == WordChanges(inserted=(("slow",),), removed=(("quick",),))


def test_words_deleted_inside_a_line_are_removed_not_inserted() -> None:
    assert word_changes("one two three four", "one four") == WordChanges((), (("two", "three"),))


def test_words_added_inside_a_line_are_inserted_not_removed() -> None:
    assert word_changes("one four", "one two three four") == WordChanges((("two", "three"),), ())


def test_replacing_a_line_with_a_longer_one_keeps_common_ends() -> None:
    # Two lines become one: the words shared at both ends are not new.
    changes = word_changes("alpha beta\ngamma delta", "alpha beta new gamma delta")
    assert changes == WordChanges(inserted=(("new",),), removed=())


def test_common_ends_are_matched_from_the_end_too() -> None:
    changes = word_changes("x\nred green blue\ny", "x\nred yellow green blue\ny")
    assert changes.inserted == (("yellow",),)
    changes = word_changes("x\nred green blue\ny", "x\nred green blue black\ny")
    assert changes.inserted == (("black",),)
    changes = word_changes("x\nred green blue\ny", "x\npink red green blue\ny")
    assert changes.inserted == (("pink",),)


def test_a_moved_word_in_a_changed_region_of_exactly_the_limit_is_diffed_in_order() -> None:
    size = 500
    assert size * size == _ORDERED_DIFF_LIMIT
    ws = [f"w{i}" for i in range(size)]
    # The first word moves to the end: in order, one word was inserted (and one removed).
    assert added_words(" ".join(ws), " ".join([*ws[1:], ws[0]])) == 1


def test_above_the_limit_a_changed_region_is_compared_as_counts() -> None:
    ws = [f"w{i}" for i in range(501)]  # 501 x 501 word pairs: over the limit
    changes = word_changes(" ".join(ws), " ".join([*ws[1:], ws[0], "extra", "w7"]))
    assert changes == WordChanges(inserted=(("w7", "extra"),), removed=())  # in order of first use
    shorter = word_changes(" ".join(ws), " ".join([*ws[2:], "extra"]))
    assert shorter == WordChanges(inserted=(("extra",),), removed=(("w0", "w1"),))


def test_popular_words_are_not_ignored_in_long_changed_lines() -> None:
    # SequenceMatcher's autojunk would treat a word in over 1 % of 200+ words as noise.
    old = " ".join(["the"] * 150 + [f"w{i}" for i in range(100)])
    new = " ".join(["the"] * 75 + ["new"] + ["the"] * 75 + [f"w{i}" for i in range(100)])
    assert added_words("head\n" + old + "\ntail", "head\n" + new + "\ntail") == 1


def test_counting_ignores_lines_without_words() -> None:
    assert count_words("}\n\n  \n{") == 0
    assert word_changes("a\n}\nb", "a\n\n}\n\nb") == WordChanges((), ())
