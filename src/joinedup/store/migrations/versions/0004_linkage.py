"""linkage runs, person membership and the review queue

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 00:40:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
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
        "linkage_run",
        sa.Column("backend", sa.String(length=16), nullable=False),
        sa.Column("incremental", sa.Boolean(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("review_items", sa.Integer(), nullable=False),
        sa.Column("model", sa.JSON(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        *_owned("linkage_run"),
    )
    op.create_table(
        "person_link",
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        *_owned("person_link"),
        sa.UniqueConstraint("record_id", name=op.f("uq_person_link_record_id")),
    )
    op.create_table(
        "match_review",
        sa.Column("record_a", sa.String(length=64), nullable=False),
        sa.Column("record_b", sa.String(length=64), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=True),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        *_owned("match_review"),
        sa.UniqueConstraint("record_a", "record_b", name=op.f("uq_match_review_record_a")),
    )
    for table, columns in (
        ("linkage_run", ["agency_id"]),
        ("person_link", ["agency_id", "person_id"]),
        ("match_review", ["agency_id", "record_a", "record_b", "status"]),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("match_review")
    op.drop_table("person_link")
    op.drop_table("linkage_run")
