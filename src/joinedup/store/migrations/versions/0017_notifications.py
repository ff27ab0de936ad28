"""notifications: each user's read and emailed state, a user's email address, flag index

Revision ID: 0017
Revises: 0011
Create Date: 2026-12-07 13:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification_state",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("emailed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_notification_state_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_notification_state")),
    )
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    op.create_index("ix_flag_agency_status", "flag", ["agency_id", "status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_flag_agency_status", table_name="flag")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("email")
    op.drop_table("notification_state")
