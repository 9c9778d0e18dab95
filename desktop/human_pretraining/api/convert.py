"""Turning service results into the JSON shapes of ``shared/openapi.json``.

Points travel as JSON numbers in points (``-4``, ``12.5``), converted from the
internal milli-points exactly; times as RFC 3339 UTC strings.
"""

from __future__ import annotations

from typing import Any

from human_pretraining.core.clock import format_day, rfc3339
from human_pretraining.core.model import MILLI, Settings
from human_pretraining.services.queries import Summary
from human_pretraining.services.web import SiteVerdict


def points(milli: int) -> int | float:
    whole, rest = divmod(milli, MILLI)
    return whole if rest == 0 else milli / MILLI


def timestamp(ms: int) -> str:
    """A moment on the wire: RFC 3339 in UTC, to the second (as ``shared/openapi.json`` shows)."""
    return rfc3339(ms // 1000 * 1000)


def summary_json(summary: Summary, now_ms: int, settings: Settings) -> dict[str, Any]:
    return {
        "day": format_day(summary.day),
        "balance": points(summary.balance),
        "earned_today": points(summary.earned_today),
        "spent_today": points(summary.spent_today),
        "goals": [
            {
                "name": g.progress.goal.name,
                "kind": g.progress.goal.kind.value,
                "period": g.progress.goal.period.value,
                "target": g.progress.goal.target,
                "value": g.progress.value,
                "met": g.progress.met,
                "streak": g.streak,
            }
            for g in summary.goals
        ],
        "allowances": [
            {
                "reward": a.reward,
                "target": a.target,
                "ends": timestamp(a.ends_ms),
                "remaining_s": max(0, (a.ends_ms - now_ms) // 1000),
            }
            for a in summary.allowances
        ],
        # What the extension must follow: the desktop's idle threshold and privacy opt-ins.
        "tracking": {
            "idle_threshold_s": settings.idle_threshold_s,
            "store_titles": settings.store_titles,
            "store_paths": settings.store_paths,
        },
    }


def verdict_json(verdict: SiteVerdict) -> dict[str, Any]:
    rule, offer = verdict.rule, verdict.offer
    return {
        "subject": verdict.subject,
        "rule": rule.id if rule else None,
        "category": rule.category.value if rule else "neutral",
        "rate": points(rule.rate) if rule else 0,
        "enforcement": rule.enforcement.value if rule else "track",
        "verdict": verdict.verdict.value,
        "balance": points(verdict.balance),
        "allowance_remaining_s": verdict.allowance_left_ms // 1000,
        "pause_s": verdict.settings.nudge_pause_s,
        "surcharge_pct": verdict.settings.nudge_surcharge_pct,
        "buy_minutes": offer.minutes if offer else verdict.settings.nudge_minutes,
        "buy_cost": points(offer.cost) if offer else None,
    }
