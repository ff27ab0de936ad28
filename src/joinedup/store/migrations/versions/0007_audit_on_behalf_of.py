"""audit on_behalf_of: the person on whose behalf the service account acted (Door.on_behalf)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from joinedup.store import immutability

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # adding a nullable column rewrites no row, so the append-only triggers are not involved;
    # the MAC covers the column only when it is set, so existing rows still verify
    op.add_column("audit_event", sa.Column("on_behalf_of", sa.String(64), nullable=True))


def downgrade() -> None:
    # SQLite rebuilds the table to drop a column, which would lose its triggers: put them back
    dialect = op.get_bind().dialect.name
    for statement in immutability.drop_statements(dialect, "audit_event"):
        op.execute(statement)
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("on_behalf_of")
    for statement in immutability.create_statements(dialect, "audit_event"):
        op.execute(statement)
