"""Spending by hand (the one path of the CLI, the window, the tray and the endpoint): a
purchase counts activity not settled yet, and the balance it reports is the settled one.

Default configuration: ``vscode`` earns 1 point a minute; "30 min of YouTube" costs 50;
tiktok.com costs 4 a minute; tasks pay 20, 30, 25 and 5; "3 tasks a day" pays 10.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from human_pretraining.core.model import MILLI
from human_pretraining.services.context import App
from human_pretraining.services.economy import PurchaseRefused
from tests.conftest import NOW
from tests.services.test_ingest_and_settle import heartbeats


def an_unsettled_hour_of_code(app: App) -> None:
    app.ingestor.ingest(heartbeats("code", NOW - timedelta(hours=2), 60))
    assert app.queries.balance() == 0  # earned, but not booked until settled


def test_redeeming_counts_activity_the_settling_thread_has_not_booked_yet(app: App) -> None:
    an_unsettled_hour_of_code(app)
    with pytest.raises(PurchaseRefused):
        app.economy.redeem("30 min of YouTube")  # the bare booking sees 0 points
    bought = app.spending.redeem("30 min of YouTube")
    assert bought.balance == (60 - 50) * MILLI
    assert app.queries.balance() == (60 - 50) * MILLI


def test_buying_site_time_from_the_extension_counts_it_too(app: App) -> None:
    an_unsettled_hour_of_code(app)
    bought = app.spending.buy_allowance("https://www.tiktok.com/@someone", 10)
    assert bought.cost == 4 * 10 * MILLI
    assert bought.balance == app.queries.balance() == (60 - 40) * MILLI


def test_a_check_off_reports_the_balance_with_the_goal_bonus_it_completed(app: App) -> None:
    balances = [
        app.spending.complete_task(task).balance
        for task in ("Read a chapter", "Explain something to someone", "30 min exercise")
    ]
    assert balances == [20 * MILLI, 50 * MILLI, (75 + 10) * MILLI]


def test_a_refused_purchase_books_nothing(app: App) -> None:
    with pytest.raises(PurchaseRefused):
        app.spending.redeem("One episode")
    assert app.queries.balance() == 0
    assert list(app.exporter.rows("purchases", None)) == []
