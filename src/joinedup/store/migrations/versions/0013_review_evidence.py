"""review evidence: a held pair keeps the evidence that would decide it

Each comparison's level and weight, the total match weight and probability, and the
collective (relational) evidence, as JSON on ``match_review`` (issue 18, point 2). Items
queued before this revision have none (shown as "not recorded"; the next link run adds it
to the pairs it queues again).

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("match_review") as batch:
        batch.add_column(sa.Column("evidence", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("match_review") as batch:
        batch.drop_column("evidence")
