"""The output-folder watcher on real folders with a real watchdog observer.

Negative cases ("nothing is credited") are proven without sleeping: after the
change under test a *sentinel* file is written into a nested output folder (its
events carry that folder as subject, so they are told apart). Events from one
watch arrive in order, so once the watcher has read the sentinel and is idle, the
change under test has been processed too.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from human_pretraining.core.model import Settings
from human_pretraining.core.words import added_words, count_words, word_changes
from human_pretraining.monitor.output import OutputOptions, OutputWatcher
from human_pretraining.monitor.output_filters import output_folders
from human_pretraining.services.context import App
from human_pretraining.store.models import ActivitySpan, LedgerEntry
from human_pretraining.store.models import Subject as SubjectRow
from tests.conftest import FakeClock

# watchdog's inotify thread warns (harmlessly) when a nested folder created in one go
# (mkdir -p) gets its watch added twice; the folder is watched either way.
pytestmark = pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning")

DEBOUNCE_S = 0.15
FAST = OutputOptions(debounce_s=DEBOUNCE_S, max_delay_s=2.0)


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def text(count: int, first: int = 0, per_line: int = 12) -> str:
    """``count`` distinct words, ``per_line`` to a line, ending with a newline."""
    items = [f"word{i}" for i in range(first, first + count)]
    lines = [" ".join(items[i : i + per_line]) for i in range(0, count, per_line)]
    return "\n".join(lines) + "\n"


def real_clock() -> int:
    return time.time_ns() // 1_000_000


class Recorder:
    """An ``ingest`` that keeps the events (called from the watcher's thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[dict[str, Any]] = []

    def __call__(self, events: list[dict[str, Any]]) -> None:
        with self._lock:
            self._events.extend(events)

    @property
    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._events)

    def words(self) -> list[int]:
        return [e["signals"]["words"] for e in self.events]

    def clear(self) -> None:
        with self._lock:
            self._events.clear()


class Harness:
    """A running watcher, what it reported, and a way to prove it reported nothing."""

    def __init__(
        self, watcher: OutputWatcher, recorder: Recorder, folder: Path, sentinels: Path
    ) -> None:
        self.watcher = watcher
        self.recorder = recorder
        self.folder = folder
        self.sentinels = sentinels  # a nested output folder: its events are easy to tell apart
        self._count = 0

    def events(self) -> list[dict[str, Any]]:
        return [e for e in self.recorder.events if e["subject"] != self.sentinels.as_posix()]

    def words(self) -> list[int]:
        return [e["signals"]["words"] for e in self.events()]

    def words_after(self, action: Callable[[], object]) -> list[int]:
        """Run ``action``; then the words reported for it, once everything it caused is read."""
        before = len(self.words())
        action()
        self._count += 1
        sentinel = self.sentinels / f"tick{self._count}.md"
        sentinel.write_text("tick\n")
        assert wait_until(lambda: self.watcher.knows(sentinel))
        assert self.watcher.wait_idle(5)
        return self.words()[before:]


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    return folder


@pytest.fixture
def start_watcher(notes: Path) -> Iterator[Callable[..., Harness]]:
    started: list[OutputWatcher] = []
    sentinels = notes / "zz-sentinels"
    sentinels.mkdir()

    def start(
        options: OutputOptions = FAST,
        clock: Callable[[], int] = real_clock,
        folders: Callable[[], list[Path]] | None = None,
        settings: Callable[[], Settings] = Settings,
    ) -> Harness:
        recorder = Recorder()
        configured = folders or (lambda: [notes])
        watcher = OutputWatcher(
            recorder, lambda: [*configured(), sentinels], clock, settings, options=options
        )
        watcher.start()
        started.append(watcher)
        assert watcher.wait_idle(5)  # the existing files are the baseline
        return Harness(watcher, recorder, notes, sentinels)

    yield start
    for watcher in started:
        watcher.stop()


# ----------------------------------------------------------------- word counting


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("hello world", 2),
        ("Hello, world! How are you?", 5),
        ("don't stop: well-known e-mail", 4),
        ("snake_case and __init__", 3),
        ("-- — ... |---| ***", 0),
        ("3.14 and 2026-11-26", 4),
        ("café résumé naïve", 3),
        ("Ünïcödé wörds", 2),
        ("e\u0301te\u0301", 1),  # decomposed accents stay inside the word
        ("नमस्ते दुनिया", 2),
        ("Привет, мир", 2),
        ("日本語のテキスト", 8),  # one word per ideograph or kana
        ("我爱你 and you", 5),
        ("# Title\n\n- item one\n- item two\n", 5),
    ],
)
def test_count_words(sample: str, expected: int) -> None:
    assert count_words(sample) == expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("", "", 0),
        ("", "one two three", 3),
        ("one two three", "one two three", 0),
        ("one two three", "one two three four five", 2),
        ("one two three", "zero one two three", 1),
        ("one two three", "one three", 0),  # deleting earns nothing
        ("one two three", "", 0),
        ("one two three", "one 2 three", 1),  # a replaced word is one new word
        ("one two three", "one\n   two\n\nthree", 0),  # re-wrapping is no writing
        ("    indented line", "indented line", 0),
        ("a\nb\nc", "a\nb\nnew line here\nc", 3),
        ("title\n\nbody text", "title\n\nbody text\n\nsecond paragraph\n", 2),
        ("the the the", "the the the the", 1),
        ("alpha beta", "beta alpha", 1),  # a move within a line: one word re-inserted
    ],
)
def test_added_words(before: str, after: str, expected: int) -> None:
    assert added_words(before, after) == expected


def test_word_changes_report_moves_as_removed_and_inserted() -> None:
    changes = word_changes("first one\nsecond two\n", "second two\nfirst one\n")
    assert changes.added == 2
    assert set(changes.inserted) == set(changes.removed)


def test_added_words_on_big_rewrites_is_fast_and_bounded() -> None:
    big = " ".join(["the", "cat", "sat"] * 50_000)
    started = time.monotonic()
    assert added_words(big, big + " two more") == 2
    assert added_words(big, "new " + big[: len(big) // 2] + " middle " + big[len(big) // 2 :]) == 2
    assert time.monotonic() - started < 5


_WORD = st.one_of(
    st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True),
    st.sampled_from(["café", "naïve", "don't", "well-known", "日", "本", "Привет"]),
)
_TEXT = st.lists(st.tuples(_WORD, st.sampled_from([" ", "\n", "  ", "\n\n"])), max_size=40).map(
    lambda pairs: "".join(w + sep for w, sep in pairs).strip()
)


@given(_TEXT, _TEXT)
def test_appending_adds_exactly_the_appended_words(a: str, b: str) -> None:
    assert added_words(a, a + " " + b) == count_words(b)


@given(_TEXT, _TEXT)
def test_added_words_is_never_negative_and_bounded(a: str, b: str) -> None:
    assert 0 <= added_words(a, b) <= count_words(b)
    assert added_words(a, a) == 0


# ------------------------------------------------------------------- the watcher


def test_a_new_file_reports_its_words_once(start_watcher: Callable[..., Harness]) -> None:
    h = start_watcher()
    path = h.folder / "essay.md"
    path.write_text(text(300))
    assert wait_until(lambda: len(h.events()) >= 1)
    assert h.watcher.wait_idle(5)
    [event] = h.events()
    assert event["signals"] == {"words": 300}
    assert event["source"] == "output"
    assert event["subject"] == h.folder.as_posix()  # the folder, not the file name
    assert event["duration"] == 0
    assert "detail" not in event  # store_paths is off
    assert uuid.UUID(event["id"]).version == 7
    started = datetime.fromisoformat(event["start"])
    assert started.utcoffset() is not None
    assert abs(started.timestamp() * 1000 - real_clock()) < 10_000


def test_appending_pays_for_the_new_words_only(start_watcher: Callable[..., Harness]) -> None:
    h = start_watcher()
    path = h.folder / "journal.md"
    path.write_text(text(300))
    assert wait_until(lambda: h.words() == [300])
    with path.open("a") as handle:
        handle.write(text(50, first=1000))
    assert wait_until(lambda: h.words() == [300, 50])
    assert h.watcher.wait_idle(5)
    assert h.words() == [300, 50]


def test_an_existing_file_pays_nothing_until_it_changes(
    start_watcher: Callable[..., Harness], notes: Path
) -> None:
    path = notes / "old.md"
    path.write_text(text(400))
    h = start_watcher()
    assert h.words_after(lambda: os.utime(path)) == []  # touched, not written
    assert h.words_after(lambda: path.write_text(text(400) + text(25, first=5000))) == [25]


def test_deleting_text_and_pasting_it_back_pay_nothing(
    start_watcher: Callable[..., Harness],
) -> None:
    h = start_watcher()
    path = h.folder / "draft.md"
    path.write_text(text(120))
    assert wait_until(lambda: h.words() == [120])
    assert h.words_after(lambda: path.write_text(text(60))) == []  # deleted half
    assert h.words_after(lambda: path.write_text("")) == []  # cut everything
    assert h.words_after(lambda: path.write_text(text(120))) == []  # pasted back
    assert h.words_after(lambda: path.write_text(text(120) + text(7, first=900))) == [7]


def test_moving_a_paragraph_pays_nothing(start_watcher: Callable[..., Harness]) -> None:
    h = start_watcher()
    path = h.folder / "draft.md"
    first, second = text(30), text(30, first=100)
    path.write_text(first + "\n" + second)
    assert wait_until(lambda: h.words() == [60])
    assert h.words_after(lambda: path.write_text(second + "\n" + first)) == []


def test_a_paste_is_capped(start_watcher: Callable[..., Harness]) -> None:
    h = start_watcher()
    assert h.words_after(lambda: (h.folder / "paste.md").write_text(text(50_000))) == [
        FAST.per_minute_cap
    ]
    # The minute's allowance is used up: more writing right now pays nothing.
    assert h.words_after(lambda: (h.folder / "more.md").write_text(text(40, first=60_000))) == []


def test_caps_per_minute_and_per_hour_follow_the_clock(
    start_watcher: Callable[..., Harness], clock: FakeClock
) -> None:
    options = OutputOptions(
        debounce_s=DEBOUNCE_S, max_delay_s=2.0, per_minute_cap=100, per_hour_cap=250
    )
    h = start_watcher(options=options, clock=clock)
    path = h.folder / "long.md"
    written = ""
    for minute, allowed in enumerate([100, 100, 50, 0]):
        written += text(1000, first=minute * 1000)
        content = written
        reported = h.words_after(lambda c=content: path.write_text(c))
        assert reported == ([allowed] if allowed else [])
        clock.advance(61)
    clock.advance(3600)
    written += text(30, first=90_000)
    assert h.words_after(lambda: path.write_text(written)) == [30]


def _save_in_place(path: Path, content: str) -> None:
    with path.open("w") as handle:  # truncate, then write in pieces (many events)
        for i in range(0, len(content), 200):
            handle.write(content[i : i + 200])
            handle.flush()


def _save_vscode(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:6]}.tmp")
    tmp.write_text(content)
    os.replace(tmp, path)


def _save_vim(path: Path, content: str) -> None:
    backup = path.with_name(path.name + "~")
    (path.parent / "4913").write_text("")  # vim's probe
    (path.parent / "4913").unlink()
    os.replace(path, backup)
    path.write_text(content)
    backup.unlink()


def _save_jetbrains(path: Path, content: str) -> None:
    tmp = path.with_name(path.name + "___jb_tmp___")
    old = path.with_name(path.name + "___jb_old___")
    tmp.write_text(content)
    os.replace(path, old)
    os.replace(tmp, path)
    old.unlink()


def _save_renamed_temp_with_text_suffix(path: Path, content: str) -> None:
    tmp = path.with_name(f"{path.stem}.saving{path.suffix}")  # a temp file that looks like text
    tmp.write_text(content)
    os.replace(tmp, path)


@pytest.mark.parametrize(
    "save",
    [
        _save_in_place,
        _save_vscode,
        _save_vim,
        _save_jetbrains,
        _save_renamed_temp_with_text_suffix,
    ],
    ids=["in-place", "atomic-rename", "vim-backup", "jetbrains", "text-temp"],
)
def test_every_way_of_saving_counts_the_added_words_once(
    start_watcher: Callable[..., Harness], notes: Path, save: Callable[[Path, str], None]
) -> None:
    path = notes / "chapter.md"
    path.write_text(text(200))
    h = start_watcher()
    assert h.words_after(lambda: save(path, text(200) + text(40, first=700))) == [40]
    assert h.words_after(lambda: save(path, text(200) + text(45, first=700))) == [5]


def test_renaming_a_file_pays_nothing(start_watcher: Callable[..., Harness]) -> None:
    h = start_watcher()
    path = h.folder / "a.md"
    path.write_text(text(80))
    assert wait_until(lambda: h.words() == [80])
    (h.folder / "sub").mkdir()
    assert h.words_after(lambda: path.rename(h.folder / "sub" / "b.md")) == []
    assert h.words_after(lambda: (h.folder / "sub").rename(h.folder / "renamed")) == []
    copy = h.folder / "copy.md"
    assert h.words_after(lambda: copy.write_text((h.folder / "renamed" / "b.md").read_text())) == []


def test_renaming_and_writing_before_the_quiet_period_pays_for_the_writing(
    start_watcher: Callable[..., Harness],
) -> None:
    h = start_watcher()
    path = h.folder / "draft.md"
    path.write_text(text(80))
    assert wait_until(lambda: h.words() == [80])

    def rename_and_write() -> None:
        final = path.rename(h.folder / "final.md")
        with final.open("a") as handle:
            handle.write(text(6, first=500))

    assert h.words_after(rename_and_write) == [6]


def test_files_moved_in_from_elsewhere_pay_nothing(
    start_watcher: Callable[..., Harness], tmp_path: Path
) -> None:
    outside = tmp_path / "downloads"
    (outside / "folder").mkdir(parents=True)
    (outside / "paper.md").write_text(text(500))
    (outside / "folder" / "inside.md").write_text(text(500, first=1000))
    week_ago = time.time() - 7 * 86_400
    for file in (outside / "paper.md", outside / "folder" / "inside.md"):
        os.utime(file, (week_ago, week_ago))
    h = start_watcher()
    assert h.words_after(lambda: (outside / "paper.md").rename(h.folder / "paper.md")) == []
    assert h.words_after(lambda: (outside / "folder").rename(h.folder / "folder")) == []
    (outside / "fresh").mkdir()
    (outside / "fresh" / "new.md").write_text(text(70, first=3000))  # written just now
    assert h.words_after(lambda: (outside / "fresh").rename(h.folder / "fresh")) == []
    # ...but they are known now: writing into them pays.
    inside = h.folder / "folder" / "inside.md"
    content = inside.read_text() + text(9, first=40_000)
    assert h.words_after(lambda: inside.write_text(content)) == [9]


def test_places_and_files_that_are_not_writing_pay_nothing(
    start_watcher: Callable[..., Harness],
) -> None:
    h = start_watcher()
    root = h.folder

    def write_everything() -> None:
        for folder in (".git", "node_modules/pkg", ".venv/lib", "build", "env/lib", ".obsidian"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        (root / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
        (root / ".git" / "COMMIT_EDITMSG.md").write_text(text(50))
        (root / "node_modules" / "pkg" / "README.md").write_text(text(50))
        (root / ".venv" / "lib" / "site.py").write_text(text(50))
        (root / "env" / "lib" / "module.py").write_text(text(50))
        (root / "build" / "out.md").write_text(text(50))
        (root / ".obsidian" / "workspace.json").write_text(text(50))
        (root / "binary.md").write_bytes(text(50).encode() + b"\0\1\2")
        (root / "huge.md").write_text(text(200_000))  # well over 1 MiB
        (root / "picture.png").write_text(text(50))
        (root / "data.csv").write_text(text(50))
        (root / "notebook.ipynb").write_text(text(50))
        (root / ".notes.md.swp").write_text(text(50))
        (root / "notes.md~").write_text(text(50))
        (root / ".#notes.md").write_text(text(50))
        (root / "notes.tmp").write_text(text(50))
        (root / "4913").write_text(text(50))

    assert h.words_after(write_everything) == []
    assert (root / "huge.md").stat().st_size > 1024 * 1024


def test_many_files_changing_at_once_are_a_tool_not_writing(
    start_watcher: Callable[..., Harness],
) -> None:
    h = start_watcher()

    def checkout() -> None:
        for i in range(30):
            (h.folder / f"file{i}.py").write_text(text(40, first=i * 100))

    assert h.words_after(checkout) == []


def test_store_paths_sends_the_file_as_detail(start_watcher: Callable[..., Harness]) -> None:
    h = start_watcher(settings=lambda: Settings(store_paths=True))
    path = h.folder / "deep" / "note.txt"
    path.parent.mkdir()
    path.write_text(text(12))
    assert wait_until(lambda: len(h.events()) == 1)
    assert h.events()[0]["detail"] == {"path": path.as_posix()}


def test_refresh_follows_the_configured_folders(
    start_watcher: Callable[..., Harness], notes: Path, tmp_path: Path
) -> None:
    folders = [notes]
    h = start_watcher(folders=lambda: list(folders))
    journal = notes / "journal"  # a nested, more specific folder rule
    journal.mkdir()
    essays = tmp_path / "essays"
    essays.mkdir()
    (essays / "old.md").write_text(text(100))
    folders += [journal, essays, tmp_path / "not-there-yet"]
    h.watcher.refresh()
    assert h.watcher.wait_idle(5)
    assert set(h.watcher.watched) == {notes, journal, essays, h.sentinels}
    (journal / "day.md").write_text(text(11))
    (essays / "old.md").write_text(text(100) + text(13, first=500))
    assert wait_until(lambda: len(h.events()) == 2)
    by_subject = {e["subject"]: e["signals"]["words"] for e in h.events()}
    assert by_subject == {journal.as_posix(): 11, essays.as_posix(): 13}
    folders[:] = [essays]
    h.watcher.refresh()
    assert h.words_after(lambda: (journal / "day2.md").write_text(text(20))) == []


def test_a_folder_created_later_is_picked_up(
    start_watcher: Callable[..., Harness], notes: Path, tmp_path: Path
) -> None:
    later = tmp_path / "later"
    h = start_watcher(
        options=OutputOptions(debounce_s=DEBOUNCE_S, retry_missing_s=0.1),
        folders=lambda: [notes, later],
    )
    assert later not in h.watcher.watched
    later.mkdir()
    assert wait_until(lambda: later in h.watcher.watched)
    assert h.watcher.wait_idle(5)
    (later / "idea.md").write_text(text(8))
    assert wait_until(lambda: h.words() == [8])


def test_start_and_stop_leave_no_threads_behind(notes: Path) -> None:
    before = set(threading.enumerate())
    for _ in range(2):
        watcher = OutputWatcher(Recorder(), lambda: [notes], real_clock, options=FAST)
        with watcher:
            assert watcher.wait_idle(5)
    assert wait_until(lambda: set(threading.enumerate()) <= before, 2)


def test_stop_reads_changes_still_waiting_for_quiet(start_watcher: Callable[..., Harness]) -> None:
    h = start_watcher(options=OutputOptions(debounce_s=30, max_delay_s=60))
    (h.folder / "last-minute.md").write_text(text(17))
    assert wait_until(lambda: not h.watcher.wait_idle(0))  # noticed, not yet read
    h.watcher.stop()
    assert h.words() == [17]


def test_a_failing_ingest_is_logged_not_fatal(
    notes: Path, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def broken(events: list[dict[str, Any]]) -> None:
        calls.append(events[0]["signals"]["words"])
        if len(calls) == 1:
            raise RuntimeError("database is gone")

    with OutputWatcher(broken, lambda: [notes], real_clock, options=FAST) as watcher:
        assert watcher.wait_idle(5)
        (notes / "a.md").write_text(text(5))
        assert wait_until(lambda: calls == [5])
        (notes / "b.md").write_text(text(6))
        assert wait_until(lambda: calls == [5, 6])
    assert "could not record 5 words" in caplog.text


# ------------------------------------------------------------ through the app


def test_words_written_earn_points_through_the_folder_rule(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "user"))  # "~/Documents/notes" stays in tmp
    folder = tmp_path / "writing"
    folder.mkdir()
    app.config_file.add_rule(
        {"id": "test-notes", "folder": str(folder), "category": "output", "rate": 3}
    )
    results: list[object] = []

    def ingest(events: list[dict[str, Any]]) -> None:
        results.append(app.ingestor.ingest(events))

    watcher = OutputWatcher(
        ingest, lambda: output_folders(app.config()), app.clock, app.settings, options=FAST
    )
    with watcher:
        assert watcher.wait_idle(5)
        assert watcher.watched == [folder]  # the default ~/Documents/notes does not exist
        (folder / "essay.md").write_text(text(300))
        assert wait_until(lambda: len(results) == 1)
    app.settler.settle()

    with app.db.read() as conn:
        spans = conn.execute(
            select(SubjectRow.name, ActivitySpan.words, ActivitySpan.detail).join(
                SubjectRow, SubjectRow.id == ActivitySpan.subject_id
            )
        ).all()
        points = conn.execute(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                LedgerEntry.kind == "activity"
            )
        ).scalar_one()
    assert [tuple(s) for s in spans] == [(folder.as_posix(), 300, None)]
    words_per_minute = app.settings().words_per_minute
    assert points == 300 * 3_000 // words_per_minute  # rate 3/min, 300 words = 12 min
