"""The meeting page's use cases: the agenda with each child by name (linked only when the
reader may open the person), who runs the meeting, attendance, the Word minutes logged as a
disclosure, and the actions tracker's order (escalated first)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from joinedup.app.actions import add_action, chase_actions, tracker
from joinedup.app.context import Caller, using
from joinedup.app.errors import Forbidden
from joinedup.app.meeting_page import meeting_page, minutes_document, my_panels, record_attendance
from joinedup.app.panel import open_meeting, write_minutes
from joinedup.store.tables.audit import AuditEventRow
from tests.access.conftest import cheap_argon2  # noqa: F401 (autouse fixture)
from tests.web.conftest import Web, web  # noqa: F401 (the fixture)
from tests.web.panel_world import CHAIR, PANEL, PanelWorld, build_panel

CHAIRING = Caller(CHAIR, "panel", "test")
WORKER = Caller("sw.one", "safeguarding", "test")
TODAY = date.today()


@pytest.fixture
def world(web: Web) -> Iterator[PanelWorld]:  # noqa: F811 (the web fixture)
    built = build_panel(web, TODAY - timedelta(days=14))
    with using(web.rt):
        yield built


def _disclosures(on: Web, object_type: str) -> list[list[str]]:
    with on.store.engine.connect() as conn:
        rows = conn.execute(
            select(AuditEventRow.object_ids).where(
                AuditEventRow.operation == "disclosure",
                AuditEventRow.object_type == object_type,
                AuditEventRow.recipient == f"members of {PANEL}",
            )
        ).scalars()
        return [json.loads(r) for r in rows]


def test_the_page_names_the_child_and_links_only_a_readable_person(world: PanelWorld) -> None:
    seen = meeting_page(WORKER, world.meeting_id)
    [item] = seen.items
    assert item.name == "Ayesha Khan (born 2010-03-04)"  # her own agency's record
    assert item.person_id == world.web.persons["aisha"]
    assert "Risk: Category 2 (opportunistic abuse)" in item.reasons
    assert not seen.runs_it and seen.panel == PANEL and seen.chair == CHAIR
    assert [s.username for s in seen.seats] == ["an.one", CHAIR, "sw.one"]
    assert meeting_page(CHAIRING, world.meeting_id).runs_it
    assert my_panels(WORKER) == [PANEL]


def test_attendance_and_the_word_minutes_logged_as_a_disclosure(world: PanelWorld) -> None:
    record_attendance(CHAIRING, world.meeting_id, {CHAIR: "attended", "an.one": "apologies"})
    with pytest.raises(Forbidden):
        record_attendance(WORKER, world.meeting_id, {"sw.one": "attended"})
    marks = {s.username: s.mark for s in meeting_page(WORKER, world.meeting_id).seats}
    assert marks == {CHAIR: "attended", "an.one": "apologies", "sw.one": None}
    name, data = minutes_document(WORKER, world.meeting_id)
    assert name == f"minutes-{TODAY - timedelta(days=14)}.docx"
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert f"Attended: {CHAIR}" in text and "Sent apologies: an.one" in text
    assert _disclosures(world.web, "panel_meeting") == [[world.meeting_id]]
    assert _disclosures(world.web, "agenda_item") == [[world.item_id]]


def test_minutes_written_by_the_cli_are_a_disclosure_too(world: PanelWorld, tmp_path: Path) -> None:
    out = write_minutes(WORKER, world.meeting_id, tmp_path / "minutes.md")
    assert "Aisha" in out.read_text(encoding="utf-8")
    assert _disclosures(world.web, "panel_meeting") == [[world.meeting_id]]


def test_the_tracker_puts_escalated_first(world: PanelWorld) -> None:
    open_meeting(CHAIRING, world.meeting_id)
    for text, days in (("Due soon", 3), ("Long late", -10), ("A little late", -1)):
        add_action(CHAIRING, world.meeting_id, text, "sw.one", TODAY + timedelta(days=days))
    chase_actions(Caller(CHAIR, "panel"))
    shown = tracker(WORKER)
    assert [(v.action.description, v.action.status) for v in shown.mine] == [
        ("Long late", "escalated"),
        ("A little late", "overdue"),
        ("Due soon", "open"),
    ]
    assert shown.panels == [] and shown.done == []
    [panel_id] = shown.panel_names
    assert tracker(CHAIRING).members == {panel_id: ["an.one", CHAIR, "sw.one"]}
