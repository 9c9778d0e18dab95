"""Which rule a URL or an app name hits, and why: the answer ``rules check`` and the GUI give.

The matching itself is :class:`~human_pretraining.core.rules.RuleSet` (most
specific wins, then the earlier rule) and the wording is
:func:`~human_pretraining.core.rules.explain`; this module only turns what a
person typed into a :class:`~human_pretraining.core.subjects.Subject` and collects
the winner together with the rules it beat, so both surfaces say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from human_pretraining.core.model import AppMatcher, Config, Rule, SiteMatcher, Source
from human_pretraining.core.rules import explain, ruleset_for
from human_pretraining.core.subjects import Subject

Kind = Literal["site", "app"]


def subject_from_target(target: str, kind: Kind | None = None, title: str | None = None) -> Subject:
    """Guess whether ``target`` is a site or an app; ``kind`` decides when given.

    A scheme (``https://``) makes it a site; a name without a dot, with a space,
    a backslash or a leading ``/``, or ending in ``.exe``/``.app``, is an app.
    Raises ``ValidationError`` for a site that is not a valid host.
    """
    if kind is None:
        looks_like_app = (
            target.lower().endswith((".exe", ".app"))
            or " " in target.strip()
            or "\\" in target
            or target.startswith("/")
            or "." not in target
        )
        kind = "site" if "://" in target or not looks_like_app else "app"
    if kind == "site":
        return Subject.site(target)
    return Subject.app(target.strip(), title=title)


@dataclass(frozen=True)
class RuleCheck:
    """The verdict for one subject: the winning rule (or none) and the rules it beat."""

    subject: Subject
    rule: Rule | None
    also_matching: tuple[Rule, ...]

    @property
    def what(self) -> str:
        """``web youtube.com/shorts/abc`` or ``app slack``: the subject as it was read."""
        name = self.subject.name
        if self.subject.source is Source.WEB:
            name += self.subject.path
        return f"{self.subject.source.value} {name}"

    def explanation(self) -> list[str]:
        """Lines for people: the verdict, the rule, and why it won over the others."""
        if self.rule is None:
            return [f"{self.what}: no rule matches → neutral, 0 points/min"]
        lines = [f"{self.what} → rule {self.rule.id!r}: {explain(self.rule)}"]
        for other in self.also_matching:
            lines.append(
                f"also matches {other.id!r} ({explain(other)}), {_why_won(self.rule, other)}"
            )
        if self.rule.schedule is not None:
            lines.append("the rule has a schedule: outside it the next matching rule applies")
        return lines


def _specificity(rule: Rule) -> tuple[int, ...]:
    # Only for the wording; RuleSet.candidates already put the rules in this order.
    m = rule.matcher
    if isinstance(m, SiteMatcher):
        return (m.domain.count(".") + 1, len(m.path))
    if isinstance(m, AppMatcher):
        return (1 if m.title_pattern else 0,)
    return (m.path.rstrip("/").count("/"),)


def _why_won(winner: Rule, other: Rule) -> str:
    if _specificity(winner) > _specificity(other):
        return f"but {winner.id!r} is more specific"
    return f"but {winner.id!r} comes first in the file"


def check(
    config: Config, target: str, kind: Kind | None = None, title: str | None = None
) -> RuleCheck:
    """Match ``target`` against the configuration's rules (schedules are not applied)."""
    subject = subject_from_target(target, kind, title)
    candidates = ruleset_for(config.rules).candidates(subject)
    if not candidates:
        return RuleCheck(subject, None, ())
    return RuleCheck(subject, candidates[0], candidates[1:])
