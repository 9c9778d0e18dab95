"""The installed ``human-pretraining`` command, run as a user runs it (a real process)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

EXE = (
    shutil.which("human-pretraining", path=str(Path(sys.executable).parent)) or "human-pretraining"
)


def run(
    *args: str, home: Path | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if home is not None:
        env["HUMAN_PRETRAINING_HOME"] = str(home)
    result = subprocess.run([EXE, *args], capture_output=True, text=True, env=env, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo")
    run("demo", "--days", "14", home=home)
    return home


def test_demo_then_status_shows_a_living_app(demo_home: Path) -> None:
    out = run("status", home=demo_home).stdout
    assert (demo_home / "history.sqlite3").stat().st_size > 100_000
    assert (demo_home / "config.toml").exists()
    balance_line = next(line for line in out.splitlines() if line.startswith("Balance"))
    assert balance_line.split()[1] != "0"
    assert "earned" in out and "spent" in out
    assert "Deep work" in out and "streak" in out


@pytest.mark.parametrize(
    ("target", "category", "rule"),
    [
        ("https://www.youtube.com/shorts/abc", "distraction", "youtube-shorts"),
        ("https://docs.python.org/3/", "learning", "python-docs"),
        ("code", "focus", "vscode"),
        ("Code.exe", "focus", "vscode"),
        ("Visual Studio Code", "focus", "vscode"),
    ],
)
def test_rules_check(tmp_path: Path, target: str, category: str, rule: str) -> None:
    out = run("rules", "check", target, home=tmp_path).stdout
    fields = dict(line.split(None, 1) for line in out.splitlines()[1:])
    assert fields["category"] == category
    assert fields["rule"].startswith(rule + ":")
    assert "points/min" in fields["rate"]


def test_rules_check_without_a_match_says_neutral(tmp_path: Path) -> None:
    assert "no rule matches → neutral" in run("rules", "check", "example.org", home=tmp_path).stdout


def test_an_invalid_config_names_the_problem_and_is_left_untouched(tmp_path: Path) -> None:
    run("status", home=tmp_path)  # writes the default file
    config = tmp_path / "config.toml"
    broken = config.read_text("utf-8").replace('category = "focus"', 'category = "fun"', 1)
    config.write_text(broken, "utf-8")
    result = run("status", home=tmp_path, check=False)
    assert result.returncode == 2
    assert "line" in result.stderr and "category" in result.stderr and "fun" in result.stderr
    assert config.read_text("utf-8") == broken


def test_a_purchase_beyond_the_balance_is_refused(tmp_path: Path) -> None:
    result = run("redeem", "30 min of YouTube", home=tmp_path, check=False)
    assert result.returncode == 2
    assert "short" in result.stderr and "Nothing was spent" in result.stderr
    assert run("status", home=tmp_path).stdout.startswith("Balance   0 points")


def test_task_done_then_redeem(tmp_path: Path) -> None:
    out = run("task", "done", "Explain something to someone", home=tmp_path).stdout
    assert "+30 points" in out
    again = run("task", "done", "Explain something to someone", home=tmp_path, check=False)
    assert again.returncode == 2 and "already today" in again.stderr
    bought = run("redeem", "15 min of feeds", home=tmp_path).stdout
    assert "Balance 5." in bought or "Balance 5" in bought


def test_unknown_task_lists_the_known_ones(tmp_path: Path) -> None:
    result = run("task", "done", "Fly to the moon", home=tmp_path, check=False)
    assert result.returncode == 2
    assert "no task named 'Fly to the moon'" in result.stderr and "Read a chapter" in result.stderr


def test_export_json_and_csv(demo_home: Path, tmp_path: Path) -> None:
    data = json.loads(run("export", "--format", "json", home=demo_home).stdout)
    assert set(data) == {"ledger", "activity", "purchases", "tasks"}
    assert sum(e["amount"] for e in data["ledger"]) != 0
    target = tmp_path / "ledger.csv"
    run("export", "--format", "csv", "--since", "2026-01-01", "-o", str(target), home=demo_home)
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8"))))
    assert len(rows) == len(data["ledger"])
    assert {"amount", "kind", "note", "day"} <= set(rows[0])


def test_export_with_a_bad_date_is_a_clear_error(tmp_path: Path) -> None:
    result = run("export", "--since", "last tuesday", home=tmp_path, check=False)
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr


def test_home_option_beats_the_environment(tmp_path: Path) -> None:
    chosen = tmp_path / "chosen"
    run("--home", str(chosen), "status", home=tmp_path / "env")
    assert (chosen / "config.toml").exists()
    assert not (tmp_path / "env").exists()


def test_version() -> None:
    assert run("--version").stdout.startswith("human-pretraining ")


def test_the_window_without_a_display_says_how_to_run_headless(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    result = run(home=tmp_path, check=False)
    assert result.returncode == 2
    assert "no display" in result.stderr and "human-pretraining serve" in result.stderr
    assert not (tmp_path / "history.sqlite3").exists()  # nothing was opened


def test_pause_and_resume_tracking(tmp_path: Path) -> None:
    out = run("pause", "30", home=tmp_path).stdout
    assert "paused until" in out
    assert (tmp_path / "pause-until").exists()
    assert "tracking is paused until" in run("status", home=tmp_path).stdout
    assert run("pause", "0", home=tmp_path, check=False).returncode == 2
    run("resume", home=tmp_path)
    assert not (tmp_path / "pause-until").exists()
    assert "paused" not in run("status", home=tmp_path).stdout


def test_times_are_printed_in_the_configured_zone_not_the_system_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("status", home=tmp_path)  # writes the default file
    config = tmp_path / "config.toml"
    # An offset no system zone here shares: a time in the wrong zone cannot match by chance.
    config.write_text(
        config.read_text("utf-8").replace('timezone = ""', 'timezone = "Asia/Kathmandu"', 1),
        "utf-8",
    )
    monkeypatch.setenv("TZ", "UTC")  # the system's zone
    out = run("pause", "30", home=tmp_path).stdout
    status = run("status", home=tmp_path).stdout
    until_ms = int((tmp_path / "pause-until").read_text("utf-8"))
    kathmandu = datetime.fromtimestamp(until_ms / 1000, ZoneInfo("Asia/Kathmandu"))
    expected = kathmandu.strftime("%Y-%m-%d %H:%M")
    assert f"paused until {expected}" in out
    assert f"tracking is paused until {expected}" in status


def test_db_copy_into_another_file_reports_the_balance_there_and_repeats_safely(
    tmp_path: Path,
) -> None:
    run("task", "done", "Explain something to someone", home=tmp_path)  # +30
    target = f"sqlite:///{(tmp_path / 'shared.sqlite3').as_posix()}"
    first = run("db", "copy", "--to", target, home=tmp_path).stdout
    assert first.startswith("Copying ") and "ledger_entries" in first
    assert "Balance there: 30 points." in first
    again = run("db", "copy", "--to", target, home=tmp_path).stdout
    assert "Done: 0 rows copied" in again and "Balance there: 30 points." in again
