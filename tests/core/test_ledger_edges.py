"""The ledger's pure decisions to the letter: what a booking holds, when a purchase may happen.

Amounts are milli-points (1 point = 1000); every expected booking and message is
written out by hand.
"""

from __future__ import annotations

import pytest

from human_pretraining.core.ledger import (
    Booking,
    PurchaseRefused,
    activity_bucket,
    check_purchase,
    settlement_bookings,
)
from human_pretraining.core.model import Reward, Settings

DAY = 20261126
TREAT = Reward("Treat", cost=60_000)
EPISODE = Reward("One episode", cost=80_000, daily_limit=1)


def test_a_bucket_is_named_by_day_and_rule() -> None:
    assert activity_bucket(DAY, "vscode") == "activity:20261126:vscode"


def test_a_first_settlement_books_the_whole_target_under_entry_zero() -> None:
    bookings = settlement_bookings(DAY, {"vscode": (30_000, "30 min of code")}, {})
    assert bookings == [
        Booking(
            idem_key="activity:20261126:vscode#0",
            amount=30_000,
            kind="activity",
            ref="vscode",
            note="30 min of code",
            bucket="activity:20261126:vscode",
        )
    ]


def test_a_later_settlement_books_the_difference_under_the_next_number() -> None:
    booked = {"activity:20261126:shorts": (-40_000, 2)}
    bookings = settlement_bookings(DAY, {"shorts": (-50_000, "12.5 min of shorts")}, booked)
    assert bookings == [
        Booking(
            "activity:20261126:shorts#2",
            -10_000,
            "activity",
            "shorts",
            "12.5 min of shorts",
            "activity:20261126:shorts",
        )
    ]


def test_a_rule_whose_time_is_gone_is_booked_back_to_zero_saying_why() -> None:
    bookings = settlement_bookings(DAY, {}, {"activity:20261126:reddit": (-6_000, 1)})
    assert bookings == [
        Booking(
            "activity:20261126:reddit#1",
            6_000,
            "activity",
            "reddit",
            "reddit: no counted time any more",
            "activity:20261126:reddit",
        )
    ]


def test_buckets_already_at_their_target_book_nothing_and_the_rest_come_in_rule_order() -> None:
    booked = {"activity:20261126:b": (5_000, 1), "activity:20261126:c": (1_000, 1)}
    targets = {"c": (2_000, "c"), "a": (3_000, "a"), "b": (5_000, "b")}
    assert [(b.ref, b.amount) for b in settlement_bookings(DAY, targets, booked)] == [
        ("a", 3_000),
        ("c", 1_000),
    ]


# ------------------------------------------------------------------- purchases


def test_spending_the_whole_balance_is_allowed() -> None:
    check_purchase(TREAT, 60_000, 0, Settings())  # ends at exactly zero


def test_one_milli_point_short_is_refused_with_the_numbers() -> None:
    with pytest.raises(PurchaseRefused) as refused:
        check_purchase(TREAT, 59_999, 0, Settings())
    assert str(refused.value) == (
        "'Treat' costs 60 points; the balance is 59.999, 0.001 short. Nothing was spent."
    )


def test_an_overdraft_limit_means_nothing_while_overdraft_is_off() -> None:
    settings = Settings(allow_overdraft=False, overdraft_limit=100_000)
    with pytest.raises(PurchaseRefused, match="60 short"):
        check_purchase(TREAT, 0, 0, settings)


def test_with_overdraft_the_shortfall_is_counted_from_the_overdraft_floor() -> None:
    # Balance 10, cost 60, floor -40: the purchase would end at -50, 10 below the floor.
    settings = Settings(allow_overdraft=True, overdraft_limit=40_000)
    with pytest.raises(PurchaseRefused) as refused:
        check_purchase(TREAT, 10_000, 0, settings)
    assert str(refused.value) == (
        "'Treat' costs 60 points; the balance is 10, 10 short. Nothing was spent."
    )
    check_purchase(TREAT, 20_000, 0, settings)  # ends exactly at the floor: allowed


def test_a_once_a_day_reward_says_once() -> None:
    check_purchase(EPISODE, 1_000_000, 0, Settings())
    with pytest.raises(PurchaseRefused) as refused:
        check_purchase(EPISODE, 1_000_000, 1, Settings())
    assert str(refused.value) == "'One episode' can be bought once a day; that is used up today."


def test_a_limited_reward_may_be_bought_up_to_its_limit() -> None:
    twice = Reward("Coffee", cost=1_000, daily_limit=2)
    check_purchase(twice, 10_000, 1, Settings())
    with pytest.raises(PurchaseRefused) as refused:
        check_purchase(twice, 10_000, 2, Settings())
    assert str(refused.value) == "'Coffee' can be bought 2 times a day; that is used up today."
