"""Initial schema: devices, subjects, activity spans, ledger, tasks, purchases, goals, badges.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 10:33:02.221992
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("uid", name=op.f("uq_devices_uid")),
    )
    op.create_table(
        "dirty_days",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_dirty_days")),
    )
    op.create_table(
        "goal_periods",
        sa.Column("goal", sa.String(length=200), nullable=False),
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("goal", "period_key", name=op.f("pk_goal_periods")),
    )
    op.create_table(
        "subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subjects")),
        sa.UniqueConstraint("source", "name", name=op.f("uq_subjects_source_name")),
    )
    op.create_table(
        "activity_spans",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("flags", sa.Integer(), nullable=False),
        sa.Column("scroll_px", sa.BigInteger(), nullable=False),
        sa.Column("scroll_ms", sa.BigInteger(), nullable=False),
        sa.Column("words", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_activity_spans_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_activity_spans_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_spans")),
    )
    with op.batch_alter_table("activity_spans", schema=None) as batch_op:
        batch_op.create_index("ix_spans_start", ["start_ms"], unique=False)
        batch_op.create_index("ix_spans_subject_end", ["subject_id", "end_ms"], unique=False)

    op.create_table(
        "badges",
        sa.Column("badge", sa.String(length=64), nullable=False),
        sa.Column("earned_ms", sa.BigInteger(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_badges_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("badge", name=op.f("pk_badges")),
    )
    op.create_table(
        "daily_usage",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=200), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("active_ms", sa.BigInteger(), nullable=False),
        sa.Column("words", sa.Integer(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_daily_usage_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_daily_usage_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("day", "device_id", "subject_id", name=op.f("pk_daily_usage")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("idem_key", sa.String(length=300), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("bucket", sa.String(length=300), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_ledger_entries_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("idem_key", name=op.f("uq_ledger_entries_idem_key")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_bucket", ["bucket"], unique=False)
        batch_op.create_index("ix_ledger_day", ["day"], unique=False)

    op.create_table(
        "ledger_totals",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_ledger_totals_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_ledger_totals")),
    )
    op.create_table(
        "purchases",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("reward", sa.String(length=200), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("allowance_site", sa.String(length=500), nullable=True),
        sa.Column("allowance_category", sa.String(length=16), nullable=True),
        sa.Column("ends_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_purchases_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchases")),
        sa.UniqueConstraint("uid", name=op.f("uq_purchases_uid")),
    )
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.create_index("ix_purchases_day", ["day"], unique=False)
        batch_op.create_index("ix_purchases_ends", ["ends_ms"], unique=False)

    op.create_table(
        "seen_events",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("received_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_seen_events_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_seen_events")),
    )
    with op.batch_alter_table("seen_events", schema=None) as batch_op:
        batch_op.create_index("ix_seen_received", ["received_ms"], unique=False)

    op.create_table(
        "task_completions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=200), nullable=False),
        sa.Column("period_key", sa.String(length=64), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_task_completions_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_completions")),
        sa.UniqueConstraint("task", "period_key", name=op.f("uq_task_completions_task_period_key")),
    )
    with op.batch_alter_table("task_completions", schema=None) as batch_op:
        batch_op.create_index("ix_tasks_day", ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task_completions", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_day")

    op.drop_table("task_completions")
    with op.batch_alter_table("seen_events", schema=None) as batch_op:
        batch_op.drop_index("ix_seen_received")

    op.drop_table("seen_events")
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.drop_index("ix_purchases_ends")
        batch_op.drop_index("ix_purchases_day")

    op.drop_table("purchases")
    op.drop_table("ledger_totals")
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_day")
        batch_op.drop_index("ix_ledger_bucket")

    op.drop_table("ledger_entries")
    op.drop_table("daily_usage")
    op.drop_table("badges")
    with op.batch_alter_table("activity_spans", schema=None) as batch_op:
        batch_op.drop_index("ix_spans_subject_end")
        batch_op.drop_index("ix_spans_start")

    op.drop_table("activity_spans")
    op.drop_table("subjects")
    op.drop_table("goal_periods")
    op.drop_table("dirty_days")
    op.drop_table("devices")
