"""The Linux bundle, built for real with PyInstaller and run the way a user runs it.

Built once per module by ``installer/build-linux.sh`` (with the test's own
interpreter, about 35 s here), its tarball unpacked into a folder whose name has a
space, so the tests also show the bundle is relocatable. Then:
``serve`` answers ``/api/v1/health`` over real HTTP and stops cleanly on SIGTERM;
the contracts, migrations and icon inside the bundle are found; ``autostart on``
writes an entry desktop-file-validate accepts that starts the bundle, and a moved
bundle's entry is reported stale; ``install.sh`` installs it for the user (menu
entry valid, command on PATH) and ``install.sh --uninstall`` removes all of it but
the user's data.

PyInstaller comes with the test extras (``pip install -e ".[test]"``, or
``".[bundle]"`` for building only); without it the test fails and says so.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import requests

from tests.desktop_files import validate_desktop_file

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "installer" / "human-pretraining.spec"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]

pytestmark = pytest.mark.bundle


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """installer/build-linux.sh run with this interpreter; the tarball it made, unpacked."""
    assert importlib.util.find_spec("PyInstaller"), (
        "PyInstaller is not installed; install the extras: pip install -e '.[test]'"
    )
    base = tmp_path_factory.mktemp("bundle")
    env = {
        **os.environ,
        "BUNDLE_PYTHON": sys.executable,
        "DIST_DIR": str(base / "dist"),
        "WORK_DIR": str(base / "work"),
    }
    started = time.monotonic()
    result = subprocess.run(
        ["bash", str(ROOT / "installer" / "build-linux.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    print(f"bundle built in {time.monotonic() - started:.0f} s")
    tarball = base / "dist" / f"human-pretraining-{VERSION}-linux-{platform.machine()}.tar.gz"
    assert tarball.is_file(), result.stdout
    # Unpacked where a user might put it: a folder whose name has a space.
    downloads = base / "My Downloads"
    downloads.mkdir()
    subprocess.run(["tar", "-xzf", str(tarball), "-C", str(downloads)], check=True)
    shutil.rmtree(base / "work")
    shutil.rmtree(base / "dist")
    return downloads / tarball.name.removesuffix(".tar.gz")


@pytest.fixture(scope="module")
def bundle(release: Path) -> Path:
    return release / "human-pretraining" / "human-pretraining"


def run(
    exe: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=120, env=env or dict(os.environ)
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_the_bundle_knows_its_version_and_ships_its_data(bundle: Path, tmp_path: Path) -> None:
    assert run(bundle, "--version").stdout.strip() == f"human-pretraining {VERSION}"
    inside = bundle.parent / "_internal" / "human_pretraining"
    assert (inside / "_shared" / "schemas" / "events.schema.json").is_file()
    assert (inside / "store" / "migrations" / "versions" / "0001_initial_schema.py").is_file()
    assert (inside / "resources" / "icon.svg").is_file()

    home = tmp_path / "home"
    status = run(bundle, "--home", str(home), "status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith("Balance   0 points")
    # The first start wrote the shipped default config and migrated a new database.
    default = (ROOT / "shared" / "default-config.toml").read_text("utf-8")
    assert (home / "config.toml").read_text("utf-8") == default
    assert (home / "history.sqlite3").stat().st_size > 0


def test_serve_answers_health_and_stops_cleanly_on_sigterm(bundle: Path, tmp_path: Path) -> None:
    port = free_port()
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        server = subprocess.Popen(
            [
                str(bundle),
                "--home",
                str(tmp_path / "home"),
                "serve",
                "--port",
                str(port),
                "--no-monitor",
            ],
            stdout=stdout,
            stderr=stderr,
        )
    try:
        health = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert health is not None, err.read_text()
        assert health.status_code == 200
        assert health.json() == {"ok": True, "version": VERSION}
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0, err.read_text()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert f"listening on http://127.0.0.1:{port}" in out.read_text()
    assert "Stopped; everything received is saved." in out.read_text()
    assert "Traceback" not in err.read_text()


def test_the_bundled_window_starts_with_its_qt_plugins_and_charts(
    bundle: Path, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "HUMAN_PRETRAINING_HOME": str(tmp_path / "home"),
        "QT_QPA_PLATFORM": "offscreen",
        "HUMAN_PRETRAINING_REPORT_STARTUP": "1",
    }
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = subprocess.Popen(
        [str(bundle), "gui", "--no-monitor", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert app.stdout is not None
        first = app.stdout.readline()
        assert first.startswith("startup: window shown"), app.stderr.read() if app.stderr else ""
    finally:
        app.send_signal(signal.SIGTERM)
        _out, err = app.communicate(timeout=30)
    assert app.returncode == 0, err
    assert "Traceback" not in err


def test_autostart_from_the_bundle(bundle: Path, tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    env.pop("HUMAN_PRETRAINING_HOME", None)
    entry = tmp_path / "xdg" / "autostart" / "human-pretraining.desktop"

    on = run(bundle, "autostart", "on", env=env)
    assert on.returncode == 0, on.stderr
    validate_desktop_file(entry)
    text = entry.read_text("utf-8")
    # The bundle itself, quoted (its folder has a space), started in the tray.
    assert f'Exec="{bundle}" gui --hidden\n' in text
    assert f"TryExec={bundle}\n" in text
    assert f"Icon={bundle.parent}/_internal/human_pretraining/resources/icon.svg\n" in text

    # Moved elsewhere, the bundle notices its old entry no longer starts anything.
    moved = bundle.parent.with_name("moved")
    bundle.parent.rename(moved)
    try:
        status = run(moved / "human-pretraining", "autostart", "status", env=env)
        assert "Autostart: on, but its program is missing" in status.stdout
        run(moved / "human-pretraining", "autostart", "on", env=env)
        assert f'Exec="{moved}/human-pretraining" gui --hidden\n' in entry.read_text("utf-8")
    finally:
        moved.rename(bundle.parent)

    off = run(bundle, "autostart", "off", env=env)
    assert off.returncode == 0 and not entry.exists()


def test_install_and_uninstall_for_the_user(release: Path, tmp_path: Path) -> None:
    prefix, data, xdg = tmp_path / "my prefix", tmp_path / "data", tmp_path / "xdg"
    env = {**os.environ, "PREFIX": str(prefix), "XDG_DATA_HOME": str(data)}
    env["XDG_CONFIG_HOME"] = str(xdg)
    installed = subprocess.run(
        ["sh", str(release / "install.sh")], env=env, capture_output=True, text=True, timeout=120
    )
    assert installed.returncode == 0, installed.stderr
    assert f"Human Pretraining {VERSION} is installed" in installed.stdout

    app = prefix / "lib" / "human-pretraining" / "human-pretraining"
    entry = data / "applications" / "human-pretraining.desktop"
    validate_desktop_file(entry)
    text = entry.read_text("utf-8")
    assert f'Exec="{app}"\n' in text and f"TryExec={app}\n" in text
    assert (data / "icons/hicolor/scalable/apps/human-pretraining.svg").is_file()
    assert (data / "icons/hicolor/256x256/apps/human-pretraining.png").is_file()
    # The command on PATH is a link to the app, and works as one.
    link = prefix / "bin" / "human-pretraining"
    assert run(link, "--version").stdout.strip() == f"human-pretraining {VERSION}"
    assert run(link, "autostart", "on", env=env).returncode == 0
    assert (xdg / "autostart" / "human-pretraining.desktop").is_file()

    removed = subprocess.run(
        ["sh", str(release / "install.sh"), "--uninstall"], env=env, capture_output=True, text=True
    )
    assert removed.returncode == 0, removed.stderr
    assert "Your data stays" in removed.stdout
    assert not app.parent.exists() and not link.exists() and not entry.exists()
    assert not (xdg / "autostart" / "human-pretraining.desktop").exists()
    # Only the desktop's shared caches (rebuilt by its own tools) may remain.
    caches = {"mimeinfo.cache", "icon-theme.cache"}
    files = [f for folder in (prefix, data) for f in folder.rglob("*") if f.is_file()]
    assert [f for f in files if f.name not in caches] == []
