"""What deserves a desktop notification: a goal just met, a badge just earned, a low balance.

Pure comparison of two snapshots taken after a ledger change, so each event is
announced once, when it happens — not again at every refresh, and not for what
was already true when the app started.
"""

from __future__ import annotations

from dataclasses import dataclass

from human_pretraining.core.model import format_points
from human_pretraining.services.queries import BadgeStatus, Summary


@dataclass(frozen=True)
class Snapshot:
    goals_met: frozenset[str]
    badges: frozenset[str]
    low: bool


@dataclass(frozen=True)
class Alert:
    title: str
    message: str


def snapshot(summary: Summary, badges: list[BadgeStatus], low_balance: int) -> Snapshot:
    return Snapshot(
        goals_met=frozenset(g.progress.goal.name for g in summary.goals if g.progress.met),
        badges=frozenset(b.title for b in badges if b.earned_ms is not None),
        low=summary.balance < low_balance,
    )


def alerts(before: Snapshot, after: Snapshot, balance: int) -> list[Alert]:
    found = [
        Alert("Goal met", f"{name} — well done.")
        for name in sorted(after.goals_met - before.goals_met)
    ]
    found += [Alert("Badge earned", title) for title in sorted(after.badges - before.badges)]
    if after.low and not before.low:
        found.append(
            Alert(
                "Low balance",
                f"{format_points(balance)} points left: time for something that earns.",
            )
        )
    return found
