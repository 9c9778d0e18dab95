"""The tray icon's menu, tooltip and notifications (built offscreen: Qt creates the
icon object even where no tray is shown, which is all these tests need)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from human_pretraining.core.model import MILLI, format_points
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.main_window import MainWindow
from human_pretraining.gui.tray import Tray
from human_pretraining.services.alerts import Alert
from human_pretraining.services.context import App
from tests.services.test_ingest_and_settle import heartbeats


@pytest.fixture
def tray(ctx: GuiContext, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> Tray:
    icon = Tray(ctx, window, alert_check_ms=200)  # the app looks every 30 s
    shown: list[Alert] = []
    monkeypatch.setattr(icon, "notify", shown.append)
    icon.shown = shown  # type: ignore[attr-defined]
    return icon


def test_the_tooltip_and_menu_follow_the_balance(
    app: App, ctx: GuiContext, tray: Tray, qtbot: QtBot
) -> None:
    assert tray.toolTip() == "Human Pretraining — Balance: 0 points"
    task = app.config().tasks[0]
    with qtbot.waitSignal(ctx.bridge.ledgerChanged, timeout=2000):
        app.economy.complete_task(task.name)
    assert tray.toolTip().endswith(f"Balance: {format_points(task.points)} points")


def test_goal_met_is_notified_once(app: App, ctx: GuiContext, tray: Tray, qtbot: QtBot) -> None:
    goal = next(g for g in app.config().goals if g.kind.value == "tasks")
    for task in app.config().tasks[: goal.target]:
        app.economy.complete_task(task.name)
    with qtbot.waitSignal(ctx.bridge.ledgerChanged, timeout=5000):
        app.settler.settle()  # goals are refreshed by settling
    qtbot.waitUntil(lambda: any(a.title == "Goal met" for a in tray.shown), timeout=3000)  # type: ignore[attr-defined]
    count = len(tray.shown)  # type: ignore[attr-defined]
    tray.refresh()
    assert len(tray.shown) == count  # type: ignore[attr-defined]


def test_pause_from_the_menu(app: App, tray: Tray, qtbot: QtBot) -> None:
    pause = next(a for a in tray.contextMenu().actions() if a.text().startswith("Pause tracking"))
    pause.trigger()
    assert app.pause.until() is not None
    qtbot.waitUntil(
        lambda: any(a.text() == "Resume tracking" for a in tray.contextMenu().actions()),
        timeout=2000,
    )


def test_redeem_from_the_menu_reports_a_refusal(app: App, tray: Tray) -> None:
    redeem = next(a for a in tray.contextMenu().actions() if a.text() == "Redeem")
    first = redeem.menu().actions()[0]
    first.trigger()  # the balance is 0: refused, and said so
    assert tray.shown[-1].title == "Not bought"  # type: ignore[attr-defined]
    assert app.queries.balance() == 0


def test_redeem_from_the_menu_counts_activity_not_settled_yet(app: App, tray: Tray) -> None:
    # With the window hidden the settling thread runs every 30 s; the tray does not wait for it.
    start = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # 13:00 in Berlin, before the fixed "now"
    app.ingestor.ingest(heartbeats("code", start, 60))  # vscode: 1 point a minute
    redeem = next(a for a in tray.contextMenu().actions() if a.text() == "Redeem")
    youtube = next(a for a in redeem.menu().actions() if a.text().startswith("30 min of YouTube"))
    youtube.trigger()  # costs 50
    assert tray.shown[-1].title == "Bought"  # type: ignore[attr-defined]
    assert app.queries.balance() == (60 - 50) * MILLI
