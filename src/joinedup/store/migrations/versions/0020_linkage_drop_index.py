"""the drop index: keyed hashes of each person record's values, and a full run's statistics

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 23:45:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def _owned(table: str) -> list[Any]:
    return [
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f(f"fk_{table}_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "linkage_key",
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        *_owned("linkage_key"),
    )
    for column in ("agency_id", "record_id", "kind", "key"):
        op.create_index(op.f(f"ix_linkage_key_{column}"), "linkage_key", [column], unique=False)
    op.create_table(
        "linkage_statistics",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        *_owned("linkage_statistics"),
    )
    for column in ("agency_id", "run_id"):
        op.create_index(
            op.f(f"ix_linkage_statistics_{column}"), "linkage_statistics", [column], unique=False
        )


def downgrade() -> None:
    for column in ("agency_id", "run_id"):
        op.drop_index(op.f(f"ix_linkage_statistics_{column}"), table_name="linkage_statistics")
    op.drop_table("linkage_statistics")
    for column in ("agency_id", "record_id", "kind", "key"):
        op.drop_index(op.f(f"ix_linkage_key_{column}"), table_name="linkage_key")
    op.drop_table("linkage_key")
