"""Alembic environment: runs migrations on the connection the app hands over.

The app calls ``command.upgrade`` with ``config.attributes["connection"]`` set
(see ``store.database.Database.migrate``), so migrations run inside the app's own
transaction on SQLite and PostgreSQL alike; ``render_as_batch`` lets later
revisions alter SQLite tables (which lack most ALTER TABLE forms).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from human_pretraining.store.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the alembic command line, e.g. for `alembic revision --autogenerate`
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)
