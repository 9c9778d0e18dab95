"""Appending to the ledger and reading the balance, inside a caller's transaction.

Every entry goes through :func:`book`, which also moves the device's running
total in the same transaction, so ``balance`` (a read of one row per device)
always equals the sum of the entries. An idempotency key that is already booked
makes :func:`book` a no-op — also when another machine books the same key at the
same moment (``ON CONFLICT DO NOTHING``: the second insert waits, then skips).
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update

from human_pretraining.core.ledger import Booking
from human_pretraining.store.concurrency import insert_new
from human_pretraining.store.models import LedgerEntry, LedgerTotal


def book(conn: Connection, device_id: int, at_ms: int, day: int, booking: Booking) -> bool:
    """Append ``booking`` unless its key is already in the ledger; True if it was booked."""
    inserted = conn.execute(
        insert_new(conn, LedgerEntry, ["idem_key"])
        .values(
            idem_key=booking.idem_key,
            device_id=device_id,
            at_ms=at_ms,
            day=day,
            amount=booking.amount,
            kind=booking.kind,
            ref=booking.ref,
            bucket=booking.bucket,
            note=booking.note,
        )
        .returning(LedgerEntry.id)
    ).first()
    if inserted is None:
        return False
    conn.execute(
        update(LedgerTotal)
        .where(LedgerTotal.device_id == device_id)
        .values(total=LedgerTotal.total + booking.amount)
    )
    return True


# Built once: the balance is read on almost every request.
_BALANCE = select(func.coalesce(func.sum(LedgerTotal.total), 0))


def balance(conn: Connection) -> int:
    """The balance across all devices, in milli-points."""
    return int(conn.execute(_BALANCE).scalar_one())


def ledger_sum(conn: Connection) -> int:
    """The sum of every entry: what :func:`balance` must always equal."""
    return int(conn.execute(select(func.coalesce(func.sum(LedgerEntry.amount), 0))).scalar_one())
