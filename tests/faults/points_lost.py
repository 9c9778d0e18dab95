"""Fault injection: settling killed with SIGKILL, and events for old days delivered late.

Run from the repository root (the README's fault-injection command)::

    .venv/bin/python -m tests.faults.points_lost --runs 20

Each run builds a random history (learning, focus and feed time over the last two
weeks, the default goals) twice, in two homes with their own SQLite files:

- **kill**: one copy is settled undisturbed; the other by a child process that
  kills itself with SIGKILL at a random point inside settling (after some days'
  bookings committed, before the goal refresh, or inside the refresh's
  transaction). A fresh process then settles it again. Both must end with the same
  points, goal periods and badges.
- **late**: one copy receives every event before it settles; the other, already
  running and settled, receives a backlog for a day 2 to 25 days back through the
  ingestion path, settles (the goal refresh is then not yet due), and restarts.
  Both must end with the same points, goal periods and badges.

It prints the points missing over all runs ("points lost: 0") and exits non-zero
if anything differs. ``tests/services/test_goal_work.py`` uses the same pieces.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from human_pretraining.core.model import format_points
from human_pretraining.services.context import App, open_app
from human_pretraining.store.models import EarnedBadge, GoalPeriod, LedgerEntry

TZ = "Europe/Berlin"
# A Thursday afternoon: 2026-11-26 15:00 in Berlin (the tests' clock).
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)

# Where the child dies (see ``_child``).
KILL_POINTS = ("after-first-day", "after-all-days", "inside-refresh")

Event = dict[str, Any]


def fixed_clock(ms: int = NOW_MS) -> Any:
    return lambda: ms


def block(subject: str, source: str, start: datetime, minutes: int) -> list[Event]:
    """``minutes`` one-minute events from ``start`` (apps as heartbeats, sites as intervals)."""
    return [
        {
            "id": str(uuid.uuid4()),
            "source": source,
            "subject": subject,
            "start": (start + timedelta(minutes=i)).isoformat(),
            "duration": 60,
        }
        for i in range(minutes)
    ]


def learning(days_back: int, minutes: int, hour: int = 9) -> list[Event]:
    """Time on docs.python.org (a learning rule in the default file), ``days_back`` days ago."""
    start = NOW.replace(hour=hour) - timedelta(days=days_back)
    return block("docs.python.org", "web", start, minutes)


def random_history(rng: random.Random) -> list[Event]:
    """Learning, focus and feeds on random days of the last two weeks (today included)."""
    events: list[Event] = []
    for back in range(14):
        if rng.random() < 0.3:
            continue
        events += learning(back, rng.choice((10, 25, 31, 40, 65)), hour=7)
        if rng.random() < 0.6:
            start = NOW.replace(hour=9) - timedelta(days=back)
            events += block("code", "app", start, rng.choice((30, 119, 125, 150)))
        if rng.random() < 0.5:
            start = NOW.replace(hour=12) - timedelta(days=back)
            events += block("youtube.com/shorts", "web", start, rng.choice((5, 20, 35)))
    return events


@dataclass(frozen=True)
class Outcome:
    """What a person would see: the points, every goal period, the badges."""

    points: int
    periods: tuple[tuple[str, str, int, bool], ...]
    badges: tuple[str, ...]


def outcome(app: App) -> Outcome:
    with app.db.read() as conn:
        points = conn.execute(select(func.coalesce(func.sum(LedgerEntry.amount), 0))).scalar_one()
        # Periods of days with nothing in them depend on how events were batched
        # (a batch marks every day it spans); they carry no value and no bonus.
        periods = conn.execute(
            select(GoalPeriod.goal, GoalPeriod.period_key, GoalPeriod.value, GoalPeriod.met)
            .where((GoalPeriod.value > 0) | GoalPeriod.met)
            .order_by(GoalPeriod.goal, GoalPeriod.period_key)
        ).all()
        badges = conn.execute(select(EarnedBadge.badge).order_by(EarnedBadge.badge)).scalars()
        return Outcome(int(points), tuple(tuple(p) for p in periods), tuple(badges))  # type: ignore[misc]


@contextmanager
def opened(home: Path, now_ms: int = NOW_MS) -> Iterator[App]:
    app = open_app(home, clock=fixed_clock(now_ms))
    try:
        yield app
    finally:
        app.close()


def ingest(home: Path, events: list[Event], now_ms: int = NOW_MS) -> None:
    with opened(home, now_ms) as app:
        for i in range(0, len(events), 500):
            app.ingestor.ingest(events[i : i + 500])


def settled(home: Path, now_ms: int = NOW_MS) -> Outcome:
    """Settle in a fresh process-like app (a restart) and read the outcome."""
    with opened(home, now_ms) as app:
        app.settler.settle()
        return outcome(app)


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, HUMAN_PRETRAINING_HOME=str(home), TZ=TZ)
    return env


def settle_killed(home: Path, kill_point: str, now_ms: int = NOW_MS) -> int:
    """Settle ``home`` in a child process that SIGKILLs itself at ``kill_point``.

    Returns the child's exit status (``-SIGKILL`` when it died where it should).
    """
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.faults.points_lost",
            "--child",
            str(home),
            kill_point,
            str(now_ms),
        ],
        env=child_env(home),
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != -signal.SIGKILL:
        raise RuntimeError(f"the child did not die at {kill_point}: {done.stderr[-2000:]}")
    return done.returncode


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _child(home: Path, kill_point: str, now_ms: int) -> None:
    """Settle once, dying at ``kill_point``; patched here, in this process only."""
    from human_pretraining.services import progress, settle

    real_settle_day = settle.Settler.settle_day

    def settle_day(self: settle.Settler, day: int) -> int:
        booked = real_settle_day(self, day)  # its transaction has committed
        if kill_point == "after-first-day":
            _die()
        return booked

    def plan(*args: Any, **kwargs: Any) -> Any:
        if kill_point == "after-all-days":
            _die()  # every day's bookings are on disk, no goal written yet
        return real_plan(*args, **kwargs)

    def save_period(*args: Any, **kwargs: Any) -> Any:
        # Inside the refresh's write transaction, before it commits.
        if kill_point == "inside-refresh":
            _die()
        return real_save(*args, **kwargs)

    real_plan = settle.plan_progress
    real_save = progress._save_period
    settle.Settler.settle_day = settle_day  # type: ignore[method-assign]
    settle.plan_progress = plan
    progress._save_period = save_period
    with opened(home, now_ms) as app:
        app.settler.settle()
    raise SystemExit(f"settled without dying at {kill_point}")


def kill_run(root: Path, rng: random.Random) -> Loss:
    """One SIGKILL run; returns the points the killed copy is short (0 when nothing is lost)."""
    events = random_history(rng)
    calm, killed = root / "calm", root / "killed"
    ingest(calm, events)
    ingest(killed, events)
    expected = settled(calm)
    settle_killed(killed, rng.choice(KILL_POINTS))
    got = settled(killed)
    return _compare("kill", expected, got)


def late_run(root: Path, rng: random.Random) -> Loss:
    """One late-delivery run; returns the points the late copy is short."""
    history = random_history(rng)
    back = rng.randint(2, 25)
    backlog = learning(back, rng.choice((31, 40, 90)), hour=16)
    calm, late = root / "calm", root / "late"
    ingest(calm, history + backlog)
    expected = settled(calm)
    with opened(late) as app:
        for i in range(0, len(history), 500):
            app.ingestor.ingest(history[i : i + 500])
        app.settler.settle()  # running, goals refreshed once
        app.ingestor.ingest(backlog)  # the extension's offline backlog arrives
        app.settler.settle()  # the refresh is throttled: not due yet
    got = settled(late)  # a restart
    return _compare("late", expected, got)


@dataclass(frozen=True)
class Loss:
    points: int  # milli-points the disturbed copy is short
    periods: int  # goal periods (with time in them) missing or different
    badges: int


def _compare(name: str, expected: Outcome, got: Outcome) -> Loss:
    loss = Loss(
        max(expected.points - got.points, 0),
        len(set(expected.periods) ^ set(got.periods)),
        len(set(expected.badges) ^ set(got.badges)),
    )
    if got != expected:
        missing = sorted(set(expected.periods) - set(got.periods))
        print(
            f"  {name}: {format_points(expected.points - got.points)} points short,"
            f" periods missing {missing[:4]}, badges {expected.badges} vs {got.badges}",
            file=sys.stderr,
        )
    return loss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each scenario")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--child", nargs=3, metavar=("HOME", "KILL_POINT", "NOW_MS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    os.environ["TZ"] = TZ
    if args.child:
        home, kill_point, now_ms = args.child
        _child(Path(home), kill_point, int(now_ms))
    rng = random.Random(args.seed)
    points = periods = 0
    for scenario, run in (("kill", kill_run), ("late", late_run)):
        failed = 0
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="hp-fault-") as tmp:
                os.environ["HUMAN_PRETRAINING_HOME"] = tmp  # never the real profile
                loss = run(Path(tmp), rng)
            points += loss.points
            periods += loss.periods + loss.badges
            failed += loss != Loss(0, 0, 0)
        print(f"{scenario}: {args.runs} runs, {failed} lost points, goal periods or badges")
    print(f"goal periods or badges lost: {periods}")
    print(f"points lost: {format_points(points) if points else 0}")
    return 1 if points or periods else 0


if __name__ == "__main__":
    raise SystemExit(main())
