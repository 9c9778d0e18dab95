"""The dashboard shows what the services computed, and follows changes as they happen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from human_pretraining.core.model import Category, format_points
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.dashboard.view import DashboardView
from human_pretraining.services.context import App
from tests.conftest import NOW, FakeClock
from tests.services.test_ingest_and_settle import heartbeats


def _dashboard(ctx: GuiContext, qtbot: QtBot) -> DashboardView:
    view = DashboardView(ctx)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    return view


def test_balance_today_goals_and_entries_follow_a_task(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    view = _dashboard(ctx, qtbot)
    assert view.header.balance_text == "0 points"
    task = app.config().tasks[0]
    with qtbot.waitSignal(ctx.bridge.ledgerChanged, timeout=2000):
        app.economy.complete_task(task.name)
    assert view.header.balance_text == f"{format_points(task.points)} points"
    assert f"{format_points(task.points)} earned" in view.header.today_text
    assert task.name in view.entries.item(0, 2).text()
    assert view.balance_chart.values[-1] == task.points / 1000
    assert set(view.goals.bars) == {g.name for g in app.config().goals}


def test_new_activity_moves_the_day_chart_and_settling_moves_the_balance(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    view = _dashboard(ctx, qtbot)
    assert view.day_chart.totals[Category.FOCUS] == 0
    with qtbot.waitSignal(ctx.bridge.activityChanged, timeout=2000):
        app.ingestor.ingest(heartbeats("code", NOW - timedelta(minutes=30), 20))
    assert round(view.day_chart.totals[Category.FOCUS]) == 20
    with qtbot.waitSignal(ctx.bridge.ledgerChanged, timeout=2000):
        app.settler.settle()
    assert app.queries.balance() > 0
    assert view.header.balance_text == f"{format_points(app.queries.balance())} points"


def test_a_running_allowance_counts_down_and_disappears_when_it_ends(
    app: App, ctx: GuiContext, qtbot: QtBot, clock: FakeClock
) -> None:
    for task in app.config().tasks:
        app.economy.complete_task(task.name)
    allowance = next(r for r in app.config().rewards if r.is_allowance)
    app.economy.redeem(allowance.name)
    view = _dashboard(ctx, qtbot)
    qtbot.waitUntil(lambda: f"{allowance.minutes}:00 left" in view.allowance.text(), timeout=2000)
    clock.advance(90)
    qtbot.waitUntil(
        lambda: f"{allowance.minutes - 2}:30 left" in view.allowance.text(), timeout=3000
    )
    clock.advance(allowance.minutes * 60)
    qtbot.waitUntil(lambda: view.allowance.text() == "No allowance running", timeout=3000)


def test_pause_button_pauses_and_resumes_tracking(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt

    view = _dashboard(ctx, qtbot)
    button = view.pause._button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert app.pause.until() == app.clock() + 15 * 60_000
    assert "paused until" in view.pause._label.text()
    qtbot.waitUntil(lambda: "tracking paused until" in view.tracking.text(), timeout=2000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert app.pause.until() is None
    assert view.pause._label.text() == "Tracking is on"


def test_the_dashboard_renders_real_pixels(ctx: GuiContext, qtbot: QtBot, tmp_path: Path) -> None:
    view = _dashboard(ctx, qtbot)
    image = view.grab().toImage()
    assert image.width() >= 1000
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20  # text, bars and axes, not a blank widget
