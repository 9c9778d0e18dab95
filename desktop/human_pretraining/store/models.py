"""The database schema as typed SQLAlchemy 2.0 models.

Times are integer milliseconds since the Unix epoch (UTC); local calendar days
are integers ``YYYYMMDD`` so day queries hit a plain integer index; points are
integer milli-points. Subjects (domains, app names, folders) are stored once and
referenced by id, which keeps a year of activity spans small on disk.

The schema changes only through Alembic migrations in ``store/migrations``;
``tests/store/test_migrations.py`` fails when these models and the migrations
disagree.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only aliases the row id for exactly "INTEGER PRIMARY KEY"; BigInteger
# elsewhere (PostgreSQL) so ids never overflow.
IdType = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    # Named constraints, so later migrations can address them (SQLite batch mode needs names).
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Device(Base):
    """A machine that reports activity or writes ledger entries."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_ms: Mapped[int] = mapped_column(BigInteger)


class Subject(Base):
    """A thing time is spent on: a site (domain, maybe a rule's path prefix), an app, a folder."""

    __tablename__ = "subjects"
    __table_args__ = (UniqueConstraint("source", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(500))


class ActivitySpan(Base):
    """Merged heartbeats: one stretch of time on one subject with the same signals."""

    __tablename__ = "activity_spans"
    __table_args__ = (
        Index("ix_spans_start", "start_ms"),
        Index("ix_spans_subject_end", "subject_id", "end_ms"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"))
    start_ms: Mapped[int] = mapped_column(BigInteger)
    end_ms: Mapped[int] = mapped_column(BigInteger)
    # Bit set of core.timeline.Flags (idle, audible, unfocused, browser): small on disk.
    flags: Mapped[int] = mapped_column(Integer, default=0)
    scroll_px: Mapped[int] = mapped_column(BigInteger, default=0)
    scroll_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    words: Mapped[int] = mapped_column(Integer, default=0)
    # Window title or file path, only when the user opted in.
    detail: Mapped[str | None] = mapped_column(Text, default=None)


class SeenEvent(Base):
    """Event ids already ingested, so a retried delivery changes nothing.

    The id is the UUID's 16 bytes, in a table without SQLite's hidden row id, so
    each new event costs one small B-tree insert. Kept for the ingestion window
    only (older events are refused anyway), so the table stays small.
    """

    __tablename__ = "seen_events"
    __table_args__ = (Index("ix_seen_received", "received_ms"), {"sqlite_with_rowid": False})

    event_id: Mapped[bytes] = mapped_column(LargeBinary(16), primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    received_ms: Mapped[int] = mapped_column(BigInteger)


class DirtyDay(Base):
    """Local days whose activity changed since they were last settled."""

    __tablename__ = "dirty_days"

    day: Mapped[int] = mapped_column(Integer, primary_key=True)


class GoalWork(Base):
    """Local days whose goals and badges must be evaluated again: durable, never in memory.

    A row is written (``stamp`` bumped, ``due`` reset to 0) in the same transaction
    as the change that causes it: a settled day's bookings and usage rows. The goal
    refresh consumes it in the transaction that writes the goal periods, bonuses and
    badges, and only if ``stamp`` is still the one it read; a crash in between
    leaves the row for the next run. A row whose periods are still open (an "at
    most" goal is judged once over) stays, ``due`` on the day they close.
    """

    __tablename__ = "goal_work"
    __table_args__ = (Index("ix_goal_work_due", "due"),)

    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    stamp: Mapped[int] = mapped_column(BigInteger, default=1)
    due: Mapped[int] = mapped_column(Integer, default=0)  # YYYYMMDD; 0: at the next refresh


class LedgerEntry(Base):
    """One append-only movement of points, with the reason in plain words.

    ``idem_key`` makes every write idempotent: the same task completion, purchase,
    goal bonus or settlement step can never be booked twice. Activity entries
    share a ``bucket`` (day + rule); the bucket's sum is what has been settled.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_day", "day"),
        Index("ix_ledger_bucket", "bucket"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    idem_key: Mapped[str] = mapped_column(String(300), unique=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    at_ms: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # activity | task | goal | reward
    ref: Mapped[str] = mapped_column(String(200))  # rule id, task, goal or reward name
    bucket: Mapped[str | None] = mapped_column(String(300), default=None)
    note: Mapped[str] = mapped_column(Text)


class LedgerTotal(Base):
    """Running sum of ``ledger_entries.amount`` per device, kept in the same transaction.

    Makes the balance a read of a handful of rows instead of a scan of the ledger;
    ``services.ledger`` checks the two agree in tests.
    """

    __tablename__ = "ledger_totals"

    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    total: Mapped[int] = mapped_column(BigInteger, default=0)


class DailyUsage(Base):
    """Settled time per day, device and subject: what the activity view and goals read."""

    __tablename__ = "daily_usage"

    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), primary_key=True)
    rule_id: Mapped[str | None] = mapped_column(String(200), default=None)
    category: Mapped[str] = mapped_column(String(16))
    active_ms: Mapped[int] = mapped_column(BigInteger)
    words: Mapped[int] = mapped_column(Integer, default=0)
    points: Mapped[int] = mapped_column(BigInteger, default=0)


class TaskCompletion(Base):
    """A task checked off; ``period_key`` makes once/daily tasks pay at most once."""

    __tablename__ = "task_completions"
    __table_args__ = (
        UniqueConstraint("task", "period_key"),
        Index("ix_tasks_day", "day"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    task: Mapped[str] = mapped_column(String(200))
    period_key: Mapped[str] = mapped_column(String(64))
    points: Mapped[int] = mapped_column(BigInteger)
    at_ms: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[int] = mapped_column(Integer)


class Purchase(Base):
    """A reward bought; allowances carry the window during which their target is prepaid."""

    __tablename__ = "purchases"
    __table_args__ = (Index("ix_purchases_day", "day"), Index("ix_purchases_ends", "ends_ms"))

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    reward: Mapped[str] = mapped_column(String(200))
    cost: Mapped[int] = mapped_column(BigInteger)
    at_ms: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[int] = mapped_column(Integer)
    allowance_site: Mapped[str | None] = mapped_column(String(500), default=None)
    allowance_category: Mapped[str | None] = mapped_column(String(16), default=None)
    ends_ms: Mapped[int | None] = mapped_column(BigInteger, default=None)


class GoalPeriod(Base):
    """A goal's value in one period (a day ``20261126`` or a week ``2026-W48``)."""

    __tablename__ = "goal_periods"

    goal: Mapped[str] = mapped_column(String(200), primary_key=True)
    period_key: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    target: Mapped[int] = mapped_column(BigInteger)
    met: Mapped[bool] = mapped_column(Boolean)


class EarnedBadge(Base):
    """A milestone reached; earned once, kept forever."""

    __tablename__ = "badges"

    badge: Mapped[str] = mapped_column(String(64), primary_key=True)
    earned_ms: Mapped[int] = mapped_column(BigInteger)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))


class ApiToken(Base):
    """A client paired with the local endpoint. Only a SHA-256 hash of the token is kept.

    ``origin`` binds a Firefox extension's per-install ``moz-extension://`` origin
    (seen on the pairing request) so the endpoint can allow exactly that origin.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    origin: Mapped[str | None] = mapped_column(String(200), default=None)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    last_used_ms: Mapped[int | None] = mapped_column(BigInteger, default=None)
    revoked_ms: Mapped[int | None] = mapped_column(BigInteger, default=None)


class PairingCode(Base):
    """A short single-use code that a client trades for a token before it expires."""

    __tablename__ = "pairing_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    expires_ms: Mapped[int] = mapped_column(BigInteger)
    used_ms: Mapped[int | None] = mapped_column(BigInteger, default=None)
