"""Goals and badges are never lost: a crash inside settling, a backlog for an old day, a
period that closes while the app is off, and a streak completed in one settle.

Clock: 2026-11-26 15:00 Berlin (a Thursday). The default file's goals are used:
"Learn every day" (30 min of learning, +10), "Feeds under 30 min" (at most 30 min
of distraction a day, +10); docs.python.org is a learning site, YouTube Shorts a
feed. Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from human_pretraining.config.paths import DATABASE_URL_ENV
from human_pretraining.services.context import App, open_app
from human_pretraining.services.progress import (
    apply_progress,
    pending_goal_work,
    plan_progress,
    queue_goal_work,
)
from human_pretraining.store.models import EarnedBadge, GoalPeriod, LedgerEntry
from tests.conftest import NOW, FakeClock
from tests.faults.points_lost import (
    KILL_POINTS,
    NOW_MS,
    block,
    learning,
    opened,
    outcome,
    settle_killed,
)

LEARN = "Learn every day"
FEEDS = "Feeds under 30 min"
BONUS = 10_000  # the default file's +10 for either goal, in milli-points
DAY_MS = 24 * 3600 * 1000


def period(app: App, goal: str, key: str) -> tuple[int, bool] | None:
    with app.db.read() as conn:
        row = conn.execute(
            select(GoalPeriod.value, GoalPeriod.met).where(
                GoalPeriod.goal == goal, GoalPeriod.period_key == key
            )
        ).first()
    return None if row is None else (int(row.value), bool(row.met))


def bonus(app: App, goal: str, key: str) -> list[int]:
    with app.db.read() as conn:
        return [
            int(a)
            for a in conn.execute(
                select(LedgerEntry.amount).where(
                    LedgerEntry.kind == "goal", LedgerEntry.idem_key == f"goal:{goal}:{key}"
                )
            ).scalars()
        ]


def badges(app: App) -> set[str]:
    with app.db.read() as conn:
        return set(conn.execute(select(EarnedBadge.badge)).scalars())


@pytest.mark.parametrize("kill_point", KILL_POINTS)
def test_sigkill_inside_settling_then_a_restart_matches_an_undisturbed_copy(
    kill_point: str,
    backend: str,
    new_database: Callable[[bool], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A real process killed with SIGKILL while settling days whose goals are due."""
    history = [e for back in (2, 3, 4, 5) for e in learning(back, 40)]
    history += block("youtube.com/shorts", "web", NOW - timedelta(days=3, hours=2), 12)
    homes = {"calm": tmp_path / "calm", "killed": tmp_path / "killed"}
    urls = {name: new_database(True) for name in homes} if backend == "postgresql" else {}

    def use(name: str) -> Path:
        if urls:
            monkeypatch.setenv(DATABASE_URL_ENV, urls[name])
        return homes[name]

    for name in homes:
        with opened(use(name)) as app:
            app.ingestor.ingest(history)
    with opened(use("calm")) as app:
        app.settler.settle()
        expected = outcome(app)

    settle_killed(use("killed"), kill_point)  # raises unless the child died by SIGKILL
    with opened(use("killed")) as app:
        app.settler.settle()  # the next start of the app
        got = outcome(app)
        assert bonus(app, LEARN, "20261122") == [BONUS]  # 4 days back, 40 min

    assert got.points == expected.points
    assert got.periods == expected.periods
    assert got.badges == expected.badges
    met = {(goal, key) for goal, key, _, is_met in expected.periods if is_met}
    assert {(LEARN, "20261121"), (LEARN, "20261124"), (FEEDS, "20261123")} <= met


def test_a_backlog_for_a_day_ten_days_back_earns_its_goal_in_a_running_app(app: App) -> None:
    app.ingestor.ingest(learning(0, 5))
    app.settler.settle()  # running: goals refreshed at start-up
    app.ingestor.ingest(learning(10, 40))  # the extension delivers its offline backlog
    app.settler.settle()  # the settling loop: the refresh is not due yet
    app.settler.settle(goals_now=True)  # a later refresh (30 s on, or a click)
    assert period(app, LEARN, "20261116") == (40, True)
    assert bonus(app, LEARN, "20261116") == [BONUS]


def test_a_backlog_settled_before_a_restart_earns_its_goal_after_it(
    app: App, clock: FakeClock
) -> None:
    app.ingestor.ingest(learning(0, 5))
    app.settler.settle()
    app.ingestor.ingest(learning(10, 40))
    app.settler.settle()  # the day is booked; its goals wait for the throttled refresh
    app.close()
    restarted = open_app(None, clock=clock)  # the same home and database
    try:
        restarted.settler.settle()
        assert period(restarted, LEARN, "20261116") == (40, True)
        assert bonus(restarted, LEARN, "20261116") == [BONUS]
    finally:
        restarted.close()


def test_seven_days_met_earn_the_streak_badge_in_one_settle(app: App) -> None:
    for back in range(7):  # today (10:00, before the clock's 15:00) and the six days before
        app.ingestor.ingest(learning(back, 40))
    app.settler.settle()
    assert "streak-7" in badges(app)


def test_a_late_day_that_completes_a_past_run_of_seven_earns_the_badge(app: App) -> None:
    for back in (13, 12, 11, 9, 8, 7):
        app.ingestor.ingest(learning(back, 40))
    app.settler.settle()
    assert "streak-7" not in badges(app)
    app.ingestor.ingest(learning(10, 40))  # the missing day arrives late
    app.settler.settle(goals_now=True)
    assert "streak-7" in badges(app)


def test_an_at_most_goal_is_judged_when_its_day_ends_even_if_the_app_was_off(
    app: App, clock: FakeClock
) -> None:
    app.ingestor.ingest(block("youtube.com/shorts", "web", NOW - timedelta(hours=1), 10))
    app.settler.settle()
    assert period(app, FEEDS, "20261126") == (10, False)  # the day is not over yet
    app.close()
    clock.advance(3 * 24 * 3600)  # the app is next started three days later
    later = open_app(None, clock=clock)
    try:
        later.settler.settle()
        assert period(later, FEEDS, "20261126") == (10, True)
        assert bonus(later, FEEDS, "20261126") == [BONUS]
    finally:
        later.close()


def test_a_refresh_keeps_the_work_for_a_day_that_changed_after_it_read(app: App) -> None:
    app.ingestor.ingest(learning(4, 20))
    app.settler.settle()
    app.ingestor.ingest(learning(4, 40)[20:])  # the day changes again: 40 min in all
    app.settler.settle_day(20261122)  # booked and queued, goals not yet refreshed
    today = 20261126
    with app.db.read() as conn:
        work = pending_goal_work(conn, today)
        plan = plan_progress(conn, app.config(), [20261122], today, work)
    with app.db.write() as conn:
        queue_goal_work(conn, [20261122])  # yet another change lands in between
    with app.db.write() as conn:
        apply_progress(conn, plan, app.device_id, NOW_MS)
    with app.db.read() as conn:
        assert 20261122 in {day for day, _ in pending_goal_work(conn, today)}
    app.settler.settle(goals_now=True)
    with app.db.read() as conn:
        assert 20261122 not in {day for day, _ in pending_goal_work(conn, today)}
    assert period(app, LEARN, "20261122") == (40, True)
