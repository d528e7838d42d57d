"""Alembic environment: always run programmatically with an engine in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from sync.server.tables import metadata

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    context.run_migrations()
