"""erasure requests (UK GDPR art. 17), tracked to a decision

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasure_request",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("requester", sa.Text(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("grounds", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_erasure_request_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_request")),
    )
    op.create_index(
        op.f("ix_erasure_request_agency_id"), "erasure_request", ["agency_id"], unique=False
    )
    op.create_index(
        op.f("ix_erasure_request_person_id"), "erasure_request", ["person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_erasure_request_person_id"), table_name="erasure_request")
    op.drop_index(op.f("ix_erasure_request_agency_id"), table_name="erasure_request")
    op.drop_table("erasure_request")
