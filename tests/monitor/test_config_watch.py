"""Live reload of the configuration file with a real watchdog observer and real edits."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from human_pretraining.config.errors import ConfigError
from human_pretraining.core.model import Config
from human_pretraining.monitor.config_watch import ConfigWatcher
from human_pretraining.services.context import App

DEBOUNCE_S = 0.1
RULE = re.compile(r'(id = "test-notes"\n(?:[^\n\[]+\n)*?rate = )(\d+)')


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def rule_rate(config: Config) -> int:
    return next(r.rate for r in config.rules if r.id == "test-notes")


def with_rate(text: str, points: int) -> str:
    new, count = RULE.subn(rf"\g<1>{points}", text)
    assert count == 1
    return new


def replace_atomically(path: Path, text: str) -> None:
    """What vim (writebackup), VS Code and most editors do: write beside, rename over."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class Watch:
    def __init__(self, app: App) -> None:
        self.path = app.config_file.path
        self.changes: list[Config] = []
        self.errors: list[ConfigError] = []
        self.reloads = 0
        self._lock = threading.Lock()
        original = app.config_file.reload

        def counting_reload() -> Config:
            with self._lock:
                self.reloads += 1
            return original()

        app.config_file.reload = counting_reload  # type: ignore[method-assign]
        self.watcher = ConfigWatcher(
            app.config_file, [self.changes.append], [self.errors.append], DEBOUNCE_S
        )


@pytest.fixture
def watch(app: App, tmp_path: Path) -> Iterator[Watch]:
    app.config_file.add_rule(
        {"id": "test-notes", "folder": str(tmp_path / "notes"), "category": "output", "rate": 3}
    )
    watch = Watch(app)
    watch.watcher.start()
    yield watch
    watch.watcher.stop()


def test_an_atomic_edit_takes_effect_within_two_seconds(app: App, watch: Watch) -> None:
    assert rule_rate(app.config()) == 3000
    started = time.monotonic()
    replace_atomically(watch.path, with_rate(watch.path.read_text("utf-8"), 5))
    assert wait_until(lambda: len(watch.changes) == 1, timeout=2)
    assert time.monotonic() - started < 2
    assert rule_rate(watch.changes[0]) == 5000
    assert rule_rate(app.config()) == 5000
    assert watch.watcher.wait_idle(2)
    assert len(watch.changes) == 1 and watch.errors == []


def test_an_in_place_edit_takes_effect(app: App, watch: Watch) -> None:
    text = with_rate(watch.path.read_text("utf-8"), 7)
    with watch.path.open("w", encoding="utf-8") as handle:  # truncate, then write in pieces
        for i in range(0, len(text), 4096):
            handle.write(text[i : i + 4096])
            handle.flush()
    assert wait_until(lambda: len(watch.changes) >= 1, timeout=2)
    assert watch.watcher.wait_idle(2)
    assert rule_rate(watch.changes[-1]) == 7000
    assert rule_rate(app.config()) == 7000
    assert watch.errors == []


def test_a_mistake_keeps_the_last_good_configuration(
    app: App, watch: Watch, caplog: pytest.LogCaptureFixture
) -> None:
    good = app.config()
    broken = with_rate(watch.path.read_text("utf-8"), 3).replace(
        'id = "test-notes"', 'id = "test-notes"\nrate_typo = "fast"'
    )
    with caplog.at_level(logging.WARNING, logger="human_pretraining.monitor.config_watch"):
        replace_atomically(watch.path, broken)
        assert wait_until(lambda: len(watch.errors) == 1, timeout=2)
    assert watch.watcher.wait_idle(2)
    assert "rate_typo" in str(watch.errors[0])
    assert app.config() is good  # the last good configuration stays in force
    assert app.config_file.last_error is watch.errors[0]
    assert watch.path.read_text("utf-8") == broken  # the user's half-done edit is left alone
    assert watch.changes == []
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and "last good one stays in force" in warnings[0].getMessage()
    assert "rate_typo" in warnings[0].getMessage()

    # Fixing it takes effect, and says so even though the rules are as before.
    replace_atomically(watch.path, broken.replace('rate_typo = "fast"\n', ""))
    assert wait_until(lambda: len(watch.changes) == 1, timeout=2)
    assert watch.changes[0] == good
    assert app.config_file.last_error is None


def test_a_broken_toml_file_is_reported_too(app: App, watch: Watch) -> None:
    good = app.config()
    watch.path.write_text("[[rules]\nid = ", encoding="utf-8")
    assert wait_until(lambda: len(watch.errors) >= 1, timeout=2)
    assert app.config() is good


def test_other_files_in_the_folder_are_ignored(app: App, watch: Watch) -> None:
    folder = watch.path.parent
    (folder / "notes.txt").write_text("hello")
    (folder / "config.toml.bak").write_text("[[rules]\n")
    (folder / "config.toml~").write_text("[[rules]\n")
    replace_atomically(folder / "other.toml", "x = 1\n")
    assert not wait_until(lambda: watch.reloads > 0, timeout=5 * DEBOUNCE_S + 0.5)
    assert watch.changes == [] and watch.errors == []


def test_the_apps_own_edits_cause_no_callback(app: App, watch: Watch) -> None:
    app.config_file.add_rule({"id": "more", "site": "example.org", "category": "focus", "rate": 1})
    assert wait_until(lambda: watch.reloads > 0, timeout=2)  # the watcher did look
    assert watch.watcher.wait_idle(2)
    assert watch.changes == [] and watch.errors == []
    assert any(r.id == "more" for r in app.config().rules)


def test_a_burst_of_saves_reloads_once(app: App, watch: Watch) -> None:
    text = watch.path.read_text("utf-8")
    for points in (4, 5, 6, 8):
        replace_atomically(watch.path, with_rate(text, points))
    assert wait_until(lambda: len(watch.changes) >= 1, timeout=2)
    assert watch.watcher.wait_idle(2)
    assert watch.reloads == 1
    assert rule_rate(app.config()) == 8000


def test_a_failing_listener_does_not_stop_the_others(
    app: App, watch: Watch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_config: Config) -> None:
        raise RuntimeError("listener bug")

    seen: list[Config] = []
    watch.watcher.add_change_listener(broken)
    watch.watcher.add_change_listener(seen.append)
    replace_atomically(watch.path, with_rate(watch.path.read_text("utf-8"), 9))
    assert wait_until(lambda: len(seen) == 1, timeout=2)
    assert "a configuration listener failed" in caplog.text


def test_a_symlinked_config_file_is_followed(app: App, tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "human-pretraining.toml"
    path = app.config_file.path
    real.write_text(path.read_text("utf-8"), encoding="utf-8")
    path.unlink()
    path.symlink_to(real)
    app.config_file.reload()
    changes: list[Config] = []
    with ConfigWatcher(app.config_file, [changes.append], debounce_s=DEBOUNCE_S):
        text = real.read_text("utf-8").replace("words_per_minute = 25", "words_per_minute = 40")
        real.write_text(text, encoding="utf-8")
        assert wait_until(lambda: len(changes) == 1, timeout=2)
    assert app.settings().words_per_minute == 40


def test_start_and_stop_leave_no_threads_behind(app: App) -> None:
    before = set(threading.enumerate())
    for _ in range(2):
        with ConfigWatcher(app.config_file):
            pass
    assert wait_until(lambda: set(threading.enumerate()) <= before, 2)
