"""the place directory (a partition's assembly reads the places it needs, not every row)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "place_row",
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("agency_kind", sa.String(length=32), nullable=False),
        sa.Column("record_type", sa.String(length=64), nullable=False),
        sa.Column("agency_key", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=64), nullable=False),
        sa.Column("loaded", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_place_row")),
    )
    op.create_index(
        "ix_place_row_key", "place_row", ["agency_key", "agency_id", "record_type"], unique=False
    )
    op.create_table(
        "place_cite",
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.String(length=400), nullable=True),
        sa.Column("pending", sa.String(length=40), nullable=True),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", "name", name=op.f("pk_place_cite")),
    )
    op.create_index(op.f("ix_place_cite_place_id"), "place_cite", ["place_id"], unique=False)
    op.create_index(op.f("ix_place_cite_pending"), "place_cite", ["pending"], unique=False)
    op.create_table(
        "place_entry",
        sa.Column("id", sa.String(length=400), nullable=False),
        sa.Column("postcode", sa.String(length=16), nullable=True),
        sa.Column("votes", sa.JSON(), nullable=False),
        sa.Column("records", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_entry")),
    )
    op.create_table(
        "place_key",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("place_id", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", "place_id", name=op.f("pk_place_key")),
    )


def downgrade() -> None:
    op.drop_table("place_key")
    op.drop_table("place_entry")
    op.drop_index(op.f("ix_place_cite_pending"), table_name="place_cite")
    op.drop_index(op.f("ix_place_cite_place_id"), table_name="place_cite")
    op.drop_table("place_cite")
    op.drop_index("ix_place_row_key", table_name="place_row")
    op.drop_table("place_row")
