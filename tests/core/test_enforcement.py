"""What the extension does on a page, and the price of an allowance bought from it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from human_pretraining.core.enforcement import (
    NoAllowanceNeeded,
    Verdict,
    decide,
    site_allowance,
)
from human_pretraining.core.model import (
    Category,
    Enforcement,
    Reward,
    Rule,
    Settings,
    SiteMatcher,
)

SETTINGS = Settings(debt_limit=100_000)
FEED = Rule("feed", SiteMatcher("reddit.com"), Category.DISTRACTION, -2_000)
NUDGED = replace(FEED, enforcement=Enforcement.NUDGE)
BLOCKED = replace(FEED, enforcement=Enforcement.BLOCK)
DOCS = Rule("docs", SiteMatcher("docs.python.org"), Category.LEARNING, 2_000)


def test_the_rule_enforcement_decides_with_points_and_no_allowance() -> None:
    assert decide(FEED, 0, 0, SETTINGS) is Verdict.ALLOW
    assert decide(NUDGED, 0, 0, SETTINGS) is Verdict.NUDGE
    assert decide(BLOCKED, 0, 0, SETTINGS) is Verdict.BLOCK


def test_unmatched_and_non_distraction_sites_are_always_allowed() -> None:
    assert decide(None, -(10**9), 0, SETTINGS) is Verdict.ALLOW
    blocked_docs = replace(DOCS, enforcement=Enforcement.BLOCK)
    assert decide(blocked_docs, -(10**9), 0, SETTINGS) is Verdict.ALLOW


def test_a_running_allowance_lets_even_a_blocked_site_through() -> None:
    assert decide(BLOCKED, -(10**9), 1, SETTINGS) is Verdict.ALLOW
    assert decide(NUDGED, 0, 60_000, SETTINGS) is Verdict.ALLOW
    assert decide(BLOCKED, 0, 0, SETTINGS) is Verdict.BLOCK  # an allowance used up


def test_debt_at_the_limit_blocks_every_distraction_site() -> None:
    assert decide(FEED, -100_000, 0, SETTINGS) is Verdict.BLOCK  # exactly at the limit
    assert decide(FEED, -99_999, 0, SETTINGS) is Verdict.ALLOW
    assert decide(NUDGED, -100_000, 0, SETTINGS) is Verdict.BLOCK


def test_an_allowance_costs_the_rule_rate_for_its_minutes_up_front() -> None:
    assert site_allowance("reddit.com", FEED, 15) == Reward(
        name="15 min of reddit.com", cost=30_000, minutes=15, site="reddit.com"
    )


@pytest.mark.parametrize("rule", [None, DOCS, replace(FEED, rate=0)])
def test_a_site_that_costs_nothing_needs_no_allowance(rule: Rule | None) -> None:
    with pytest.raises(
        NoAllowanceNeeded, match=r"^x\.com costs no points, so it needs no allowance\.$"
    ):
        site_allowance("x.com", rule, 15)
