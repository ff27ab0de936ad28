"""field classification: columns now holding encryption tokens become Text

Fields the classification (joinedup/model/data/classification/fields.yml) marks special
category or free text are stored only as field-cipher tokens, longer than the text they
seal: their columns become Text. Rows written before this revision keep their clear values
(readable; re-encrypted when next changed).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# table -> [(column, old length, nullable)]
CHANGED: dict[str, list[tuple[str, int, bool]]] = {
    "access_grant": [("reason", 500, False), ("decision_note", 500, True)],
    "action": [("completion_note", 500, True)],
    "agenda_item": [("title", 500, False)],
    "erasure": [("reason", 500, False)],
    "flag": [("resolution", 500, True)],
    "intelligence_route": [("note", 500, True)],
    "match_review": [("reason", 500, True)],
    "person": [("ethnicity", 8, True), ("nationality", 500, True)],
    "pole_object": [("description", 500, True)],
    "quarantine": [("resolution_note", 500, True)],
    "sharing_agreement": [("ended_reason", 500, True)],
}


def upgrade() -> None:
    for table, columns in CHANGED.items():
        with op.batch_alter_table(table) as batch:
            for column, length, nullable in columns:
                batch.alter_column(
                    column,
                    existing_type=sa.String(length=length),
                    type_=sa.Text(),
                    existing_nullable=nullable,
                )


def downgrade() -> None:
    for table, columns in CHANGED.items():
        with op.batch_alter_table(table) as batch:
            for column, length, nullable in columns:
                batch.alter_column(
                    column,
                    existing_type=sa.Text(),
                    type_=sa.String(length=length),
                    existing_nullable=nullable,
                )
