"""The minutes as a Word document: the same content as the Markdown minutes, typed text kept
as text, and the document logged as a disclosure when it leaves the service."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from docx import Document
from sqlalchemy import select

from joinedup.panel import actions, meetings
from joinedup.panel.attendance import record_attendance
from joinedup.panel.minutes import disclose, gather, reasons
from joinedup.panel.minutes_word import minutes_docx
from joinedup.store.tables.audit import AuditEventRow
from tests.conftest import Store
from tests.panel.world import MEETING_DAY, build


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_word_minutes_hold_attendance_items_decisions_and_actions(store: Store) -> None:
    w = build(store)
    with store.door.session("chair", "panel") as s:
        item = meetings.add_item(s, w.meeting_id, "Children seen at the *Station* Hotel").saved
        record_attendance(s, w.meeting_id, {"chair": "attended", "sw": "apologies"})
        meetings.open_meeting(s, w.meeting_id)
        decided = meetings.decide(s, w.meeting_id, "Disruption plan <b>now</b>", item_id=item.id)
        actions.add_action(
            s,
            meeting_id=w.meeting_id,
            description="Visit the hotel\x07 with licensing",
            owner_username="sw",
            due_on=MEETING_DAY + timedelta(days=7),
            decision_id=decided.saved.id,
        )
        found = gather(s, w.meeting_id)
        data = minutes_docx(found, MEETING_DAY, {i.id: reasons(i) for i in found.record.items})
    text = _text(data)
    assert "Dunmere MASE: meeting of 2013-03-04" in text
    assert "OFFICIAL-SENSITIVE" in text
    assert "Attended: chair" in text and "Sent apologies: sw" in text
    assert "Children seen at the *Station* Hotel" in text  # as typed, no markup
    assert "Decision: Disruption plan <b>now</b>" in text
    assert "Visit the hotel with licensing" in text  # the control character dropped
    assert "2013-03-11" in text and "open" in text


def test_minutes_that_leave_are_logged_as_a_disclosure(store: Store) -> None:
    w = build(store)
    with store.door.session("chair", "panel") as s:
        item = meetings.add_item(s, w.meeting_id, "Station Hotel").saved
    with store.door.session("sw", "panel") as s:
        disclose(s, gather(s, w.meeting_id))
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                AuditEventRow.object_type, AuditEventRow.object_ids, AuditEventRow.recipient
            ).where(AuditEventRow.operation == "disclosure", AuditEventRow.actor_name == "sw")
        ).all()
    logged = {r.object_type: (json.loads(r.object_ids), r.recipient) for r in rows}
    assert logged["panel_meeting"] == ([w.meeting_id], "members of Dunmere MASE")
    assert logged["agenda_item"] == ([item.id], "members of Dunmere MASE")
