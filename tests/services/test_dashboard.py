"""The dashboard's numbers: minutes per hour and category, and the balance day by day.

Clock: 2026-11-26 15:00 Berlin. Default rules: the ``code`` app is focus,
``youtube.com/shorts`` is a distraction.
"""

from __future__ import annotations

from datetime import timedelta

from human_pretraining.core.clock import add_days
from human_pretraining.core.model import Category
from human_pretraining.services.context import App
from tests.conftest import NOW, FakeClock
from tests.services.test_ingest_and_settle import heartbeats


def test_hours_show_counted_minutes_by_category(app: App) -> None:
    # 13:00-13:20 UTC is 14:00-14:20 in Berlin: 20 min of focus in the 14:00 hour.
    app.ingestor.ingest(heartbeats("code", NOW - timedelta(hours=1), 20))
    # 13:50-14:00 UTC: 10 min of shorts in the 14:00 hour, idle stretches excluded.
    app.ingestor.ingest(heartbeats("youtube.com/shorts", NOW - timedelta(minutes=10), 10, "web"))
    app.ingestor.ingest(
        heartbeats("youtube.com/shorts", NOW - timedelta(minutes=40), 5, "web", idle=True)
    )
    chart = app.dashboard.hourly_categories(app.queries.today())
    assert len(chart.hours) == 24
    assert round(chart.minutes[Category.FOCUS][14]) == 20
    assert round(chart.minutes[Category.DISTRACTION][14]) == 10
    assert sum(sum(v) for v in chart.minutes.values()) == round(
        chart.minutes[Category.FOCUS][14] + chart.minutes[Category.DISTRACTION][14]
    )


def test_balance_history_ends_at_the_balance_and_steps_on_the_right_days(
    app: App, clock: FakeClock
) -> None:
    today = app.queries.today()
    task = app.config().tasks[0]
    clock.advance(-2 * 86400)  # two days ago
    app.economy.complete_task(task.name)
    clock.advance(2 * 86400)
    app.ingestor.ingest(heartbeats("code", NOW - timedelta(hours=1), 20))
    app.settler.settle()
    history = app.dashboard.balance_history(today, days=30)
    assert len(history) == 30 and history[-1].day == today
    assert history[-1].balance == app.queries.balance()
    assert history[-4].balance == 0  # before the task
    assert history[-3].day == add_days(today, -2) and history[-3].balance == task.points
    assert history[-2].balance == task.points
    assert history[-1].balance > task.points  # focus time earned today
