"""The rules of the append-only ledger, as pure decisions.

The store never updates or deletes an entry. Settling a day compares what each
(day, rule) bucket *should* hold with what it *does* hold and books only the
difference, under a key numbered by how many entries the bucket already has; two
settlers racing on the same bucket collide on that key instead of both booking.
Purchases are checked here against the balance, the overdraft setting and the
daily limit, so every surface refuses them with the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from human_pretraining.core.model import Reward, Settings, format_points


@dataclass(frozen=True)
class Booking:
    """A ledger entry to append."""

    idem_key: str
    amount: int
    kind: str
    ref: str
    note: str
    bucket: str | None = None


def activity_bucket(day: int, rule_id: str) -> str:
    return f"activity:{day}:{rule_id}"


def settlement_bookings(
    day: int,
    targets: Mapping[str, tuple[int, str]],
    booked: Mapping[str, tuple[int, int]],
) -> list[Booking]:
    """Entries that bring each bucket of ``day`` to its target.

    ``targets`` maps rule id → (points the day should hold, a note saying why);
    ``booked`` maps bucket → (sum already booked, number of entries). A rule that
    no longer has time (e.g. its events were reclassified) is brought back to zero.
    """
    bookings: list[Booking] = []
    rule_ids = set(targets) | {b.rsplit(":", 1)[1] for b in booked}
    for rule_id in sorted(rule_ids):
        bucket = activity_bucket(day, rule_id)
        target, note = targets.get(rule_id, (0, f"{rule_id}: no counted time any more"))
        have, count = booked.get(bucket, (0, 0))
        if target != have:
            bookings.append(
                Booking(f"{bucket}#{count}", target - have, "activity", rule_id, note, bucket)
            )
    return bookings


class PurchaseRefused(Exception):
    """A purchase that may not happen; the message is meant for the user."""


def check_purchase(reward: Reward, balance: int, bought_today: int, settings: Settings) -> None:
    """Raise :class:`PurchaseRefused` unless ``reward`` may be bought now."""
    if reward.daily_limit is not None and bought_today >= reward.daily_limit:
        times = "once" if reward.daily_limit == 1 else f"{reward.daily_limit} times"
        raise PurchaseRefused(
            f"'{reward.name}' can be bought {times} a day; that is used up today."
        )
    floor = -settings.overdraft_limit if settings.allow_overdraft else 0
    if balance - reward.cost < floor:
        short = reward.cost - balance + floor
        raise PurchaseRefused(
            f"'{reward.name}' costs {format_points(reward.cost)} points; the balance is "
            f"{format_points(balance)}, {format_points(short)} short. Nothing was spent."
        )
