"""panel meeting attendance: who attended and who sent apologies

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-07 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("panel_meeting") as batch:
        batch.add_column(sa.Column("attendance", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("panel_meeting") as batch:
        batch.drop_column("attendance")
