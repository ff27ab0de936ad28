"""panel workflow: meeting status, agenda sections and briefings, action escalation,
intelligence urgency and per-recipient routes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 06:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ADDED: dict[str, list[sa.Column[Any]]] = {
    "panel_meeting": [
        sa.Column("status", sa.String(length=16), nullable=False, server_default="scheduled"),
        sa.Column("agenda_generated_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
    ],
    "agenda_item": [
        sa.Column("section", sa.String(length=64), nullable=False, server_default="other"),
        sa.Column("subject_type", sa.String(length=32), nullable=True),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("briefing", sa.JSON(), nullable=False, server_default="{}"),
        sa.Column("origin", sa.String(length=16), nullable=False, server_default="generated"),
    ],
    "action": [
        sa.Column("meeting_id", sa.String(length=64), nullable=True),
        sa.Column("owner_agency_id", sa.String(length=64), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("escalated_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("completion_note", sa.String(length=500), nullable=True),
    ],
    "intelligence_submission": [
        sa.Column("urgency", sa.String(length=16), nullable=False, server_default="routine"),
        sa.Column("subject_person_ids", sa.JSON(), nullable=False, server_default="[]"),
        sa.Column("vrms", sa.JSON(), nullable=False, server_default="[]"),
    ],
}

INDEXES = (
    ("agenda_item", "subject_id"),
    ("action", "owner_user_id"),
)


def upgrade() -> None:
    for table, columns in ADDED.items():
        for added in columns:
            op.add_column(table, added)
    for table, name in INDEXES:
        op.create_index(op.f(f"ix_{table}_{name}"), table, [name], unique=False)
    op.create_table(
        "intelligence_route",
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        sa.Column("from_agency_id", sa.String(length=64), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("acknowledge_by", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=64), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(), nullable=True),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_intelligence_route_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intelligence_route")),
        sa.UniqueConstraint(
            "submission_id", "agency_id", name=op.f("uq_intelligence_route_submission_id")
        ),
    )
    for name in ("agency_id", "case_id", "submission_id", "submitted_by"):
        op.create_index(
            op.f(f"ix_intelligence_route_{name}"), "intelligence_route", [name], unique=False
        )


def downgrade() -> None:
    op.drop_table("intelligence_route")
    for table, name in INDEXES:
        op.drop_index(op.f(f"ix_{table}_{name}"), table_name=table)
    for table, columns in ADDED.items():
        with op.batch_alter_table(table) as batch:
            for added in columns:
                batch.drop_column(added.name)
