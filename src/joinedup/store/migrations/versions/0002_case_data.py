"""case data: source records, POLE entities, cases and panels

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 21:28:51.545921
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from joinedup.store import immutability

DROP_ORDER = (
    "source_record",
    "safeguarding_case",
    "risk_assessment",
    "pole_object",
    "person_category",
    "person",
    "panel_meeting",
    "location",
    "link",
    "intelligence_submission",
    "import_batch",
    "flag",
    "event_participant",
    "event",
    "decision",
    "agenda_item",
    "action",
)

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "action",
        sa.Column("panel_id", sa.String(length=64), nullable=True),
        sa.Column("decision_id", sa.String(length=64), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_user_id", sa.String(length=64), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_action_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
    )
    op.create_index(op.f("ix_action_agency_id"), "action", ["agency_id"], unique=False)
    op.create_index(op.f("ix_action_case_id"), "action", ["case_id"], unique=False)
    op.create_index(op.f("ix_action_panel_id"), "action", ["panel_id"], unique=False)
    op.create_table(
        "agenda_item",
        sa.Column("panel_id", sa.String(length=64), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_agenda_item_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
    )
    op.create_index(op.f("ix_agenda_item_agency_id"), "agenda_item", ["agency_id"], unique=False)
    op.create_index(op.f("ix_agenda_item_case_id"), "agenda_item", ["case_id"], unique=False)
    op.create_index(op.f("ix_agenda_item_meeting_id"), "agenda_item", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_agenda_item_panel_id"), "agenda_item", ["panel_id"], unique=False)
    op.create_table(
        "decision",
        sa.Column("panel_id", sa.String(length=64), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("agenda_item_id", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_decision_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    op.create_index(op.f("ix_decision_agency_id"), "decision", ["agency_id"], unique=False)
    op.create_index(op.f("ix_decision_case_id"), "decision", ["case_id"], unique=False)
    op.create_index(op.f("ix_decision_panel_id"), "decision", ["panel_id"], unique=False)
    op.create_table(
        "event",
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=True),
        sa.Column("source_record_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_event_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    op.create_index(op.f("ix_event_agency_id"), "event", ["agency_id"], unique=False)
    op.create_table(
        "event_participant",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_event_participant_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_participant")),
    )
    op.create_index(
        op.f("ix_event_participant_agency_id"), "event_participant", ["agency_id"], unique=False
    )
    op.create_index(
        op.f("ix_event_participant_event_id"), "event_participant", ["event_id"], unique=False
    )
    op.create_index(
        op.f("ix_event_participant_person_id"), "event_participant", ["person_id"], unique=False
    )
    op.create_table(
        "flag",
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner_agency_id", sa.String(length=64), nullable=True),
        sa.Column("resolution", sa.String(length=500), nullable=True),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_flag_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag")),
    )
    op.create_index(op.f("ix_flag_agency_id"), "flag", ["agency_id"], unique=False)
    op.create_index(op.f("ix_flag_case_id"), "flag", ["case_id"], unique=False)
    op.create_index(op.f("ix_flag_rule_id"), "flag", ["rule_id"], unique=False)
    op.create_index(op.f("ix_flag_subject_id"), "flag", ["subject_id"], unique=False)
    op.create_table(
        "import_batch",
        sa.Column("source_id", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_accepted", sa.Integer(), nullable=False),
        sa.Column("rows_quarantined", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_import_batch_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    op.create_index(op.f("ix_import_batch_agency_id"), "import_batch", ["agency_id"], unique=False)
    op.create_index(
        op.f("ix_import_batch_file_sha256"), "import_batch", ["file_sha256"], unique=False
    )
    op.create_table(
        "intelligence_submission",
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recipient_agency_ids", sa.JSON(), nullable=False),
        sa.Column("acknowledge_by", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=64), nullable=True),
        sa.Column("escalated_at", sa.DateTime(), nullable=True),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_intelligence_submission_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intelligence_submission")),
    )
    op.create_index(
        op.f("ix_intelligence_submission_agency_id"),
        "intelligence_submission",
        ["agency_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_intelligence_submission_case_id"),
        "intelligence_submission",
        ["case_id"],
        unique=False,
    )
    op.create_table(
        "link",
        sa.Column("link_type", sa.String(length=32), nullable=False),
        sa.Column("from_type", sa.String(length=16), nullable=False),
        sa.Column("from_id", sa.String(length=64), nullable=False),
        sa.Column("to_type", sa.String(length=16), nullable=False),
        sa.Column("to_id", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source_record_id", sa.String(length=64), nullable=True),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("grading", sa.String(length=8), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_link_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link")),
    )
    op.create_index(op.f("ix_link_agency_id"), "link", ["agency_id"], unique=False)
    op.create_index(op.f("ix_link_from_id"), "link", ["from_id"], unique=False)
    op.create_index(op.f("ix_link_to_id"), "link", ["to_id"], unique=False)
    op.create_table(
        "location",
        sa.Column("place_type", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("uprn", sa.String(length=12), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_location_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_location")),
    )
    op.create_index(op.f("ix_location_agency_id"), "location", ["agency_id"], unique=False)
    op.create_index(op.f("ix_location_postcode"), "location", ["postcode"], unique=False)
    op.create_index(op.f("ix_location_uprn"), "location", ["uprn"], unique=False)
    op.create_table(
        "panel_meeting",
        sa.Column("panel_id", sa.String(length=64), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("chair_id", sa.String(length=64), nullable=True),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_panel_meeting_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_meeting")),
    )
    op.create_index(
        op.f("ix_panel_meeting_agency_id"), "panel_meeting", ["agency_id"], unique=False
    )
    op.create_index(op.f("ix_panel_meeting_case_id"), "panel_meeting", ["case_id"], unique=False)
    op.create_index(op.f("ix_panel_meeting_panel_id"), "panel_meeting", ["panel_id"], unique=False)
    op.create_table(
        "person",
        sa.Column("forename", sa.String(length=500), nullable=True),
        sa.Column("surname", sa.String(length=500), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=4), nullable=True),
        sa.Column("ethnicity", sa.String(length=8), nullable=True),
        sa.Column("nationality", sa.String(length=500), nullable=True),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_person_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    op.create_index(op.f("ix_person_agency_id"), "person", ["agency_id"], unique=False)
    op.create_table(
        "person_category",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("retention_review_on", sa.Date(), nullable=True),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_person_category_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_category")),
    )
    op.create_index(
        op.f("ix_person_category_agency_id"), "person_category", ["agency_id"], unique=False
    )
    op.create_index(
        op.f("ix_person_category_case_id"), "person_category", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_person_category_person_id"), "person_category", ["person_id"], unique=False
    )
    op.create_table(
        "pole_object",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_pole_object_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pole_object")),
    )
    op.create_index(op.f("ix_pole_object_agency_id"), "pole_object", ["agency_id"], unique=False)
    op.create_index(op.f("ix_pole_object_key"), "pole_object", ["key"], unique=False)
    op.create_table(
        "risk_assessment",
        sa.Column("child_person_id", sa.String(length=64), nullable=False),
        sa.Column("tool_version", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("assessor_id", sa.String(length=64), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("next_review_due", sa.Date(), nullable=True),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_risk_assessment_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessment")),
    )
    op.create_index(
        op.f("ix_risk_assessment_agency_id"), "risk_assessment", ["agency_id"], unique=False
    )
    op.create_index(
        op.f("ix_risk_assessment_case_id"), "risk_assessment", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_risk_assessment_child_person_id"),
        "risk_assessment",
        ["child_person_id"],
        unique=False,
    )
    op.create_table(
        "safeguarding_case",
        sa.Column("child_person_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("allocated_worker_id", sa.String(length=64), nullable=True),
        sa.Column("plan_status", sa.String(length=32), nullable=False),
        sa.Column("placement_type", sa.String(length=500), nullable=True),
        sa.Column("placed_out_of_area", sa.Boolean(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_safeguarding_case_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_case")),
    )
    op.create_index(
        op.f("ix_safeguarding_case_agency_id"), "safeguarding_case", ["agency_id"], unique=False
    )
    op.create_index(
        op.f("ix_safeguarding_case_case_id"), "safeguarding_case", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_safeguarding_case_child_person_id"),
        "safeguarding_case",
        ["child_person_id"],
        unique=False,
    )
    op.create_table(
        "source_record",
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column("source_id", sa.String(length=64), nullable=True),
        sa.Column("record_type", sa.String(length=64), nullable=False),
        sa.Column("agency_key", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("normalised", sa.JSON(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_source_record_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_record")),
        sa.UniqueConstraint(
            "agency_id",
            "batch_id",
            "record_type",
            "agency_key",
            name=op.f("uq_source_record_agency_id"),
        ),
    )
    op.create_index(
        op.f("ix_source_record_agency_id"), "source_record", ["agency_id"], unique=False
    )
    op.create_index(
        op.f("ix_source_record_agency_key"), "source_record", ["agency_key"], unique=False
    )
    op.create_index(op.f("ix_source_record_batch_id"), "source_record", ["batch_id"], unique=False)
    for statement in immutability.create_statements(op.get_bind().dialect.name, "source_record"):
        op.execute(statement)


def downgrade() -> None:
    for statement in immutability.drop_statements(op.get_bind().dialect.name, "source_record"):
        op.execute(statement)
    for table in DROP_ORDER:
        op.drop_table(table)
