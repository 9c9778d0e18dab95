"""A realistic synthetic month, so a newcomer sees a living app at once.

Everything goes through the real services: heartbeats through the ingestion path
(the monitor's app events, the extension's site events with scroll signals, the
folder watcher's words), tasks and purchases through ``Economy`` with a clock
set back to the day they happen, then one settlement. Deterministic per seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, Protocol

from human_pretraining.config.paths import Paths
from human_pretraining.core.clock import add_days, day_bounds, day_of, rfc3339, to_date
from human_pretraining.core.ids import uuid7
from human_pretraining.core.ledger import PurchaseRefused
from human_pretraining.core.model import DAY_MS, MINUTE_MS, Config, FolderMatcher
from human_pretraining.services.deps import Deps
from human_pretraining.services.economy import AlreadyDone, Economy, NotFound
from human_pretraining.services.ingest import Ingestor
from human_pretraining.services.settle import Settler


class App(Protocol):
    """The pieces of a process the demo uses; ``services.context.App`` (the composition
    root, which this module must not import) is one."""

    @property
    def paths(self) -> Paths: ...
    @property
    def deps(self) -> Deps: ...
    @property
    def settler(self) -> Settler: ...
    @property
    def clock(self) -> Callable[[], int]: ...
    def config(self) -> Config: ...
    def tz(self) -> tzinfo: ...


HEARTBEAT_S = 60

# (subject, source, browser?) blocks a typical day is made of, with minutes ranges.
WORK_APPS = [("code", 60, 150), ("pycharm", 0, 60), ("obsidian", 10, 40)]
LEARNING_SITES = [
    ("docs.python.org", 10, 45),
    ("arxiv.org", 0, 30),
    ("coursera.org", 0, 40),
    ("en.wikipedia.org", 5, 25),
]
FEED_SITES = [
    ("youtube.com/shorts", 0, 35),
    ("reddit.com", 0, 30),
    ("x.com", 0, 20),
    ("instagram.com", 0, 15),
]
NEUTRAL_APPS = [("slack", 10, 40), ("thunderbird", 5, 20)]


@dataclass(frozen=True)
class DemoReport:
    events: int
    tasks: int
    purchases: int


_iso = rfc3339  # the package's one RFC 3339 writer


class _DayWriter:
    """Lays consecutive blocks of heartbeats from a start time, like a real day."""

    def __init__(self, rng: random.Random, start_ms: int, stop_ms: int) -> None:
        self.rng = rng
        self.cursor = start_ms
        self.stop = stop_ms
        self.events: list[dict[str, Any]] = []

    def _id(self) -> str:
        return uuid7(self.cursor, self.rng.getrandbits(74))  # time-ordered, like every source

    def block(self, source: str, subject: str, minutes: int, **signals: Any) -> None:
        for _ in range(minutes * 60 // HEARTBEAT_S):
            if self.cursor + HEARTBEAT_S * 1000 > self.stop:
                return
            event: dict[str, Any] = {
                "id": self._id(),
                "source": source,
                "subject": subject,
                "start": _iso(self.cursor),
                "duration": HEARTBEAT_S,
            }
            if signals:
                event["signals"] = dict(signals)
            self.events.append(event)
            self.cursor += HEARTBEAT_S * 1000

    def browse(self, site: str, minutes: int, feed: bool) -> None:
        """Site time from the extension plus the browser's own app time under it."""
        start = self.cursor
        signals: dict[str, Any] = {}
        if feed:
            signals = {"scroll_px": 6000, "scroll_s": 35}
        self.block("web", site, minutes, **signals)
        end, self.cursor = self.cursor, start
        self.block("app", "firefox", (end - start) // MINUTE_MS, browser=True)
        self.cursor = end

    def words(self, folder: str, count: int) -> None:
        if self.cursor > self.stop:
            return
        self.events.append(
            {
                "id": self._id(),
                "source": "output",
                "subject": folder,
                "start": _iso(self.cursor),
                "duration": 0,
                "signals": {"words": count},
            }
        )

    def pause(self, minutes: int) -> None:
        self.cursor += minutes * MINUTE_MS


def _pick(rng: random.Random, choices: list[tuple[str, int, int]]) -> Iterator[tuple[str, int]]:
    for subject, low, high in choices:
        minutes = rng.randint(low, high)
        if minutes:
            yield subject, minutes


def _notes_folder(app: App) -> str:
    for rule in app.config().rules:
        if isinstance(rule.matcher, FolderMatcher):
            return rule.matcher.path
    return str(app.paths.data_dir / "notes")


def day_events(app: App, rng: random.Random, day: int, now: int) -> list[dict[str, Any]]:
    start, _ = day_bounds(day, app.tz())
    writer = _DayWriter(rng, start + (8 * 60 + rng.randint(0, 90)) * MINUTE_MS, now)
    weekend = to_date(day).weekday() >= 5
    folder = _notes_folder(app)
    for subject, minutes in _pick(rng, WORK_APPS if not weekend else WORK_APPS[2:]):
        writer.block("app", subject, minutes)
        writer.pause(rng.randint(1, 10))
    writer.words(folder, rng.randint(150, 700))
    for subject, minutes in _pick(rng, NEUTRAL_APPS):
        writer.block("app", subject, minutes)
    writer.pause(rng.randint(30, 70))  # lunch: nothing is tracked, nothing is filled in
    for site, minutes in _pick(rng, LEARNING_SITES):
        writer.browse(site, minutes, feed=False)
    for site, minutes in _pick(rng, FEED_SITES):
        writer.browse(site, minutes, feed=site != "x.com")
    writer.block("app", "code", rng.randint(20, 90))
    writer.words(folder, rng.randint(0, 400))
    writer.block("web", "youtube.com", rng.randint(0, 25), idle=True, audible=True)
    return writer.events


def fill_demo(
    app: App,
    days: int = 30,
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> DemoReport:
    rng = random.Random(seed)
    now = app.clock()
    tz = app.tz()
    today = day_of(now, tz)
    ingestor = Ingestor(app.deps, max_age_ms=(days + 2) * DAY_MS)
    events = tasks = 0
    day_list = [add_days(today, -offset) for offset in range(days - 1, -1, -1)]
    for n, day in enumerate(day_list, 1):
        batch = day_events(app, rng, day, now)
        for i in range(0, len(batch), 500):
            events += ingestor.ingest(batch[i : i + 500]).accepted
        evening = min(now, day_bounds(day, tz)[0] + 21 * 60 * MINUTE_MS)
        economy = Economy(app.deps.at(evening))
        for task in app.config().tasks:
            if rng.random() < 0.55:
                try:
                    economy.complete_task(task.name)
                    tasks += 1
                except (AlreadyDone, NotFound):
                    pass
        if progress:
            progress(n, len(day_list))
    app.settler.settle()
    purchases = _buy_some(app, rng, day_list, now)
    app.settler.settle()
    return DemoReport(events, tasks, purchases)


def _buy_some(app: App, rng: random.Random, day_list: list[int], now: int) -> int:
    """A few purchases on random evenings; refused ones (balance short) are simply skipped."""
    rewards = app.config().rewards
    bought = 0
    if not rewards:
        return 0
    tz = app.tz()
    for day in day_list[::3]:
        at = day_bounds(day, tz)[0] + 20 * 60 * MINUTE_MS + rng.randint(0, 90) * MINUTE_MS
        if at > now:
            continue
        economy = Economy(app.deps.at(at))
        try:
            economy.redeem(rng.choice(rewards).name)
            bought += 1
        except PurchaseRefused:
            continue
    return bought
