"""Badges: a badge earned by real data (a task checked off, then settled) moves to Earned.

"First step" is earned by the first task; "Reliable" asks for 50 tasks.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.badges.view import BadgesView
from human_pretraining.services.context import App


def make_view(ctx: GuiContext, qtbot: QtBot) -> BadgesView:
    view = BadgesView(ctx)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_nothing_earned_at_first(ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    assert view.earned_titles() == []
    assert "First step" in view.upcoming_titles()
    assert view.summary_text == "0 of 11 badges earned"


def test_checking_off_a_task_earns_first_step(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    app.economy.complete_task("Read a chapter")
    app.settler.settle()  # badges are awarded by settling, as in the running app
    qtbot.waitUntil(lambda: view.earned_titles() == [("First step", "2026-11-26")], timeout=2000)
    assert "First step" not in view.upcoming_titles()
    assert view.progress_of("Reliable") == 2  # 1 of 50 tasks
    assert view.summary_text == "1 of 11 badges earned"


def test_a_hidden_view_catches_up_when_shown(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    view.hide()
    with qtbot.waitSignal(ctx.bridge.ledgerChanged, timeout=2000):
        app.economy.complete_task("Read a chapter")
        app.settler.settle()
    # The bridge delivered, but a hidden view only marks itself stale.
    assert view.earned_titles() == []
    view.show()
    assert [t for t, _ in view.earned_titles()] == ["First step"]
