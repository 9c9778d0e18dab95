"""What the browser extension asks of the app: a verdict for a page, and buying time on a site.

The verdict says which subject the extension should report for the URL (the
domain, plus a rule's path prefix only when a rule needs it, never the full URL),
the matching rule, the balance, any running allowance and what to do:
``core.enforcement.decide``; with it the nudge settings and the price of the
allowance the nudge page offers. Buying goes through ``Economy.buy`` like every
other purchase.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from human_pretraining.core.enforcement import NoAllowanceNeeded, Verdict, decide, site_allowance
from human_pretraining.core.model import (
    Category,
    Config,
    Reward,
    Rule,
    Settings,
    SiteMatcher,
    Source,
)
from human_pretraining.core.rules import ruleset_for
from human_pretraining.core.scoring import Allowance
from human_pretraining.core.subjects import Subject
from human_pretraining.services.deps import Deps
from human_pretraining.services.economy import Bought, Economy
from human_pretraining.store.ledger import balance
from human_pretraining.store.models import Purchase

# Built once (the verdict is asked on every page load): allowances running at :now.
_RUNNING_ALLOWANCES = select(
    Purchase.at_ms, Purchase.ends_ms, Purchase.allowance_site, Purchase.allowance_category
).where(Purchase.ends_ms > bindparam("now"), Purchase.at_ms <= bindparam("now"))


@dataclass(frozen=True)
class SiteVerdict:
    subject: str
    rule: Rule | None
    verdict: Verdict
    balance: int
    allowance_left_ms: int
    settings: Settings
    offer: Reward | None  # what buying ``settings.nudge_minutes`` here costs; None: free site


def report_subject(subject: Subject, rule: Rule | None) -> str:
    """The domain, plus the matched rule's path prefix when the rule has one."""
    if rule is not None and isinstance(rule.matcher, SiteMatcher) and rule.matcher.path:
        return subject.name + rule.matcher.path
    return subject.name


class Web:
    def __init__(self, deps: Deps, economy: Economy) -> None:
        self._db = deps.db
        self._config = deps.config
        self._economy = economy
        self._clock = deps.clock

    def verdict(self, url: str) -> SiteVerdict:
        """Verdict for a page; raises ValidationError for a URL that is not a web page."""
        config = self._config()
        site = Subject.site(url)
        rule = ruleset_for(config.rules).match(site)
        subject = report_subject(site, rule)
        category = rule.category if rule else Category.NEUTRAL
        now = self._clock()
        with self._db.read() as conn:
            current = balance(conn)
            windows = conn.execute(_RUNNING_ALLOWANCES, {"now": now}).all()
        left = max(
            (
                w.ends_ms - now
                for w in windows
                if Allowance(
                    w.at_ms,
                    w.ends_ms,
                    w.allowance_site,
                    Category(w.allowance_category) if w.allowance_category else None,
                ).covers(Source.WEB, subject, category)
            ),
            default=0,
        )
        settings = config.settings
        try:
            offer = allowance_offer(config, subject, rule, settings.nudge_minutes)
        except NoAllowanceNeeded:
            offer = None
        return SiteVerdict(
            subject,
            rule,
            decide(rule, current, left, settings),
            current,
            left,
            settings,
            offer,
        )

    def buy_allowance(self, url_or_site: str, minutes: int) -> Bought:
        """Prepay ``minutes`` of a site at its rule's rate (or the shop's matching reward)."""
        config = self._config()
        site = Subject.site(url_or_site)
        rule = ruleset_for(config.rules).match(site)
        return self._economy.buy(allowance_offer(config, report_subject(site, rule), rule, minutes))


def allowance_offer(config: Config, subject: str, rule: Rule | None, minutes: int) -> Reward:
    """The shop's reward for ``minutes`` of the site if there is one, else the rule's price.

    Raises ``NoAllowanceNeeded`` for a site that costs nothing.
    """
    for reward in config.rewards:
        if reward.is_allowance and reward.site and reward.minutes == minutes:
            shop = Allowance(0, 1, reward.site)
            if shop.covers(Source.WEB, subject, Category.DISTRACTION):
                return reward
    return site_allowance(subject, rule, minutes)
