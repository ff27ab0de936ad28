"""Alembic environment: runs on the connection handed in by joinedup.store.migrate."""

from __future__ import annotations

from alembic import context

from joinedup.store.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via joinedup.store.migrate
    raise RuntimeError("run migrations with `joinedup init`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=config.attributes.get("render_as_batch", connection.dialect.name == "sqlite"),
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
