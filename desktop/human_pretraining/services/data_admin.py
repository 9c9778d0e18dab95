"""Deleting all history: every tracked span, entry, purchase, task, goal period, badge and token.

One write transaction removes the rows and sets every device's running total
back to zero, so the balance (read from ``ledger_totals``) and the sum of the
(now empty) ledger still agree. Kept: the configuration file (the user's reward
model is not history), the device registrations (this process keeps writing
under its device id), and the ids of events already received (``seen_events``:
random UUIDs that say nothing, but forgetting them would let an extension's
retried batch bring deleted activity back; they expire with the ingestion window).

The ingestor caches subject ids and open spans; it is held still while the rows
go and forgets its caches, so the next heartbeat starts a fresh span instead of
extending a deleted one. Tokens are revoked through :class:`Pairing` too, so its
one-second authentication cache cannot honour a deleted token.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from human_pretraining.services.ingest import Ingestor
from human_pretraining.services.notify import Change, Notifier
from human_pretraining.services.pairing import Pairing
from human_pretraining.store.database import Database
from human_pretraining.store.models import (
    ActivitySpan,
    ApiToken,
    Base,
    DailyUsage,
    DirtyDay,
    EarnedBadge,
    GoalPeriod,
    GoalWork,
    LedgerEntry,
    LedgerTotal,
    PairingCode,
    Purchase,
    Subject,
    TaskCompletion,
)

# Children before the subjects they reference.
HISTORY_TABLES: tuple[type[Base], ...] = (
    ActivitySpan,
    DailyUsage,
    DirtyDay,
    Subject,
    LedgerEntry,
    TaskCompletion,
    Purchase,
    GoalPeriod,
    GoalWork,
    EarnedBadge,
    ApiToken,
    PairingCode,
)

# What the user must type to confirm; the view asks for it, the service does not.
CONFIRMATION = "DELETE"


@dataclass(frozen=True)
class DeleteReport:
    rows: dict[str, int]  # table name -> rows deleted

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class DataAdmin:
    """Deleting all history for one process: its database, ingestor, pairing and notifier."""

    db: Database
    ingestor: Ingestor
    pairing: Pairing
    notifier: Notifier

    def delete_all(self) -> DeleteReport:
        """Delete every history row in one transaction; the configuration file stays as it is."""
        active = [t.id for t in self.pairing.tokens() if t.revoked_ms is None]
        counts: dict[str, int] = {}
        with self.ingestor.held_still(), self.db.write() as conn:
            for model in HISTORY_TABLES:
                counts[model.__tablename__] = int(
                    conn.execute(select(func.count()).select_from(model)).scalar_one()
                )
                conn.execute(delete(model))
            conn.execute(update(LedgerTotal).values(total=0))
        for token_id in active:
            # The rows are gone; this clears the pairing cache (and tells the window).
            self.pairing.revoke(str(token_id))
        self.notifier.publish(Change.LEDGER | Change.ACTIVITY)
        return DeleteReport(counts)
