"""assessment narrative and intelligence grading

A risk assessment keeps what practitioners write beside the indicators: the child's own
views and wishes, the protective factors and the safety plan (free text: stored as field-cipher
tokens, hence Text). A police submission, and each route of it, carries its 3x5x2 grading
("2-B-P").

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

NARRATIVE = ("child_views", "protective_factors", "safety_plan")
GRADED = ("intelligence_submission", "intelligence_route")


def upgrade() -> None:
    with op.batch_alter_table("risk_assessment") as batch:
        for column in NARRATIVE:
            batch.add_column(sa.Column(column, sa.Text(), nullable=True))
    for table in GRADED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("grading", sa.String(length=8), nullable=True))


def downgrade() -> None:
    for table in GRADED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("grading")
    with op.batch_alter_table("risk_assessment") as batch:
        for column in NARRATIVE:
            batch.drop_column(column)
