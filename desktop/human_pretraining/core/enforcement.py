"""What the extension should do on a page: allow it, pause first (nudge), or block it.

The rule's enforcement level decides, with two exceptions the user set up
themselves: a running allowance for the site lets it through, and a balance
deeper in debt than ``debt_limit`` blocks every distraction site (the
consequence of debt). Sites that earn or cost nothing are always allowed.
"""

from __future__ import annotations

from enum import StrEnum

from human_pretraining.core.model import Category, Enforcement, Reward, Rule, Settings


class Verdict(StrEnum):
    ALLOW = "allow"
    NUDGE = "nudge"
    BLOCK = "block"


def decide(rule: Rule | None, balance: int, allowance_left_ms: int, settings: Settings) -> Verdict:
    if rule is None or rule.category is not Category.DISTRACTION:
        return Verdict.ALLOW
    if allowance_left_ms > 0:
        return Verdict.ALLOW
    if balance <= -settings.debt_limit:
        return Verdict.BLOCK
    if rule.enforcement is Enforcement.BLOCK:
        return Verdict.BLOCK
    if rule.enforcement is Enforcement.NUDGE:
        return Verdict.NUDGE
    return Verdict.ALLOW


class NoAllowanceNeeded(ValueError):
    """The site costs nothing, so there is nothing to prepay."""


def site_allowance(site: str, rule: Rule | None, minutes: int) -> Reward:
    """An ad-hoc allowance bought from the extension: the rule's cost for the minutes, up front."""
    if rule is None or rule.rate >= 0:
        raise NoAllowanceNeeded(f"{site} costs no points, so it needs no allowance.")
    return Reward(
        name=f"{minutes} min of {site}",
        cost=-rule.rate * minutes,
        minutes=minutes,
        site=site,
    )
