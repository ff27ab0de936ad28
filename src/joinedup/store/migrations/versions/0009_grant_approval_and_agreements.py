"""grants approved by the owning agency; information-sharing agreements

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 10:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_ID = sa.String(length=64)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    # grants made before approval existed were made by an administrator alone: they stay live
    # (status approved, decided_by empty) so an upgrade changes nobody's access silently
    with op.batch_alter_table("access_grant") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="approved")
        )
        batch.add_column(sa.Column("decided_by", _ID, nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("decision_note", sa.String(length=500), nullable=True))
    with op.batch_alter_table("access_grant") as batch:
        batch.alter_column("status", server_default=None)
    op.create_table(
        "sharing_agreement",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("agency_id", _ID, nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("extent", sa.String(length=32), nullable=False),
        sa.Column("basis", sa.String(length=500), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("created_by", _ID, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_reason", sa.String(length=500), nullable=True),
        sa.Column("id", _ID, nullable=False),
        _fk("sharing_agreement", "agency_id", "agency"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_agreement")),
        sa.UniqueConstraint("name", name=op.f("uq_sharing_agreement_name")),
    )
    op.create_index(
        op.f("ix_sharing_agreement_agency_id"), "sharing_agreement", ["agency_id"], unique=False
    )
    op.create_table(
        "agreement_party",
        sa.Column("agreement_id", _ID, nullable=False),
        sa.Column("agency_id", _ID, nullable=False),
        sa.Column("approved_by", _ID, nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("id", _ID, nullable=False),
        _fk("agreement_party", "agreement_id", "sharing_agreement"),
        _fk("agreement_party", "agency_id", "agency"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_party")),
        sa.UniqueConstraint(
            "agreement_id", "agency_id", name=op.f("uq_agreement_party_agreement_id")
        ),
    )
    op.create_table(
        "agreement_member",
        sa.Column("agreement_id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("added_by", _ID, nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=True),
        sa.Column("id", _ID, nullable=False),
        _fk("agreement_member", "agreement_id", "sharing_agreement"),
        _fk("agreement_member", "user_id", "app_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_member")),
        sa.UniqueConstraint(
            "agreement_id", "user_id", name=op.f("uq_agreement_member_agreement_id")
        ),
    )
    for table, column in (
        ("agreement_party", "agreement_id"),
        ("agreement_party", "agency_id"),
        ("agreement_member", "agreement_id"),
        ("agreement_member", "user_id"),
    ):
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    for table, column in (
        ("agreement_member", "user_id"),
        ("agreement_member", "agreement_id"),
        ("agreement_party", "agency_id"),
        ("agreement_party", "agreement_id"),
    ):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
    op.drop_table("agreement_member")
    op.drop_table("agreement_party")
    op.drop_index(op.f("ix_sharing_agreement_agency_id"), table_name="sharing_agreement")
    op.drop_table("sharing_agreement")
    with op.batch_alter_table("access_grant") as batch:
        batch.drop_column("decision_note")
        batch.drop_column("decided_at")
        batch.drop_column("decided_by")
        batch.drop_column("status")
