"""Rewards: redeem and see the balance drop and the history grow; refusals are explained;
allowances count down live; rewards edited through the dialog land in the config file.

Default configuration: "One episode" costs 80 once a day, "30 min of YouTube" is a
50-point allowance for youtube.com, tasks pay 20 + 30 + 25 + 5 = 80.
"""

from __future__ import annotations

import tomllib

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.rewards.view import RewardsView
from human_pretraining.services.context import App
from tests.conftest import FakeClock

TASKS = ("Read a chapter", "Explain something to someone", "30 min exercise", "Plan tomorrow")


def make_view(ctx: GuiContext, qtbot: QtBot) -> RewardsView:
    view = RewardsView(ctx)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def earn_80(app: App) -> None:
    for task in TASKS:
        app.economy.complete_task(task)


def test_redeem_drops_the_balance_and_adds_a_history_row(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    earn_80(app)
    view = make_view(ctx, qtbot)
    assert view.balance_text == "Balance: 80 points"
    assert view.purchases.rowCount() == 0
    button = view.shop.redeem_button("One episode")
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # Buying settles first, so the "3 tasks a day" bonus (10) earned meanwhile counts.
    assert app.queries.balance() == 10 * 1000
    assert view.balance_text == "Balance: 10 points"
    assert view.purchases.rowCount() == 1
    assert view.purchases.row_texts(0) == ("2026-11-26 15:00", "One episode", "-80")
    assert "Bought 'One episode'" in view.message
    # Now the daily limit and the empty balance both speak; the limit is checked first.
    assert not view.shop.redeem_button("One episode").isEnabled()
    assert "once a day" in view.shop.status_text("One episode")


def test_a_reward_too_expensive_is_disabled_with_the_reason(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    app.economy.complete_task("Explain something to someone")  # 30 points
    view = make_view(ctx, qtbot)
    episode = view.shop.redeem_button("One episode")
    assert not episode.isEnabled()
    reason = "'One episode' costs 80 points; the balance is 30, 50 short."
    assert episode.toolTip() == reason
    assert view.shop.status_text("One episode") == reason  # visible, not only on hover
    assert view.shop.redeem_button("15 min of feeds").isEnabled()  # 25 points


def test_the_shop_follows_the_overdraft_setting(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    assert not view.shop.redeem_button("One episode").isEnabled()
    app.config_file.update_settings(allow_overdraft=True, overdraft_limit=100)
    qtbot.waitUntil(lambda: view.shop.redeem_button("One episode").isEnabled(), timeout=2000)


def test_an_allowance_counts_down_while_visible(
    app: App, ctx: GuiContext, qtbot: QtBot, clock: FakeClock
) -> None:
    earn_80(app)
    view = make_view(ctx, qtbot)
    assert view.allowances.texts() == ["No allowance running."]
    assert not view.allowances.ticking
    qtbot.mouseClick(view.shop.redeem_button("30 min of YouTube"), Qt.MouseButton.LeftButton)
    assert view.allowances.texts() == ["30 min of YouTube · youtube.com · 30:00 left"]
    assert view.allowances.ticking
    clock.advance(65)
    qtbot.waitUntil(lambda: "28:55 left" in view.allowances.texts()[0], timeout=3000)
    view.hide()
    assert not view.allowances.ticking  # no wake-ups for a hidden window
    view.show()
    assert view.allowances.ticking
    clock.advance(29 * 60)
    qtbot.waitUntil(lambda: view.allowances.texts() == ["No allowance running."], timeout=3000)
    assert not view.allowances.ticking


def test_add_edit_and_delete_a_reward(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    dialog = view.add_reward()
    qtbot.keyClicks(dialog.name_edit, "Reddit break")
    dialog.cost_spin.setValue(15)
    dialog.limit_spin.setValue(2)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("site"))
    dialog.minutes_spin.setValue(10)
    qtbot.keyClicks(dialog.site_edit, "https://www.reddit.com/")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.error_text
    rewards = tomllib.loads(app.config_file.read_text())["rewards"]
    assert rewards[-1]["name"] == "Reddit break" and rewards[-1]["minutes"] == 10
    reward = app.config().reward("Reddit break")
    assert reward is not None and reward.site == "reddit.com" and reward.daily_limit == 2

    qtbot.waitUntil(lambda: "Reddit break" in view.shop._buttons, timeout=2000)
    view.shop.select_entry("Reddit break")
    edit = view.edit_reward()
    assert edit is not None and edit.site_edit.text() == "reddit.com"
    edit.kind_combo.setCurrentIndex(edit.kind_combo.findData("plain"))
    qtbot.mouseClick(edit.ok_button, Qt.MouseButton.LeftButton)
    reward = app.config().reward("Reddit break")
    assert reward is not None and not reward.is_allowance

    view.refresh()
    view.shop.select_entry("Reddit break")
    view.confirm = lambda *_: True
    view.delete_reward()
    assert app.config().reward("Reddit break") is None


def test_a_bad_site_is_refused_in_the_dialog(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    before = app.config_file.read_text()
    dialog = view.add_reward()
    qtbot.keyClicks(dialog.name_edit, "Nowhere")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("site"))
    qtbot.keyClicks(dialog.site_edit, "not a site at all")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "site" in dialog.error_text
    assert app.config_file.read_text() == before
