"""The ingestion path and settlement on a real SQLite file, with the default rules.

Clock: 2026-11-26 15:00 Berlin (see tests/conftest.py). The default rules used here
(shared/default-config.toml), written out by hand below so that a change of the
matcher or the file shows up as a failure instead of moving the expectation along:
``vscode`` focus +1/min, ``youtube-shorts`` distraction -4/min, ``youtube``
distraction -1/min, ``python-docs`` learning +2/min, ``notes-folder`` output
+3/min; firefox is a browser.

Each example of the property test at the end gets a database of its own.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from human_pretraining.config.paths import DATABASE_URL_ENV
from human_pretraining.core.model import MINUTE_MS, ValidationError
from human_pretraining.services.context import App, open_app
from human_pretraining.store.ledger import balance, ledger_sum
from human_pretraining.store.models import ActivitySpan, LedgerEntry, SeenEvent
from tests.conftest import NOW, FakeClock


def event(
    subject: str, start: datetime, seconds: float, source: str = "app", **signals: Any
) -> dict[str, Any]:
    e: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "source": source,
        "subject": subject,
        "start": start.isoformat(),
        "duration": seconds,
    }
    if signals:
        e["signals"] = signals
    return e


def heartbeats(
    subject: str, start: datetime, minutes: int, source: str = "app", **signals: Any
) -> list[dict[str, Any]]:
    return [
        event(subject, start + timedelta(minutes=i), 60, source, **signals) for i in range(minutes)
    ]


def activity_points(app: App) -> int:
    """Points booked for tracked time, leaving out goal bonuses the same time may trigger."""
    with app.db.read() as conn:
        return int(
            conn.execute(
                select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                    LedgerEntry.kind == "activity"
                )
            ).scalar_one()
        )


# Milli-points a minute of the default rules (shared/default-config.toml).
VSCODE = 1_000  # vscode: +1 a minute (daily cap 240)
SHORTS = -4_000  # youtube-shorts: -4 a minute
YOUTUBE = -1_000  # youtube (any other page of it): -1 a minute
PYTHON_DOCS = 2_000  # python-docs: +2 a minute (daily cap 120)
NOTES = 3_000  # notes-folder: +3 a minute of words (daily cap 180)


T = NOW - timedelta(hours=3)  # 12:00 Berlin, the same local day


def test_focused_work_earns_and_feeds_cost(app: App) -> None:
    app.ingestor.ingest(heartbeats("code", T, 30))
    app.ingestor.ingest(heartbeats("youtube.com/shorts", T + timedelta(minutes=40), 10, "web"))
    app.settler.settle()
    assert app.queries.balance() == 30_000 - 40_000  # 30 min x +1, 10 min x -4
    summary = app.queries.summary()
    assert summary.earned_today == 30_000
    assert summary.spent_today == 40_000


def test_heartbeats_merge_into_one_span(app: App) -> None:
    app.ingestor.ingest(heartbeats("code", T, 30))
    with app.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(ActivitySpan)).scalar_one() == 1


def test_reingesting_the_same_events_is_a_no_op(app: App) -> None:
    batch = heartbeats("code", T, 20)
    first = app.ingestor.ingest(batch)
    app.settler.settle()
    before = app.queries.balance()
    again = app.ingestor.ingest(batch)
    app.settler.settle()
    assert (first.accepted, first.duplicates) == (20, 0)
    assert (again.accepted, again.duplicates) == (0, 20)
    assert app.queries.balance() == before
    with app.db.read() as conn:
        entries = conn.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    app.settler.settle()
    with app.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == entries


def test_a_growing_span_books_only_the_difference(app: App) -> None:
    app.ingestor.ingest(heartbeats("code", T, 10))
    app.settler.settle()
    app.ingestor.ingest(heartbeats("code", T + timedelta(minutes=10), 10))
    app.settler.settle()
    assert app.queries.balance() == 20 * VSCODE
    with app.db.read() as conn:
        amounts = conn.execute(select(LedgerEntry.amount).order_by(LedgerEntry.id)).scalars().all()
    assert amounts == [10_000, 10_000]  # 10 min x +1, then the next 10 min


def test_browser_time_goes_to_the_site_not_the_browser(app: App) -> None:
    app.ingestor.ingest(heartbeats("firefox", T, 30, browser=True))
    app.ingestor.ingest(heartbeats("docs.python.org", T, 30, "web"))
    app.settler.settle()
    usage = {row.subject: row.active_ms for row in app.queries.usage(20261126, 20261126)}
    assert usage == {"docs.python.org": 30 * MINUTE_MS}
    assert activity_points(app) == 60_000  # 30 min x +2 on the site, nothing for firefox


def test_continuing_past_a_nudge_costs_the_surcharge(app: App) -> None:
    app.ingestor.ingest(heartbeats("youtube.com/shorts", T, 5, "web"))
    app.ingestor.ingest(
        heartbeats("youtube.com/shorts", T + timedelta(minutes=10), 5, "web", surcharge=True)
    )
    app.settler.settle()
    # 5 min x -4, then 5 min x -4 x 2 (the default 200 % surcharge).
    assert activity_points(app) == -20_000 - 40_000


def test_a_batch_with_one_bad_event_stores_nothing(app: App) -> None:
    batch = heartbeats("code", T, 3)
    batch[2]["start"] = (NOW + timedelta(days=1)).isoformat()
    with pytest.raises(ValidationError) as info:
        app.ingestor.ingest(batch)
    assert info.value.field == "events[2].start"
    assert "future" in info.value.message
    with app.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(SeenEvent)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(ActivitySpan)).scalar_one() == 0


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"id": "not-a-uuid"}, "events[0].id", "must match pattern"),
        ({"source": "tv"}, "events[0].source", "must be one of"),
        ({"duration": -5}, "events[0].duration", "bigger than or equal to 0"),
        ({"duration": 99999}, "events[0].duration", "smaller than or equal to 3600"),
        ({"start": "2026-11-26T12:00:00"}, "events[0].start", "with a UTC offset"),
        ({"start": "yesterday"}, "events[0].start", "RFC 3339"),
        ({"start": "2020-01-01T00:00:00Z"}, "events[0].start", "older than"),
        ({"subject": "chrome://settings", "source": "web"}, "events[0].subject", "http"),
        ({"signals": {"mood": "good"}}, "events[0].signals", "must not contain"),
    ],
)
def test_bad_events_are_refused_naming_the_field(
    app: App, change: dict[str, Any], field: str, words: str
) -> None:
    bad = {**event("code", T, 60), **change}
    with pytest.raises(ValidationError) as info:
        app.ingestor.ingest_body({"events": [bad]})
    assert info.value.field == field
    assert words in info.value.message


def test_titles_are_dropped_unless_the_user_opted_in(app: App) -> None:
    e = event("code", T, 60)
    e["detail"] = {"title": "secret-project.py — Visual Studio Code"}
    app.ingestor.ingest([e])
    with app.db.read() as conn:
        assert conn.execute(select(ActivitySpan.detail)).scalar_one() is None


def test_words_written_earn_output_points(app: App) -> None:
    folder = next(r.matcher.path for r in app.config().rules if r.source.value == "output")
    app.ingestor.ingest([event(f"{folder}/draft.md", T, 0, "output", words=500)])
    app.settler.settle()
    assert activity_points(app) == 60_000  # 500 words / 25 a minute = 20 min x +3


def test_a_task_pays_once_per_day(app: App) -> None:
    task = app.config().tasks[0]
    done = app.economy.complete_task(task.name.upper())  # names are case-insensitive
    assert done.balance == task.points
    from human_pretraining.services.economy import AlreadyDone

    with pytest.raises(AlreadyDone):
        app.economy.complete_task(task.name)
    assert app.queries.balance() == task.points


def test_a_purchase_beyond_the_balance_is_refused_and_nothing_debited(app: App) -> None:
    from human_pretraining.services.economy import PurchaseRefused

    reward = app.config().rewards[0]
    with pytest.raises(PurchaseRefused, match="short"):
        app.economy.redeem(reward.name)
    with app.db.read() as conn:
        assert balance(conn) == 0
        assert conn.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 0


def test_an_allowance_prepays_the_site_for_exactly_its_minutes(app: App, clock: FakeClock) -> None:
    allowance = next(r for r in app.config().rewards if r.is_allowance and r.site)
    app.ingestor.ingest(heartbeats("code", T, 120))
    app.settler.settle()
    bought = app.economy.redeem(allowance.name)
    start = datetime.fromtimestamp(clock() / 1000, UTC)
    site = allowance.site or ""
    minutes = allowance.minutes + 10  # ten minutes past the allowance
    clock.advance(minutes * 60)
    app.ingestor.ingest(heartbeats(site, start, minutes, "web"))
    app.settler.settle()
    assert site == "youtube.com"
    assert app.queries.balance() == bought.balance + 10 * YOUTUBE  # only the 10 min past it


def test_goal_bonus_is_booked_once_when_the_goal_is_met(app: App) -> None:
    goal = next(
        g
        for g in app.config().goals
        if g.kind.value == "minutes"
        and g.category
        and g.category.value == "focus"
        and g.period.value == "day"
    )
    app.ingestor.ingest(heartbeats("code", NOW - timedelta(minutes=goal.target + 5), goal.target))
    app.settler.settle()
    app.settler.settle()
    with app.db.read() as conn:
        bonuses = conn.execute(select(LedgerEntry.amount).where(LedgerEntry.kind == "goal")).all()
    assert bonuses == [(goal.bonus,)]
    status = next(s for s in app.queries.summary().goals if s.progress.goal == goal)
    assert status.progress.met and status.streak == 1


def test_a_session_across_local_midnight_is_booked_on_each_day_for_its_minutes(
    app: App, clock: FakeClock
) -> None:
    """23:57 to 00:07 Berlin: 3 minutes belong to 1 December, 7 to 2 December, none lost.

    It arrives as the endpoint delivers it, in two batches with a settle between
    (the first before midnight), and the clock moves on past midnight as it would.
    """
    start = datetime(2026, 12, 1, 22, 57, tzinfo=UTC)  # 23:57 in Berlin
    clock.ms = int(datetime(2026, 12, 1, 22, 59, 30, tzinfo=UTC).timestamp() * 1000)
    beats = heartbeats("code", start, 10)
    app.ingestor.ingest(beats[:2])
    app.settler.settle()
    clock.ms = int(datetime(2026, 12, 1, 23, 27, tzinfo=UTC).timestamp() * 1000)  # 00:27
    app.ingestor.ingest(beats[2:])
    app.settler.settle()
    per_minute = VSCODE  # "code" is VS Code's process name
    with app.db.read() as conn:
        booked = dict(
            conn.execute(
                select(LedgerEntry.day, func.sum(LedgerEntry.amount))
                .where(LedgerEntry.kind == "activity")
                .group_by(LedgerEntry.day)
            ).all()
        )
    assert booked == {20261201: 3 * per_minute, 20261202: 7 * per_minute}
    assert [r.active_ms for r in app.queries.usage(20261201, 20261201)] == [3 * MINUTE_MS]
    assert [r.active_ms for r in app.queries.usage(20261202, 20261202)] == [7 * MINUTE_MS]


@contextlib.contextmanager
def fresh_app(
    base: Path, backend: str, new_database: Callable[[bool], str], mp: pytest.MonkeyPatch
) -> Iterator[App]:
    """An app with a home and a database of its own, closed afterwards."""
    if backend != "sqlite":
        mp.setenv(DATABASE_URL_ENV, new_database(True))
    application = open_app(base / uuid.uuid4().hex, clock=FakeClock())
    try:
        yield application
    finally:
        application.close()


# The fixtures give factories, not a database: every example opens its own app, so no
# example starts from what an earlier one left behind.
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["code", "youtube.com/shorts", "docs.python.org", "slack", "reddit.com"]
            ),
            st.integers(0, 600),  # minutes after T - 10 h
            st.integers(1, 300),  # seconds
            st.booleans(),  # idle
        ),
        min_size=1,
        max_size=30,
    ),
    st.integers(1, 3),
)
def test_balance_always_equals_the_ledger_sum_and_replays_change_nothing(
    tmp_path: Path,
    backend: str,
    new_database: Callable[[bool], str],
    items: list[tuple[str, int, int, bool]],
    repeats: int,
) -> None:
    base = NOW - timedelta(hours=10)
    batch = [
        event(
            subject, base + timedelta(minutes=m), s, "web" if "." in subject else "app", idle=idle
        )
        for subject, m, s, idle in items
    ]
    with pytest.MonkeyPatch.context() as mp, fresh_app(tmp_path, backend, new_database, mp) as app:
        with app.db.read() as conn:
            assert balance(conn) == 0, "a fresh database"
        app.ingestor.ingest(batch)
        app.settler.settle()
        with app.db.read() as conn:
            settled = balance(conn)
            assert settled == ledger_sum(conn)
        for _ in range(repeats):
            result = app.ingestor.ingest(batch)
            assert result.accepted == 0
            app.settler.settle()
        with app.db.read() as conn:
            assert balance(conn) == ledger_sum(conn) == settled
