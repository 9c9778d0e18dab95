"""The desktop app down: browsing is queued and delivered later, every event exactly once.

The queue lives in extension storage, so it survives the service worker being
stopped (as Chrome does to idle workers; here through CDP) and the browser
being restarted on the same profile. Each event carries a UUID the desktop
deduplicates on, so a batch re-sent after an interruption changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tests.e2e.conftest import Browser, Desktop, queued, wait_until


def stretches(events: list[dict[str, Any]]) -> dict[str, int]:
    """Milliseconds from the first start to the last end of each subject's events.

    Each site is visited in one stretch here, and the desktop merges reports of one
    site less than pulsetime apart into one span (a page load between two reports
    is filled in), so this is the time it must store for the site.
    """
    bounds: dict[str, tuple[float, float]] = {}
    for event in events:
        start = datetime.fromisoformat(event["start"]).timestamp() * 1000
        end = start + event["duration"] * 1000
        low, high = bounds.get(event["subject"], (start, end))
        bounds[event["subject"]] = (min(low, start), max(high, end))
    return {subject: round(high - low) for subject, (low, high) in bounds.items()}


def test_events_made_while_the_app_is_down_arrive_once_across_worker_stop_and_restart(
    paired: Browser, desktop: Desktop, sites: Callable[..., str]
) -> None:
    before = desktop.seen_count()
    desktop.stop()

    # Each phase stays on one site, so the stored time per site is a plain sum of events
    # (the desktop fills gaps up to pulsetime between reports of the same site).
    page = paired.ctx.new_page()
    page.goto(sites("learn", "/1"))
    time.sleep(1.0)
    page.goto(sites("learn", "/2"))
    time.sleep(1.0)
    page.goto(sites("feed", "/1"))  # the verdict cannot be asked: allowed, and counted
    assert page.url == sites("feed", "/1")
    time.sleep(1.0)

    # The service worker is stopped, as Chrome does at any moment; the next event wakes it.
    paired.stop_service_worker()
    time.sleep(0.5)
    page.goto(sites("feed", "/2"))
    time.sleep(1.0)
    page.goto(sites("other", "/1"))
    first_session = wait_until(lambda: len(queued(paired)) >= 4 and queued(paired))
    assert {e["subject"] for e in first_session} >= {"learn.localhost", "feed.localhost"}

    # The browser is restarted on the same profile; the queue is still there.
    paired.close()
    paired.launch()
    page = paired.ctx.new_page()
    page.goto(sites("after", "/"))
    time.sleep(1.0)
    page.goto("about:blank")  # ends the last stretch
    events = wait_until(lambda: len(queued(paired)) > len(first_session) and queued(paired))
    ids = [e["id"] for e in events]
    assert len(set(ids)) == len(ids)
    assert [e["id"] for e in events[: len(first_session)]] == [e["id"] for e in first_session]
    expected = stretches(events)
    assert expected["learn.localhost"] > 1800 and expected["feed.localhost"] > 1800
    assert expected["after.localhost"] > 800
    assert desktop.seen_count() == before  # nothing could have arrived

    desktop.start()
    # Opening the popup retries at once (otherwise the backoff or the next alarm would).
    paired.extension_page("popup/popup.html")
    wait_until(lambda: not queued(paired), timeout=15, what="the queue to drain")

    # Every queued event arrived, and nothing else did.
    assert desktop.seen(ids) == set(ids)
    assert desktop.seen_count() == before + len(ids)
    # Exactly once in time too: the stored time per site is what was queued.
    for subject, milliseconds in expected.items():
        assert desktop.site_ms(subject) == milliseconds, subject

    # Sending the same batch again (as after a lost answer) changes nothing.
    resent = paired.worker().evaluate(
        """async (events) => {
            const {conn} = await chrome.storage.local.get("conn");
            const r = await fetch(`http://127.0.0.1:${conn.port}/api/v1/events`, {
                method: "POST",
                headers: {
                    "Content-Type": "application/json",
                    Authorization: `Bearer ${conn.token}`,
                },
                body: JSON.stringify({events}),
            });
            return await r.json();
        }""",
        events,
    )
    assert resent == {"accepted": 0, "duplicates": len(events)}
    assert desktop.seen_count() == before + len(ids)
    assert desktop.site_ms("feed.localhost") == expected["feed.localhost"]
