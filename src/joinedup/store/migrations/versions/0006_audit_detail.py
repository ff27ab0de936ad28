"""audit detail: metadata of an audit row (rows scanned, a failed transaction, a reason)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from joinedup.store import immutability

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # adding a nullable column rewrites no row, so the append-only triggers are not involved
    op.add_column("audit_event", sa.Column("detail", sa.Text(), nullable=True))


def downgrade() -> None:
    # SQLite rebuilds the table to drop a column, which would lose its triggers: put them back
    dialect = op.get_bind().dialect.name
    for statement in immutability.drop_statements(dialect, "audit_event"):
        op.execute(statement)
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("detail")
    for statement in immutability.create_statements(dialect, "audit_event"):
        op.execute(statement)
