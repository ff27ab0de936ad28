"""the assessment's partition index (incremental re-assessment)

Revision ID: 0018
Revises: 0011
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partition_node",
        sa.Column("node", sa.String(length=80), nullable=False),
        sa.Column("partition", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("node", name=op.f("pk_partition_node")),
    )
    op.create_index(
        op.f("ix_partition_node_partition"), "partition_node", ["partition"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_partition_node_partition"), table_name="partition_node")
    op.drop_table("partition_node")
