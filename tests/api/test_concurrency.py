"""Many writers at once: HTTP clients, the monitor and the settler share one database.

For a few seconds, four HTTP clients (each with its own connection and token)
post heartbeats, retry old batches, read the summary and verdicts and buy
allowances, while in the same process a monitor stand-in ingests directly and
another thread settles, checks off tasks and redeems rewards. Afterwards:

* no thread raised, no request failed (a "database is locked" shows up as an
  exception in a direct writer or a 500 from the endpoint), nothing was logged
  as an error;
* every event counted as accepted is stored exactly once, with exactly its time;
* the balance equals the sum of the ledger, and re-settling every day from
  scratch books nothing: what was settled while writes raced is what the final
  data says.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from human_pretraining.core.clock import days_between
from human_pretraining.core.ledger import PurchaseRefused
from human_pretraining.services.economy import AlreadyDone
from human_pretraining.services.ingest import mark_dirty
from human_pretraining.store.ledger import balance, ledger_sum
from human_pretraining.store.models import ActivitySpan, DirtyDay, LedgerEntry, SeenEvent
from tests.api.conftest import Live, make_event

RUN_S = 5.0
BEAT_S = 10  # every heartbeat covers 10 s, back to back within a lane


@dataclass(frozen=True)
class Lane:
    """One writer's stretch of history: heartbeats of one subject, hours before the test clock.

    Lanes do not overlap, so every accepted event adds exactly its own time, and the
    web lanes fall on two local days (the test clock is Thursday 15:00 in Berlin).
    """

    source: str
    subject: str
    start_h: float
    hours: float
    signals: dict[str, Any] = field(default_factory=dict)


# Two of the sites cost points without a daily cap, so any event settled wrongly moves
# the points; the other two earn, so allowances are sometimes affordable.
HTTP_CLIENTS = {
    "extension-1": Lane("web", "github.com", 22, 5, {"scroll_px": 300, "scroll_s": 1}),
    "extension-2": Lane("web", "youtube.com", 17, 5, {"audible": True}),
    "extension-3": Lane("web", "docs.python.org", 12, 5),
    "extension-4": Lane("web", "reddit.com", 7, 5, {"scroll_px": 2000, "scroll_s": 6}),
}
# The monitor: four hours in the editor, then the browser in front for the web lanes.
MONITOR = [Lane("app", "code", 26, 4), Lane("app", "firefox", 22, 22, {"browser": True})]
TASKS = ["Read a chapter", "30 min exercise", "Plan tomorrow", "Explain something to someone"]


@dataclass
class Tally:
    """What the threads did and what went wrong, shared under a lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    accepted: int = 0
    ids: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def stored(self, ids: list[str], accepted: int) -> None:
        with self.lock:
            self.accepted += accepted
            self.ids.update(ids)

    def count(self, what: str) -> None:
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + 1

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)


def timeline(*lanes: Lane) -> Iterator[list[dict[str, Any]]]:
    """Batches of 5 to 20 back-to-back heartbeats through each lane in turn."""
    size = 5
    for lane in lanes:
        minutes_ago = lane.start_h * 60
        stop = (lane.start_h - lane.hours) * 60
        while minutes_ago - size * BEAT_S / 60 >= stop:
            batch = []
            for _ in range(size):
                batch.append(
                    make_event(minutes_ago, lane.subject, lane.source, BEAT_S, **lane.signals)
                )
                minutes_ago -= BEAT_S / 60
            yield batch
            size = 5 + (size * 7) % 16


def guarded(tally: Tally, name: str, work: Callable[[], None]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException:
            tally.fail(f"{name} raised:\n{traceback.format_exc()}")

    return threading.Thread(target=run, name=name)


def http_client(live: Live, tally: Tally, name: str, lane: Lane, end: float) -> Callable[[], None]:
    """An extension: its own connection and token, posting, retrying, reading, buying."""
    headers = {"Authorization": f"Bearer {live.pair(client=name)}"}

    def check(response: requests.Response, allowed: set[int], what: str) -> None:
        tally.count(f"{what} {response.status_code}")
        if response.status_code not in allowed:
            tally.fail(f"{name}: {what} answered {response.status_code}: {response.text}")

    def work() -> None:
        sent: list[list[dict[str, Any]]] = []
        with requests.Session() as session:
            session.headers.update(headers)
            for n, batch in enumerate(timeline(lane)):
                if time.monotonic() > end:
                    break
                response = session.post(live.url("/api/v1/events"), json={"events": batch})
                check(response, {200}, "events")
                if response.status_code == 200:
                    tally.stored([e["id"] for e in batch], response.json()["accepted"])
                    sent.append(batch)
                if n % 4 == 3 and sent:  # a client retrying a batch it already delivered
                    old = sent[len(sent) // 2]
                    response = session.post(live.url("/api/v1/events"), json={"events": old})
                    check(response, {200}, "retry")
                    if response.ok and response.json() != {"accepted": 0, "duplicates": len(old)}:
                        tally.fail(f"{name}: a retry was not a pure duplicate: {response.text}")
                if n % 5 == 0:
                    check(session.get(live.url("/api/v1/summary")), {200}, "summary")
                if n % 7 == 0:
                    url = live.url(f"/api/v1/verdict?url=https://{lane.subject}/page")
                    check(session.get(url), {200}, "verdict")
                if n % 11 == 0:
                    body = {"site": "youtube.com", "minutes": 5}
                    response = session.post(live.url("/api/v1/allowances"), json=body)
                    check(response, {201, 402}, "allowance")  # 402: the balance is short

    return work


def monitor(live: Live, tally: Tally, end: float) -> Callable[[], None]:
    """The desktop monitor's stand-in: the same ingestion path, called in-process."""

    def work() -> None:
        for batch in timeline(*MONITOR):
            if time.monotonic() > end:
                break
            result = live.app.ingestor.ingest(batch)
            tally.stored([e["id"] for e in batch], result.accepted)
            tally.count("monitor batches")

    return work


def settler(live: Live, tally: Tally, end: float) -> Callable[[], None]:
    """The settling loop, plus the user checking off tasks and buying rewards meanwhile."""

    def work() -> None:
        n = 0
        while time.monotonic() < end:
            live.app.settler.settle()
            tally.count("settles")
            try:
                live.app.economy.complete_task(TASKS[n % len(TASKS)])
                tally.count("tasks done")
            except AlreadyDone:  # daily tasks: once per day each, and the test clock stands
                pass
            if n % 3 == 0:
                try:
                    live.app.economy.redeem("30 min of phone time")
                    tally.count("rewards bought")
                except PurchaseRefused:
                    pass
            n += 1
            time.sleep(0.02)

    return work


def activity_points(live: Live) -> tuple[int, int]:
    """The sum and number of activity entries in the ledger."""
    query = select(func.coalesce(func.sum(LedgerEntry.amount), 0), func.count()).where(
        LedgerEntry.kind == "activity"
    )
    with live.app.db.read() as conn:
        total, entries = conn.execute(query).one()
    return int(total), int(entries)


def test_http_clients_monitor_and_settler_write_together_without_errors(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    tally = Tally()
    end = time.monotonic() + RUN_S
    threads = [
        guarded(tally, name, http_client(live, tally, name, lane, end))
        for name, lane in HTTP_CLIENTS.items()
    ]
    threads.append(guarded(tally, "monitor", monitor(live, tally, end)))
    threads.append(guarded(tally, "settler", settler(live, tally, end)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RUN_S + 30)
    assert not [t.name for t in threads if t.is_alive()], "threads still running"

    assert not tally.failures, "\n".join(tally.failures)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    # Enough happened for this to mean something.
    assert tally.accepted > 1000, tally.counts
    assert tally.counts.get("settles", 0) > 10, tally.counts
    assert tally.counts.get("monitor batches", 0) > 10, tally.counts

    live.app.settler.settle()
    with live.app.db.read() as conn:
        assert balance(conn) == ledger_sum(conn)
        seen = conn.execute(select(func.count()).select_from(SeenEvent)).scalar_one()
        first, last, covered = conn.execute(
            select(
                func.min(ActivitySpan.start_ms),
                func.max(ActivitySpan.end_ms),
                func.sum(ActivitySpan.end_ms - ActivitySpan.start_ms),
            )
        ).one()
        dirty = conn.execute(select(func.count()).select_from(DirtyDay)).scalar_one()
        settled_balance = balance(conn)
    assert seen == tally.accepted == len(tally.ids)
    assert covered == tally.accepted * BEAT_S * 1000  # each event's time, once
    assert dirty == 0

    # Re-settle every day from scratch: nothing to correct.
    points_before = activity_points(live)
    with live.app.db.write() as conn:
        mark_dirty(conn, days_between(first, max(last, live.app.clock()), live.app.tz()))
    live.app.settler.settle()
    assert activity_points(live) == points_before
    with live.app.db.read() as conn:
        assert balance(conn) == ledger_sum(conn) == settled_balance
