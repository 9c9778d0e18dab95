"""A browser window in the background and an idle user produce no site time.

Headless Chromium has no real window focus and never becomes idle, so this test
runs Chromium with a window on a virtual X display (Xvfb) with a window manager
(openbox), like a desktop session: a second browser window takes the front, and
no keyboard or mouse input for the idle threshold (15 s in the test config) is
the user going idle; ``xdotool mousemove`` is the user coming back. Nothing in
the extension is switched into a test mode.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Playwright

from tests.e2e.conftest import Browser, Desktop, queued, wait_until
from tests.monitor.test_x11_probe import (
    Processes,
    XServer,
    start_xvfb,
    wait_for_window_manager,
    xdg_env,
)


@pytest.fixture
def xserver(tmp_path: Path) -> Iterator[XServer]:
    processes = Processes(tmp_path / "x.log")
    try:
        server = start_xvfb(processes)
        processes.start(["openbox", "--sm-disable"], {**server.env, **xdg_env(tmp_path)})
        wait_for_window_manager(server)
        yield server
    finally:
        processes.stop_all()


@pytest.fixture
def windowed(playwright: Playwright, tmp_path: Path, xserver: XServer) -> Iterator[Browser]:
    chromium = Browser(playwright, tmp_path / "profile", headless=False, env=xserver.env)
    yield chromium
    chromium.close()


def now_ms() -> int:
    return int(time.time() * 1000)


def web_time_between(desktop: Desktop, start_ms: int, end_ms: int) -> int:
    """Milliseconds of stored web activity inside [start, end)."""
    rows = desktop.query(
        "SELECT coalesce(sum(min(s.end_ms, ?) - max(s.start_ms, ?)), 0) FROM activity_spans s "
        "JOIN subjects j ON j.id = s.subject_id "
        "WHERE j.source = 'web' AND s.start_ms < ? AND s.end_ms > ?",
        end_ms,
        start_ms,
        end_ms,
        start_ms,
    )
    return int(rows[0][0])


def test_a_background_window_and_an_idle_user_produce_no_site_time(
    windowed: Browser, desktop: Desktop, xserver: XServer, sites: Callable[..., str]
) -> None:
    windowed.pair(desktop)
    xserver.xdotool("mousemove", "5", "5")  # the user is here
    feed = windowed.ctx.new_page()
    feed.goto(sites("feed", "/"))
    # A second window comes to the front with the learning site; the feed's window is behind.
    windowed.worker().evaluate(
        "(url) => chrome.windows.create({url, focused: true})", sites("learn", "/")
    )
    wait_until(
        lambda: windowed.worker().evaluate(
            "chrome.tabs.query({active: true, lastFocusedWindow: true})"
            ".then(([t]) => t && t.status === 'complete' && t.url.includes('learn.localhost'))"
        ),
        what="the learning site in the new window",
    )
    # The window manager raises it as any desktop would (its title is the page's).
    chrome_window = xserver.find_window("--name", "learn.localhost")
    xserver.activate(chrome_window)
    behind_from = now_ms()
    time.sleep(3)
    behind_to = now_ms()

    # No input since the mouse moved: after 15 s the user is idle.
    wait_until(
        lambda: windowed.storage("idleState")["idleState"] != "active",
        timeout=30,
        interval=0.2,
        what="the idle state",
    )
    idle_from = now_ms()
    time.sleep(3)
    idle_to = now_ms()
    xserver.xdotool("mousemove", "300", "300")  # back
    wait_until(lambda: windowed.storage("idleState")["idleState"] == "active", what="active")
    time.sleep(1)
    windowed.extension_page("popup/popup.html")  # ends the stretch and delivers it
    wait_until(lambda: not queued(windowed), what="the queue to drain")

    slack = 600  # a focus or idle change reaches the extension within a fraction of a second
    # The feed's window was behind the whole time: no feed time while it was.
    feed_spans = desktop.query(
        "SELECT s.start_ms, s.end_ms FROM activity_spans s JOIN subjects j "
        "ON j.id = s.subject_id WHERE j.name = 'feed.localhost'"
    )
    assert all(end <= behind_from for _, end in feed_spans), feed_spans
    # The learning site in the focused window counted while it was in front...
    assert web_time_between(desktop, behind_from, behind_to) >= behind_to - behind_from - slack
    # ...but not while the user was away.
    assert web_time_between(desktop, idle_from + slack, idle_to) == 0
    assert desktop.site_ms("learn.localhost") > 0
