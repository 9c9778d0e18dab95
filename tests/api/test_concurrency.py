"""Many writers at once: HTTP clients, the monitor and the settler share one database.

Four HTTP clients (each with its own connection and token) post heartbeats, retry
old batches, read the summary and verdicts and buy allowances, while in the same
process a monitor stand-in ingests directly and another thread settles, checks
off tasks and redeems rewards. That runs in a few rounds of about a second; after
each round the threads are joined and the books are checked:

* no thread raised and no request failed (a "database is locked" shows up as an
  exception in a direct writer or a 500 from the endpoint), nothing was logged as
  an error;
* every event counted as accepted is stored exactly once, with exactly its time;
* the balance equals the sum of the ledger, and re-settling every day from scratch
  books nothing: what was settled while writes raced is what the data says.

Both tests run on SQLite and on PostgreSQL (the session's throwaway server, see
tests/pg.py): on PostgreSQL the writers really run at once, and the settler's day
locks and the spending lock are what keeps the books straight.

Why rounds: settling re-scores whole days, so a settle that raced an ingest and
lost it is healed by the next ingest into that day. Only the last writes of a run
can show such a race, and each round end is another chance to see it.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import random
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from human_pretraining.core.clock import day_of, days_between
from human_pretraining.core.ledger import PurchaseRefused
from human_pretraining.services.context import App
from human_pretraining.services.economy import AlreadyDone
from human_pretraining.services.ingest import mark_dirty
from human_pretraining.store.ledger import balance, ledger_sum
from human_pretraining.store.models import ActivitySpan, DirtyDay, LedgerEntry, SeenEvent
from tests.api.conftest import Live, make_event

ROUNDS = 4
ROUND_S = 1.0
RACES = 25
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

Work = Callable[[float], None]  # runs until the given time.monotonic() deadline


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


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Overrides tests/conftest.py's SQLite-only default for this module."""
    return str(request.param)


# ------------------------------------------------------------ the writers
# Each keeps its place in its lane from one round to the next.


def http_client(live: Live, tally: Tally, session: requests.Session, name: str, lane: Lane) -> Work:
    """An extension: its own connection and token; posts, retries, reads, buys."""
    session.headers["Authorization"] = f"Bearer {live.pair(client=name)}"
    batches = enumerate(timeline(lane))
    sent: list[list[dict[str, Any]]] = []

    def check(response: requests.Response, allowed: set[int], what: str) -> None:
        tally.count(f"{what} {response.status_code}")
        if response.status_code not in allowed:
            tally.fail(f"{name}: {what} answered {response.status_code}: {response.text}")

    def work(end: float) -> None:
        for n, batch in batches:
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
                body: dict[str, Any] = {"site": "youtube.com", "minutes": 5}
                response = session.post(live.url("/api/v1/allowances"), json=body)
                check(response, {201, 402}, "allowance")  # 402: the balance is short
            if time.monotonic() > end:
                return

    return work


def monitor(live: Live, tally: Tally) -> Work:
    """The desktop monitor's stand-in: the same ingestion path, called in-process."""
    batches = timeline(*MONITOR)

    def work(end: float) -> None:
        for batch in batches:
            result = live.app.ingestor.ingest(batch)
            tally.stored([e["id"] for e in batch], result.accepted)
            tally.count("monitor batches")
            if time.monotonic() > end:
                return

    return work


def settler(live: Live, tally: Tally) -> Work:
    """The settling loop, plus the user checking off tasks and buying rewards meanwhile."""
    turns = itertools.count()

    def work(end: float) -> None:
        while time.monotonic() < end:
            n = next(turns)
            live.app.settler.settle()
            tally.count("settles")
            try:
                live.app.economy.complete_task(TASKS[n % len(TASKS)])
                tally.count("tasks done")
            except AlreadyDone:  # daily tasks pay once a day, and the test clock stands still
                pass
            if n % 3 == 0:
                try:
                    live.app.economy.redeem("30 min of phone time")
                    tally.count("rewards bought")
                except PurchaseRefused:
                    tally.count("rewards refused")
            time.sleep(0.005)

    return work


def run_round(workers: dict[str, Work], tally: Tally, seconds: float) -> None:
    """Every worker in its own thread until the deadline; exceptions go to the tally."""

    def guarded(name: str, work: Work, end: float) -> None:
        try:
            work(end)
        except BaseException:
            tally.fail(f"{name} raised:\n{traceback.format_exc()}")

    end = time.monotonic() + seconds
    threads = [
        threading.Thread(target=guarded, args=(name, work, end), name=name)
        for name, work in workers.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    assert not [t.name for t in threads if t.is_alive()], "threads still running"


# ------------------------------------------------------------ the checks


def activity_points(app: App) -> tuple[int, int]:
    """The sum and number of activity entries in the ledger."""
    query = select(func.coalesce(func.sum(LedgerEntry.amount), 0), func.count()).where(
        LedgerEntry.kind == "activity"
    )
    with app.db.read() as conn:
        total, entries = conn.execute(query).one()
    return int(total), int(entries)


def check_books(live: Live, tally: Tally, round_no: int) -> None:
    """After the writers stopped: nothing lost, nothing doubled, nothing left to correct."""
    where = f"after round {round_no}"
    live.app.settler.settle()
    with live.app.db.read() as conn:
        assert balance(conn) == ledger_sum(conn), where
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
    assert seen == tally.accepted == len(tally.ids), where
    assert covered == tally.accepted * BEAT_S * 1000, where  # each event's time, once
    assert dirty == 0, where

    # Re-settle every day from scratch: there must be nothing to correct.
    points = activity_points(live.app)
    with live.app.db.write() as conn:
        mark_dirty(conn, days_between(first, max(last, live.app.clock()), live.app.tz()))
    live.app.settler.settle()
    assert activity_points(live.app) == points, f"{where}: re-settling changed the points"
    with live.app.db.read() as conn:
        assert balance(conn) == ledger_sum(conn) == settled_balance, where


def test_http_clients_monitor_and_settler_write_together_without_errors(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    tally = Tally()
    with contextlib.ExitStack() as stack:
        workers = {
            name: http_client(live, tally, stack.enter_context(requests.Session()), name, lane)
            for name, lane in HTTP_CLIENTS.items()
        }
        workers["monitor"] = monitor(live, tally)
        workers["settler"] = settler(live, tally)
        for round_no in range(1, ROUNDS + 1):
            run_round(workers, tally, ROUND_S)
            failures = tally.failures
            assert not failures, "\n".join(failures)
            errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
            assert not errors, errors
            check_books(live, tally, round_no)

    # Enough happened for all this to mean something (modest floors: CI machines are slow).
    counts = tally.counts
    bought = counts.get("allowance 201", 0) + counts.get("rewards bought", 0)
    assert tally.accepted > 300 and counts.get("settles", 0) > 5, counts
    assert counts.get("events 200", 0) > 20 and counts.get("monitor batches", 0) > 20, counts
    assert counts.get("retry 200", 0) > 5 and counts.get("tasks done", 0) > 0 and bought, counts


def race_settle_and_ingest(app: App, day: int, batch: list[Any], delay: float) -> None:
    """Settle ``day`` and, ``delay`` seconds after the settle began, ingest ``batch``."""
    go = threading.Barrier(2)
    errors: list[str] = []

    def settle() -> None:
        go.wait()
        app.settler.settle_day(day)

    def ingest() -> None:
        go.wait()
        time.sleep(delay)
        app.ingestor.ingest(batch)

    def run(work: Callable[[], None]) -> None:
        try:
            work()
        except BaseException:
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=run, args=(work,)) for work in (settle, ingest)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, "\n".join(errors)


def test_an_ingest_racing_a_settle_of_its_day_is_never_lost(app: App) -> None:
    """Settle a day while an ingest lands at a random moment inside that settle, many times.

    Whatever the interleaving, the ingest's time must end up settled: either the day is
    still dirty afterwards, or what was booked equals a from-scratch score. A settler
    that scores a snapshot and then books it without noticing newer activity (and
    clears the day's dirty mark) fails here within a few tries.
    """
    rng = random.Random(7)
    today = day_of(app.clock(), app.tz())
    # A busy morning, so that scoring the day takes a while: 400 short visits.
    minutes_ago = 14 * 60.0
    for n in range(400):
        site = ("reddit.com", "github.com")[n % 2]
        app.ingestor.ingest(
            [make_event(minutes_ago - i / 6, site, "web", BEAT_S) for i in range(5)]
        )
        minutes_ago -= 1
    started = time.perf_counter()
    app.settler.settle_day(today)
    settle_s = time.perf_counter() - started

    for race in range(RACES):
        minutes_ago -= 1
        # One more minute of an uncapped distraction: it always moves the points.
        batch = [make_event(minutes_ago - i / 6, "reddit.com", "web", BEAT_S) for i in range(6)]
        with app.db.write() as conn:
            mark_dirty(conn, [today])
        race_settle_and_ingest(app, today, batch, delay=rng.uniform(0, settle_s))

        app.settler.settle()  # what the next settling round does with a dirty day
        points = activity_points(app)
        with app.db.write() as conn:
            mark_dirty(conn, [today])
        app.settler.settle()
        assert activity_points(app) == points, f"race {race}: an ingest was lost to settling"
