"""The command line's refusals and failures: one clear line, exit status 2, nothing harmed.

``export -o`` never writes over the app's own files (the database, its -wal/-shm/-journal,
the config, the device id, the pause file, anything in the app's folder), and over any
other existing file only with ``--force``. A target it cannot write — a missing folder,
a folder, ``/proc``, ``/sys``, a full disk (a private ``/dev/full``), a read-only file
system — is one line, not a traceback. ``db copy --to`` accepts a SQLite file or a
PostgreSQL server only, and never a URL holding a password (``ps`` shows it). A
``--home`` that is not a folder is one line too.

Most cases run ``cli.main`` in-process (a traceback there is an exception that fails
the test); :func:`test_no_traceback_reaches_a_user` runs the installed command.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from human_pretraining.cli import main
from human_pretraining.services.context import open_app
from human_pretraining.services.export_file import ExportError, ExportFormat, ExportRequest
from tests.conftest import FakeClock

EXE = (
    shutil.which("human-pretraining", path=str(Path(sys.executable).parent)) or "human-pretraining"
)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def home_with_points(isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert run("task", "done", "Explain something to someone")[0] == 0  # +30 points
    capsys.readouterr()
    return isolated_home


def balance_line() -> str:
    code, out = run("status")
    assert code == 0
    return next(line for line in out.splitlines() if line.startswith("Balance"))


# ------------------------------------------------------------- 5. the app's own files


@pytest.mark.parametrize(
    "name",
    [
        "history.sqlite3",
        "history.sqlite3-wal",
        "history.sqlite3-shm",
        "history.sqlite3-journal",
        "config.toml",
        "device-id",
        "pause-until",
        "notes.json",  # anything in the app's folder is the app's
    ],
)
@pytest.mark.parametrize("force", [False, True])
def test_export_never_writes_over_the_apps_own_files(
    home_with_points: Path, capsys: pytest.CaptureFixture[str], name: str, force: bool
) -> None:
    target = home_with_points / name
    before = target.read_bytes() if target.exists() else None
    database = (home_with_points / "history.sqlite3").read_bytes()
    code, _ = run("export", "-o", str(target), *(["--force"] if force else []))
    assert code == 2
    line = one_error_line(capsys)
    assert "the app's own" in line and str(target) in line
    assert (target.read_bytes() if target.exists() else None) == before
    assert (home_with_points / "history.sqlite3").read_bytes() == database
    assert balance_line() == "Balance   30 points"


def test_export_through_a_link_to_the_database_is_refused(
    home_with_points: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "elsewhere" / "backup.json"
    link.parent.mkdir()
    link.symlink_to(home_with_points / "history.sqlite3")
    assert run("export", "-o", str(link), "--force")[0] == 2
    assert "the app's own" in one_error_line(capsys)
    assert balance_line() == "Balance   30 points"


def test_export_never_writes_over_a_database_kept_outside_the_apps_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "elsewhere" / "shared.sqlite3"
    database.parent.mkdir()
    monkeypatch.setenv("HUMAN_PRETRAINING_DATABASE_URL", f"sqlite:///{database}")
    assert run("task", "done", "Explain something to someone")[0] == 0
    capsys.readouterr()
    for name in ("shared.sqlite3", "shared.sqlite3-wal"):
        assert run("export", "-o", str(database.parent / name), "--force")[0] == 2
        assert "the app's own" in one_error_line(capsys)
    assert balance_line() == "Balance   30 points"


def test_export_over_an_existing_file_needs_force(
    home_with_points: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "taxes.json"
    target.write_text("my tax return", "utf-8")
    assert run("export", "-o", str(target))[0] == 2
    line = one_error_line(capsys)
    assert str(target) in line and "--force" in line
    assert target.read_text("utf-8") == "my tax return"
    assert run("export", "-o", str(target), "--force")[0] == 0
    assert '"ledger"' in target.read_text("utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no leftovers


def test_a_new_file_needs_no_force(home_with_points: Path, tmp_path: Path) -> None:
    target = tmp_path / "new.json"
    assert run("export", "-o", str(target))[0] == 0
    assert '"ledger"' in target.read_text("utf-8")


def test_the_window_may_overwrite_a_file_the_user_confirmed_but_never_the_apps_own(
    home_with_points: Path, tmp_path: Path
) -> None:
    """The Data panel passes ``force=True`` (its file dialog asked); the rule lives in the
    service, so the database is still refused."""
    app = open_app(home_with_points, clock=FakeClock())
    try:
        confirmed = tmp_path / "old.json"
        confirmed.write_text("old", "utf-8")
        app.exporter.write(ExportRequest(confirmed, ExportFormat.JSON, ("ledger",), force=True))
        assert '"ledger"' in confirmed.read_text("utf-8")
        database = home_with_points / "history.sqlite3"
        with pytest.raises(ExportError, match="the app's own"):
            app.exporter.write(ExportRequest(database, ExportFormat.JSON, ("ledger",), force=True))
        with pytest.raises(ExportError, match="--force"):
            app.exporter.write(ExportRequest(confirmed, ExportFormat.JSON, ("ledger",)))
    finally:
        app.close()
    assert balance_line() == "Balance   30 points"


# ------------------------------------------------------- 14. targets export cannot write


def private_device(tmp_path: Path, name: str, minor: int) -> Path:
    """A character device like /dev/null (1, 3) or /dev/full (1, 7), private to the test:
    the machine's own are never at risk while a test shows the bug (before the fix an
    export renamed a regular file over the device node)."""
    node = tmp_path / name
    try:
        os.mknod(node, 0o20666, os.makedev(1, minor))
    except PermissionError:
        pytest.fail("mknod needs root (CAP_MKNOD) to build a private device node")
    return node


@pytest.fixture
def private_dev_full(tmp_path: Path) -> Path:
    return private_device(tmp_path, "full", 7)


def test_export_to_a_full_disk_says_so(
    home_with_points: Path, private_dev_full: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("export", "-o", str(private_dev_full))[0] == 2
    line = one_error_line(capsys)
    assert "the disk is full" in line and str(private_dev_full) in line
    assert private_dev_full.is_char_device()  # written to, never replaced


def test_export_to_a_character_device_writes_into_it(
    home_with_points: Path, tmp_path: Path
) -> None:
    null = private_device(tmp_path, "null", 3)
    assert run("export", "-o", str(null))[0] == 0
    assert null.is_char_device()  # not replaced by a regular file


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("{tmp}/nope/out.json", "the folder {tmp}/nope does not exist"),
        ("{tmp}", "{tmp} is a folder"),
        ("/proc/hp-export.json", "cannot write /proc/hp-export.json"),
        # Root ignores permission bits; /sys refuses new files to root too (EACCES).
        ("/sys/hp-export.json", "cannot write /sys/hp-export.json: permission denied"),
    ],
)
def test_export_to_a_place_it_cannot_write_is_one_line(
    home_with_points: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    target: str,
    says: str,
) -> None:
    assert run("export", "-o", target.format(tmp=tmp_path))[0] == 2
    assert says.format(tmp=tmp_path) in one_error_line(capsys)


def test_export_to_a_read_only_file_system_is_one_line(
    home_with_points: Path, tmp_path: Path
) -> None:
    """A real read-only mount, in a private mount namespace (``unshare -m``, as root)."""
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.fail("this test mounts a read-only tmpfs: it needs root and unshare(1)")
    mount = tmp_path / "ro"
    mount.mkdir()
    script = f'mount -t tmpfs -o ro tmpfs "{mount}" && exec "{EXE}" export -o "{mount}/out.json"'
    env = dict(os.environ, HUMAN_PRETRAINING_HOME=str(home_with_points))
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"error: cannot write {mount}/out.json: read-only file system\n"


# ------------------------------------------------------------- 14. db copy targets


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://me@server/hp", "MySQL"),
        ("mysql+pymysql://me@server/hp", "MySQL"),
        ("oracle://me@server/hp", "'oracle'"),
        ("file:///tmp/hp.sqlite3", "file://"),
        ("sqlite://", "in memory"),
        ("sqlite:///:memory:", "in memory"),
    ],
)
def test_db_copy_accepts_only_a_sqlite_file_or_postgresql(
    home_with_points: Path, capsys: pytest.CaptureFixture[str], url: str, says: str
) -> None:
    code, out = run("db", "copy", "--to", url)
    assert code == 2
    line = one_error_line(capsys)
    assert says in line and "sqlite:///" in line and "postgresql" in line
    assert "Done" not in out and "Copying" not in out


def test_db_copy_refuses_a_url_holding_a_password(
    home_with_points: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run("db", "copy", "--to", "postgresql+psycopg://hp:s3cret@127.0.0.1:1/hp")
    assert code == 2 and out == ""
    line = one_error_line(capsys)
    assert "s3cret" not in line
    assert "PGPASSWORD" in line and ".pgpass" in line and "--password-prompt" in line


def test_db_copy_into_a_missing_folder_is_one_line(
    home_with_points: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("db", "copy", "--to", f"sqlite:///{tmp_path}/nope/shared.sqlite3")[0] == 2
    assert f"the folder {tmp_path}/nope does not exist" in one_error_line(capsys)


# ------------------------------------------------------------------ 14. --home


@pytest.mark.parametrize("home", ["/dev/null", "{tmp}/a-file"])
def test_a_home_that_is_not_a_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], home: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder", "utf-8")
    path = home.format(tmp=tmp_path)
    assert run("--home", path, "status")[0] == 2
    assert f"{path} is not a folder" in one_error_line(capsys)
    assert (tmp_path / "a-file").read_text("utf-8") == "not a folder"


# ------------------------------------------------------------ the installed command


def test_no_traceback_reaches_a_user(tmp_path: Path, private_dev_full: Path) -> None:
    home = tmp_path / "home"
    env = dict(os.environ, HUMAN_PRETRAINING_HOME=str(home))
    cases = [
        ["export", "-o", str(home / "history.sqlite3")],
        ["export", "-o", str(private_dev_full)],
        ["export", "-o", "/proc/hp-export.json"],
        ["export", "-o", str(tmp_path / "nope" / "x.json")],
        ["export", "-o", str(tmp_path)],
        ["db", "copy", "--to", "mysql://me@server/hp"],
        ["db", "copy", "--to", "sqlite://"],
        ["db", "copy", "--to", "postgresql+psycopg://hp:s3cret@127.0.0.1:1/hp"],
        ["--home", "/dev/null", "status"],
    ]
    subprocess.run([EXE, "status"], env=env, capture_output=True, check=True, timeout=60)
    for argv in cases:
        done = subprocess.run([EXE, *argv], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 2, (argv, done.stderr)
        assert "Traceback" not in done.stderr, argv
        assert len(done.stderr.splitlines()) == 1, (argv, done.stderr)


def test_the_readme_never_shows_a_password_in_a_url() -> None:
    """The README is what people copy: its database URLs pass ``db copy``'s own check."""
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    urls = re.findall(r"postgresql(?:\+psycopg)?://[^\s`\"]+", readme)
    assert any("@server/" in url for url in urls)
    for url in urls:
        assert not re.match(r"postgresql(\+psycopg)?://[^/@]+:[^/@]+@", url), url
    assert "--password-prompt" in readme and ".pgpass" in readme
