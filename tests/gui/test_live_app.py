"""The window over a running app: events arriving through the real endpoint show up live,
and the real ``human-pretraining`` process starts once, hands over to itself, and quits
cleanly without losing what it acknowledged."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from datetime import time as dt_time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from pytestqt.qtbot import QtBot

from human_pretraining.app import Runtime
from human_pretraining.core.model import Category, format_points
from human_pretraining.gui.bridge import ServicesBridge
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.main_window import MainWindow
from human_pretraining.gui.views.dashboard.view import DashboardView
from human_pretraining.services.context import App
from tests.api.conftest import CHROME_ORIGIN, make_event
from tests.conftest import TEST_TZ

EXE = str(Path(sys.executable).with_name("human-pretraining"))


@pytest.fixture
def runtime(app: App) -> Iterator[Runtime]:
    running = Runtime(app, port=0, monitor=False)
    running.start()
    yield running
    running.stop()


def _pair(base: str, app: App) -> dict[str, str]:
    code = app.pairing.new_code().code
    reply = requests.post(
        f"{base}/api/v1/pair",
        json={"code": code, "client": "chrome"},
        headers={"Origin": CHROME_ORIGIN},
        timeout=5,
    )
    assert reply.status_code == 201, reply.text
    return {"Authorization": f"Bearer {reply.json()['token']}", "Origin": CHROME_ORIGIN}


def test_the_dashboard_follows_events_sent_to_the_real_endpoint(
    app: App, runtime: Runtime, qtbot: QtBot
) -> None:
    bridge = ServicesBridge(app)
    ctx = GuiContext(bridge, settle_soon=runtime.settle_soon, port=runtime.server.port)
    bridge.activityChanged.connect(runtime.settle_soon)  # as launch.py wires it
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    dashboard = window.view(DashboardView)
    headers = _pair(runtime.url, app)
    qtbot.waitUntil(lambda: "browser extension: paired" in dashboard.tracking.text(), timeout=3000)
    events = [
        make_event(minutes_ago=30 - i, subject="docs.python.org", source="web") for i in range(20)
    ]
    reply = requests.post(
        f"{runtime.url}/api/v1/events", json={"events": events}, headers=headers, timeout=5
    )
    assert reply.status_code == 200, reply.text
    qtbot.waitUntil(
        lambda: round(dashboard.day_chart.totals[Category.LEARNING]) == 20, timeout=3000
    )
    qtbot.waitUntil(lambda: app.queries.balance() > 0, timeout=5000)
    qtbot.waitUntil(
        lambda: dashboard.header.balance_text == f"{format_points(app.queries.balance())} points",
        timeout=3000,
    )
    bridge.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(base: str, process: subprocess.Popen[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            if requests.get(f"{base}/api/v1/health", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("the app did not start listening")


def ten_minutes_on_one_local_day(now: float) -> float:
    """The start (epoch s) of ten recent minutes that do not cross a local midnight.

    The app runs on the real clock. Ten minutes that straddle midnight are booked on
    the two days they fall on (3 + 7 minutes, say), which is right, but then no single
    entry reads "10 min of focus"; so near midnight they end at midnight instead.
    """
    end = now - 20 * 60
    start = end - 10 * 60
    zone = ZoneInfo(TEST_TZ)
    end_local = datetime.fromtimestamp(end, zone)
    if datetime.fromtimestamp(start, zone).date() != end_local.date():
        midnight = datetime.combine(end_local.date(), dt_time(0), zone)
        start = midnight.timestamp() - 10 * 60
    return start


def test_one_process_starts_once_and_quits_without_losing_anything(tmp_path: Path) -> None:
    home = tmp_path / "home"
    port = free_port()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HUMAN_PRETRAINING_HOME": str(home)}
    subprocess.run([EXE, "status"], env=env, check=True, capture_output=True)
    config = home / "config.toml"
    config.write_text(config.read_text().replace("port = 5747", f"port = {port}"))
    assert f"port = {port}" in config.read_text()

    first = subprocess.Popen(
        [EXE, "gui", "--no-monitor"],
        env=env,
        text=True,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, first)
        second = subprocess.run([EXE], env=env, capture_output=True, text=True, timeout=30)
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout
        assert first.poll() is None  # the first one is still the app

        code = subprocess.run([EXE, "pair"], env=env, capture_output=True, text=True, check=True)
        reply = requests.post(
            f"{base}/api/v1/pair",
            json={"code": code.stdout.strip().splitlines()[-1], "client": "chrome"},
            headers={"Origin": CHROME_ORIGIN},
            timeout=5,
        )
        headers = {"Authorization": f"Bearer {reply.json()['token']}", "Origin": CHROME_ORIGIN}
        start = ten_minutes_on_one_local_day(time.time())
        events = [
            {
                "id": f"0190a000-0000-7000-8000-{i:012d}",
                "source": "app",
                "subject": "code",
                "start": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + 60 * i)),
                "duration": 60,
            }
            for i in range(10)
        ]
        accepted = requests.post(
            f"{base}/api/v1/events", json={"events": events}, headers=headers, timeout=5
        )
        assert accepted.json()["accepted"] == 10
    finally:
        first.send_signal(signal.SIGTERM)
        try:
            _out, err = first.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            first.kill()  # never leave a running app behind a failed test
            raise
    assert first.returncode == 0, err
    # Ten minutes of the default "code" focus rule, booked by the settle at quit.
    export = subprocess.run(
        [EXE, "export", "--table", "ledger"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "10 min of focus" in export.stdout


def test_with_the_window_hidden_points_are_booked_less_often(ctx: GuiContext, qtbot: QtBot) -> None:
    from human_pretraining.app import SETTLE_EVERY_HIDDEN_S, SETTLE_EVERY_S
    from human_pretraining.gui.launch import _Background

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    background = _Background(ctx, window, port=0, monitor=False)
    background.start()
    try:
        assert background.runtime is not None
        assert background.runtime.settle_every_s == SETTLE_EVERY_HIDDEN_S  # not shown yet
        window.show()
        assert background.runtime.settle_every_s == SETTLE_EVERY_S
        window.hide()
        assert background.runtime.settle_every_s == SETTLE_EVERY_HIDDEN_S
        assert "not tracking" in ctx.tracking_line()  # the runtime's own status, not "starting"
    finally:
        background.stop()
