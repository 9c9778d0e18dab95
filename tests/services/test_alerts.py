"""Notifications are raised once, when something happens, not at every refresh."""

from __future__ import annotations

from human_pretraining.services.alerts import Snapshot, alerts


def snap(
    goals: set[str] = frozenset(), badges: set[str] = frozenset(), low: bool = False
) -> Snapshot:  # type: ignore[assignment]
    return Snapshot(frozenset(goals), frozenset(badges), low)


def test_a_goal_met_and_a_badge_earned_are_announced_once() -> None:
    before = snap()
    after = snap({"Deep work"}, {"First steps"})
    found = alerts(before, after, 50_000)
    assert [(a.title, a.message) for a in found] == [
        ("Goal met", "Deep work — well done."),
        ("Badge earned", "First steps"),
    ]
    assert alerts(after, after, 50_000) == []


def test_low_balance_is_announced_when_crossing_not_while_staying_low() -> None:
    found = alerts(snap(), snap(low=True), 4_500)
    assert len(found) == 1 and found[0].title == "Low balance" and "4.5 points" in found[0].message
    assert alerts(snap(low=True), snap(low=True), 3_000) == []
