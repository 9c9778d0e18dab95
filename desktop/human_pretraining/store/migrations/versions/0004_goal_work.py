"""Goal work: the days whose goals and badges still need evaluating, kept on disk.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:50:00
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "goal_work",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.Column("due", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_goal_work")),
    )
    with op.batch_alter_table("goal_work") as batch_op:
        batch_op.create_index("ix_goal_work_due", ["due"], unique=False)
    # Recent settled days are evaluated once more, so a refresh lost before this
    # upgrade is repaired (bonuses are keyed: none is paid twice). Only the ingestion
    # window (30 days) and a day's margin: older history was final before, and a goal
    # added since must not pay for all of it.
    since = int((datetime.now(UTC) - timedelta(days=32)).strftime("%Y%m%d"))
    op.get_bind().execute(
        sa.text(
            "INSERT INTO goal_work (day, stamp, due)"
            " SELECT DISTINCT day, 1, 0 FROM daily_usage WHERE day >= :since"
        ),
        {"since": since},
    )


def downgrade() -> None:
    op.drop_index("ix_goal_work_due", table_name="goal_work")
    op.drop_table("goal_work")
