"""A hand edit that no parser should have to survive is refused like any invalid config.

Deeply nested arrays or inline tables (which overflow a recursive parser), and a
``config.toml`` that is a looping or dangling symbolic link: at start they give
one clear error line (no traceback, the link left as it is, never replaced by
the default); while running, the last good configuration stays in force and the
process keeps going.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from human_pretraining.app import tick
from human_pretraining.config.errors import ConfigError
from human_pretraining.config.file import ConfigFile, default_config_text
from human_pretraining.config.parse import load_toml
from human_pretraining.core.model import Config
from human_pretraining.monitor.config_watch import ConfigWatcher
from human_pretraining.services.context import App
from human_pretraining.services.rule_forms import rule_tables
from tests.cli.test_cli import EXE


def nested_arrays(depth: int) -> str:
    return default_config_text() + "\nbomb = " + "[" * depth + "]" * depth + "\n"


def nested_tables(depth: int) -> str:
    return default_config_text() + "\nbomb = " + "{a = " * depth + "1" + "}" * depth + "\n"


def make_loop(path: Path) -> None:
    """``config.toml`` → ``loop.toml`` → ``config.toml``: every open fails with ELOOP."""
    other = path.with_name("loop.toml")
    other.symlink_to(path.name)
    path.symlink_to(other.name)


def make_dangling(path: Path) -> None:
    path.symlink_to(path.with_name("moved-away.toml"))


BOMBS: dict[str, Callable[[Path], None]] = {
    "600 nested arrays": lambda p: p.write_text(nested_arrays(600), "utf-8"),
    "5000 nested inline tables": lambda p: p.write_text(nested_tables(5000), "utf-8"),
    "a symlink loop": make_loop,
    "a dangling symlink": make_dangling,
}
EXPECTED = {
    "600 nested arrays": "nested",
    "5000 nested inline tables": "nested",
    "a symlink loop": "symbolic link",
    "a dangling symlink": "symbolic link",
}


def plant(path: Path, bomb: str) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    BOMBS[bomb](path)


def snapshot(path: Path) -> tuple[str, ...]:
    """What the user left at the path: the link target, or the file's bytes."""
    if path.is_symlink():
        return ("link", os.readlink(path))
    return ("file", path.read_bytes().hex())


def test_the_depth_limit_is_32_and_names_the_line() -> None:
    assert load_toml("a = " + "[" * 32 + "]" * 32 + "\n") is not None
    with pytest.raises(ConfigError) as caught:
        load_toml("a = 1\n\nb = " + "[" * 33 + "]" * 33 + "\n")
    assert caught.value.line == 3
    assert "nested more than 32 levels" in str(caught.value)


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    deep = "[{" * 100
    text = (
        f'a = "{deep}"\n'
        f"b = '{deep}'\n"
        f'c = """\n{deep}\n"""\n'
        f"d = '''\n{deep}\n'''\n"
        f"# {deep}\n"
        'e = "quote \\" then [[[["\n'
    )
    data = load_toml(text)
    assert data["a"] == deep and data["e"] == 'quote " then [[[['


def test_the_rules_editor_reads_a_nesting_bomb_as_unparsable() -> None:
    assert rule_tables(nested_arrays(600)) is None
    assert rule_tables(nested_tables(5000)) is None


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_at_start_it_is_a_config_error_and_the_file_is_left_alone(
    tmp_path: Path, bomb: str
) -> None:
    path = tmp_path / "config.toml"
    plant(path, bomb)
    before = snapshot(path)
    config_file = ConfigFile(path)
    with pytest.raises(ConfigError) as caught:
        config_file.load()
    message = str(caught.value)
    assert message.startswith("config.toml")
    assert EXPECTED[bomb] in message
    assert "\n" not in message
    assert snapshot(path) == before  # never replaced by the default config


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_the_cli_prints_one_clear_line(tmp_path: Path, bomb: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    plant(home / "config.toml", bomb)
    before = snapshot(home / "config.toml")
    env = dict(os.environ, HUMAN_PRETRAINING_HOME=str(home))
    result = subprocess.run(
        [EXE, "status"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: config.toml")
    assert EXPECTED[bomb] in lines[0]
    assert snapshot(home / "config.toml") == before


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_a_running_app_keeps_its_last_good_config(app: App, bomb: str) -> None:
    good = app.config()
    path = app.config_file.path
    plant(path, bomb)
    before = snapshot(path)
    tick(app, poll_config=True)  # the serve loop's round (serve --no-monitor)
    assert app.config() is good
    error = app.config_file.last_error
    assert error is not None and EXPECTED[bomb] in str(error)
    assert snapshot(path) == before
    tick(app, poll_config=True)  # and the next round too
    assert app.config() is good


class Heard:
    """What the watcher told its listeners, with an event to wait on (no polling)."""

    def __init__(self) -> None:
        self.changes: list[Config] = []
        self.errors: list[ConfigError] = []
        self.news = threading.Event()

    def changed(self, config: Config) -> None:
        self.changes.append(config)
        self.news.set()

    def failed(self, error: ConfigError) -> None:
        self.errors.append(error)
        self.news.set()

    def wait(self, condition: Callable[[], bool], timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self.news.wait(remaining):
                return condition()
            self.news.clear()
        return True


@pytest.fixture
def heard(app: App) -> Iterator[Heard]:
    heard = Heard()
    watcher = ConfigWatcher(app.config_file, [heard.changed], [heard.failed], debounce_s=0.05)
    watcher.start()
    yield heard
    watcher.stop()


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_the_config_watcher_reports_it_and_keeps_going(
    app: App, bomb: str, heard: Heard, caplog: pytest.LogCaptureFixture
) -> None:
    good = app.config()
    path = app.config_file.path
    with caplog.at_level(logging.WARNING):
        plant(path, bomb)
        assert heard.wait(lambda: bool(heard.errors))
    assert EXPECTED[bomb] in str(heard.errors[0])
    assert app.config() is good
    assert not [r for r in caplog.records if r.exc_info]  # a warning, not a traceback
    # A fixed file takes effect again: the watcher survived.
    path.unlink()
    path.write_text(default_config_text().replace("port = 5747", "port = 6001"), "utf-8")
    assert heard.wait(lambda: bool(heard.changes))
    assert app.settings().port == 6001


def test_a_running_serve_survives_a_symlink_loop(tmp_path: Path) -> None:
    """The real ``serve --no-monitor`` process: it logs the error and keeps answering."""
    home = tmp_path / "home"
    env = dict(os.environ, HUMAN_PRETRAINING_HOME=str(home), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [EXE, "serve", "--no-monitor", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        assert "listening on" in first, first
        url = first.split("listening on ", 1)[1].split()[0]
        plant(home / "config.toml", "a symlink loop")
        lines: queue.Queue[str] = queue.Queue()
        stderr = process.stderr
        threading.Thread(target=lambda: [lines.put(line) for line in stderr], daemon=True).start()
        seen: list[str] = []
        deadline = time.monotonic() + 20  # the serve loop polls the file every 5 s
        while not any("configuration not reloaded" in line for line in seen):
            try:
                seen.append(lines.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        log = "".join(seen)
        assert process.poll() is None, log
        assert "configuration not reloaded" in log and "symbolic link" in log, log
        assert "Traceback" not in log
        assert requests.get(url + "/api/v1/health", timeout=5).status_code == 200
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
