"""Task status, the shop's "can buy" verdicts and the purchase history, on a real database.

The default configuration: "Read a chapter" pays 20 daily, "One episode" costs 80
once a day, "30 min of phone time" costs 60.
"""

from __future__ import annotations

import pytest

from human_pretraining.core.ledger import PurchaseRefused
from human_pretraining.services.context import App
from human_pretraining.services.history import History
from tests.conftest import FakeClock


def history(app: App) -> History:
    return History(app.deps)


def test_a_daily_task_is_done_until_tomorrow(app: App, clock: FakeClock) -> None:
    status = {s.task.name: s for s in history(app).task_status()}
    assert not status["Read a chapter"].done
    app.economy.complete_task("Read a chapter")
    status = {s.task.name: s for s in history(app).task_status()}
    assert status["Read a chapter"].done
    assert "tomorrow" in status["Read a chapter"].reason
    assert not status["Plan tomorrow"].done
    clock.advance(24 * 3600)
    assert not {s.task.name: s for s in history(app).task_status()}["Read a chapter"].done


def test_once_and_any_tasks(app: App) -> None:
    app.config_file.add_task({"name": "Set up backups", "points": 50, "repeat": "once"})
    app.config_file.add_task({"name": "Drink water", "points": 1, "repeat": "any"})
    app.economy.complete_task("Set up backups")
    app.economy.complete_task("Drink water")
    status = {s.task.name: s for s in history(app).task_status()}
    assert status["Set up backups"].done and "once" in status["Set up backups"].reason
    assert not status["Drink water"].done


def test_the_shop_agrees_with_the_purchase_itself(app: App) -> None:
    shop = history(app).shop()
    assert shop.balance == 0
    episode = next(i for i in shop.items if i.reward.name == "One episode")
    assert not episode.can_buy
    assert "80 short" in episode.refusal and "Nothing was spent" not in episode.refusal
    with pytest.raises(PurchaseRefused):
        app.economy.redeem("One episode")
    for task in ("Read a chapter", "Explain something to someone", "30 min exercise"):
        app.economy.complete_task(task)  # 75 points
    assert not next(i for i in history(app).shop().items if i.reward.name == "One episode").can_buy
    app.economy.complete_task("Plan tomorrow")  # 80
    items = {i.reward.name: i for i in history(app).shop().items}
    assert items["One episode"].can_buy
    app.economy.redeem("One episode")
    items = {i.reward.name: i for i in history(app).shop().items}
    assert items["One episode"].bought_today == 1
    assert "once a day" in items["One episode"].refusal


def test_purchases_newest_first(app: App, clock: FakeClock) -> None:
    app.config_file.update_settings(allow_overdraft=True, overdraft_limit=1000)
    app.economy.redeem("30 min of phone time")
    clock.advance(60)
    app.economy.redeem("30 min of YouTube")
    rows = history(app).purchases()
    assert [r.reward for r in rows] == ["30 min of YouTube", "30 min of phone time"]
    assert rows[0].cost == 50_000 and rows[0].ends_ms == clock.ms + 30 * 60_000
    assert rows[1].ends_ms is None
