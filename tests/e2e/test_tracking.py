"""Pairing through the options page, and browsing that ends up in the ledger.

Real Chromium with the unpacked extension against ``human-pretraining serve`` on
a temporary home. The rules map ``learn.localhost`` to learning at +60 points a
minute and ``feed.localhost`` to distraction at -60, so every millisecond on a
site is one milli-point: the ledger must equal the time the desktop stored, and
that must be the time the test spent on each page.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.e2e.conftest import Browser, Desktop, queued, wait_until


def test_pairing_through_the_options_page(browser: Browser, desktop: Desktop) -> None:
    options = browser.extension_page("options/options.html")
    assert options.get_attribute("#state", "data-state") == "unpaired"
    # A wrong code is refused with the desktop's message and nothing is stored.
    options.fill("#code", "WRNG-CODE")
    options.fill("#port", str(desktop.port))
    options.click("#submit")
    options.wait_for_selector("#result.warn")
    assert options.get_attribute("#state", "data-state") == "unpaired"
    assert "conn" not in browser.storage("conn")  # nothing stored

    options.fill("#code", desktop.pairing_code())
    options.click("#submit")
    options.wait_for_selector("#state[data-state=paired]")
    assert "Paired" in options.inner_text("#state")
    assert desktop.cli("tokens", "list").count("Chrome extension") == 1
    conn = browser.storage("conn")["conn"]
    assert conn["port"] == desktop.port and len(conn["token"]) > 20
    # The desktop's idle threshold reached the extension.
    assert browser.storage("tracking")["tracking"]["idle_threshold_s"] == 15

    # The app not running, then the token revoked: the options page says which.
    desktop.stop()
    options.click("#check")
    options.wait_for_selector("#state[data-state=offline]")
    assert "not running" in options.inner_text("#state")
    desktop.start()
    desktop.cli("tokens", "revoke", "Chrome extension")
    options.click("#check")
    options.wait_for_selector("#state[data-state=revoked]")
    # Pairing again with a fresh code recovers.
    options.fill("#code", desktop.pairing_code())
    options.click("#submit")
    options.wait_for_selector("#state[data-state=paired]")


def test_browsing_two_sites_credits_and_debits_the_seconds_spent(
    paired: Browser, desktop: Desktop, sites: Callable[..., str]
) -> None:
    page = paired.ctx.new_page()
    started = time.monotonic()
    page.goto(sites("learn", "/course/1"))
    time.sleep(3)
    page.goto(sites("feed", "/"))
    switched = time.monotonic()
    for _ in range(5):  # some scrolling: the doomscroll signal rides along
        page.mouse.wheel(0, 600)
        time.sleep(0.1)
    time.sleep(1.5)
    # Opening the popup (here in a tab) ends the feed stretch and delivers at once.
    popup = paired.extension_page("popup/popup.html")
    ended = time.monotonic()
    wait_until(lambda: not queued(paired), what="the queue to drain")

    learn_ms, feed_ms = desktop.site_ms("learn.localhost"), desktop.site_ms("feed.localhost")
    # What the desktop stored is the time the test spent, to within the page loads.
    assert abs(learn_ms - (switched - started) * 1000) < 700, learn_ms
    assert abs(feed_ms - (ended - switched) * 1000) < 700, feed_ms
    assert learn_ms > 2500 and feed_ms > 1500
    # Only the domain was stored: no path, no title (the user did not opt in).
    subjects = {r[0] for r in desktop.query("SELECT name FROM subjects WHERE source = 'web'")}
    assert subjects == {"learn.localhost", "feed.localhost"}
    assert desktop.query("SELECT count(*) FROM activity_spans WHERE detail IS NOT NULL") == [(0,)]

    # The scrolling reached the desktop with the feed's time (pixels and seconds, no content).
    scrolled = desktop.query(
        "SELECT sum(s.scroll_px), sum(s.scroll_ms) FROM activity_spans s "
        "JOIN subjects j ON j.id = s.subject_id WHERE j.name = 'feed.localhost'"
    )[0]
    assert scrolled[0] >= 2000 and scrolled[1] > 0, scrolled

    # The ledger: +1 milli-point per millisecond learning, -1 per millisecond on the feed.
    wait_until(
        lambda: (
            desktop.ledger("activity", "learn") == learn_ms
            and desktop.ledger("activity", "feed") == -feed_ms
        ),
        timeout=15,
        what="the server to settle the day",
    )
    # And the popup shows the same numbers (reopened after settling).
    popup.reload()
    popup.wait_for_selector("body[data-ready]")
    earned = float(popup.inner_text("#earned").lstrip("+").replace(",", ""))
    assert abs(earned - learn_ms / 1000) < 0.01
