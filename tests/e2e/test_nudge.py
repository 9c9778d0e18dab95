"""A distraction site with a nudge rule: the pause page, buying time, its end, continuing anyway.

``shorts.localhost`` costs 6 points a minute with ``enforcement = "nudge"``; the
test config sets a 1 s pause, a 1-minute offer and a 200 % surcharge, so the real
allowance (bought through the real endpoint, debited in the real ledger) runs
out during the test and the page comes back without any clock being faked.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.e2e.conftest import EXTENSION_ORIGIN, Browser, Desktop, queued, wait_until

NUDGE = re.compile(re.escape(f"{EXTENSION_ORIGIN}/pages/nudge.html") + r"\?u=.*")


MAX_QUEUE = 20_000  # extension/lib/queue.js: about a week of browsing


def visit(page: Page, url: str) -> None:
    """Navigate; the extension may replace the navigation with its own page."""
    try:
        page.goto(url, wait_until="commit")
    except PlaywrightError as exc:
        if "interrupted" not in str(exc) and "ERR_ABORTED" not in str(exc):
            raise


# When the nudge page shows its facts (data-ready) and its choices (data-choices), by
# the page's own clock; injected before the page's scripts run.
PAUSE_CLOCK = """
new MutationObserver(() => {
  const body = document.body;
  if (!body) return;
  if (body.dataset.ready && window.readyAt === undefined) window.readyAt = performance.now();
  if (body.dataset.choices && window.choicesAt === undefined) window.choicesAt = performance.now();
}).observe(document, { attributes: true, subtree: true });
"""


def reward_points(desktop: Desktop) -> int:
    rows = desktop.query(
        "SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE kind = 'reward'"
    )
    return int(rows[0][0])


def test_nudge_buy_expiry_and_continue_at_the_surcharge(
    paired: Browser, desktop: Desktop, sites: Callable[..., str]
) -> None:
    target = sites("shorts", "/feed")
    page = paired.ctx.new_page()
    page.add_init_script(PAUSE_CLOCK)
    visit(page, target)
    page.wait_for_url(NUDGE)
    page.wait_for_selector("body[data-ready]")
    assert page.inner_text("#site") == "shorts.localhost"
    assert page.inner_text("#rate") == "6 points per minute"
    assert page.inner_text("#balance") == "0 points"
    page.wait_for_selector("body[data-choices]")
    # The pause comes first: measured inside the page, so a slow test process cannot
    # shorten it (it took its own clock readings late on a loaded machine).
    assert page.evaluate("window.choicesAt - window.readyAt") >= 900
    assert page.inner_text("#buy") == "Buy 1 minute for 6 points"
    assert page.inner_text("#continue") == "Continue anyway (12 points per minute)"

    # An empty balance cannot buy: the desktop refuses and nothing is debited.
    page.click("#buy")
    message = wait_until(lambda: page.inner_text("#message"), what="the refusal")
    assert "short" in message.lower(), message
    assert reward_points(desktop) == 0
    assert NUDGE.match(page.url)

    # Earn some points, then buy: 6 points are debited and the site opens.
    desktop.cli("task", "done", "Explain something")
    page.click("#buy")
    page.wait_for_url(target)
    bought = time.monotonic()
    assert reward_points(desktop) == -6000
    balance = re.search(r"Balance\s+([-\d.,]+) points", desktop.cli("status"))
    assert balance is not None
    # 30 earned - 6 paid; at most the instant the page showed before the nudge replaced it.
    assert 23.9 <= float(balance.group(1)) <= 24

    # Exactly that long: when the minute is over, the nudge page is back.
    page.wait_for_url(NUDGE, timeout=80_000)
    lasted = time.monotonic() - bought
    assert 58 <= lasted <= 70, lasted

    # "Continue anyway": the site opens and its time is reported with the surcharge.
    page.wait_for_selector("body[data-choices]")
    page.click("#continue")
    page.wait_for_url(target)
    time.sleep(2)
    paired.extension_page("popup/popup.html")  # ends the stretch and delivers it
    wait_until(lambda: not queued(paired), what="the queue to drain")
    surcharged = desktop.query(
        "SELECT coalesce(sum(s.end_ms - s.start_ms), 0) FROM activity_spans s "
        "JOIN subjects j ON j.id = s.subject_id WHERE j.name = 'shorts.localhost' "
        "AND s.flags & 16 = 16"
    )[0][0]
    assert surcharged >= 1800
    # 6 points a minute doubled: 0.2 milli-points per millisecond at least for that time.
    wait_until(
        lambda: desktop.ledger("activity", "shorts") <= -surcharged * 0.2,
        timeout=15,
        what="the surcharge to be settled",
    )


BLOCK = re.compile(re.escape(f"{EXTENSION_ORIGIN}/pages/block.html") + r"\?u=.*")


def test_block_offers_only_buying_or_going_back(
    paired: Browser, desktop: Desktop, sites: Callable[..., str]
) -> None:
    page = paired.ctx.new_page()
    page.goto(sites("learn", "/notes"))
    visit(page, sites("casino", "/"))
    page.wait_for_url(BLOCK)
    page.wait_for_selector("body[data-choices]")
    assert page.inner_text("#site") == "casino.localhost"
    assert page.inner_text("#buy") == "Buy 1 minute for 10 points"
    assert page.query_selector("#continue") is None  # no way around it but paying
    # "Go back" returns to the last page the tab was allowed on.
    page.click("#back")
    page.wait_for_url(sites("learn", "/notes"))
    assert reward_points(desktop) == 0


def test_a_full_queue_is_shown_not_hidden(
    paired: Browser, desktop: Desktop, sites: Callable[..., str]
) -> None:
    """Events that did not fit the queue are counted, shown on the badge and in the popup.

    The app is down and the queue one event short of its 20,000 (a week away, filled
    here rather than browsed for a week); real browsing then overflows it, so the count
    comes from the extension's own cut-and-append path."""
    desktop.stop()
    paired.worker().evaluate(
        """(room) => chrome.storage.local.set({queue: Array.from({length: room}, (_, i) => ({
            id: `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`, source: "web",
            subject: "old.localhost", start: new Date(Date.now() - 3600e3).toISOString(),
            duration_s: 1}))})""",
        MAX_QUEUE - 1,
    )
    page = paired.ctx.new_page()
    page.goto(sites("learn", "/1"))
    time.sleep(1.0)
    page.goto(sites("feed", "/1"))
    time.sleep(1.0)
    page.goto("about:blank")  # ends the last stretch: two stretches cut, one fits
    dropped = wait_until(lambda: paired.storage("dropped").get("dropped", 0) >= 1)
    assert len(queued(paired)) == MAX_QUEUE
    popup = paired.extension_page("popup/popup.html")
    popup.wait_for_selector("#dropped:not([hidden])")
    shown = popup.inner_text("#dropped")
    assert f"{paired.storage('dropped')['dropped']} events could not be recorded" in shown
    assert dropped and paired.worker().evaluate("chrome.action.getBadgeText({})") == "FULL"
    popup.click("#dismiss")
    popup.wait_for_selector("#dropped[hidden]", state="attached")
    assert paired.worker().evaluate("chrome.action.getBadgeText({})") == ""
