"""The service account's steps after a person acts run on that person's behalf: the chair's
agenda request and a submitter's routing, each logged with both names; others are refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from joinedup.panel import intelligence as intel
from joinedup.panel import meetings
from joinedup.panel.agenda import generate_on_behalf
from joinedup.panel.routing import route_on_behalf
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.store.actor_session import Forbidden
from joinedup.store.tables.audit import AuditEventRow
from tests.conftest import Store
from tests.panel.test_intelligence import T0, TAXI, _partnership
from tests.panel.world import build

NOW = datetime(2013, 3, 1, 9, tzinfo=UTC)


def _rows_for(store: Store, user_id: str) -> list[AuditEventRow]:
    with store.engine.connect() as conn:
        found = conn.execute(
            select(AuditEventRow)
            .where(AuditEventRow.on_behalf_of == user_id)
            .order_by(AuditEventRow.seq)
        )
        return list(found.all())  # type: ignore[arg-type]


def test_the_chairs_request_builds_the_agenda_on_their_behalf(store: Store) -> None:
    w = build(store)
    with store.door.session("chair", "panel") as chair:
        meetings.request_agenda(chair, w.meeting_id)
    report = generate_on_behalf(store.door, chair, w.meeting_id, now=NOW)
    assert report.created == 5
    rows = _rows_for(store, chair.actor.user_id)
    assert rows[0].access == "elevate"
    assert {r.actor_name for r in rows} == {SERVICE_ACCOUNT}
    assert any(r.object_type == "agenda_item" and r.operation == "collection" for r in rows)
    disclosed = [r.recipient or "" for r in rows if r.operation == "disclosure"]
    assert disclosed and all(d.startswith("panel") for d in disclosed)


def test_a_member_who_does_not_chair_the_meeting_is_refused(store: Store) -> None:
    w = build(store)
    with (
        store.door.session("sw", "panel") as member,
        pytest.raises(Forbidden, match="only the chair"),
    ):
        meetings.request_agenda(member, w.meeting_id)
    with pytest.raises(Forbidden, match="only the chair"):
        generate_on_behalf(store.door, member, w.meeting_id, now=NOW)
    with store.door.session("chair", "panel") as chair:
        assert meetings.agenda(chair, w.meeting_id) == []
    # the refused elevation and what it read are logged again, marked as rolled back
    again = _rows_for(store, member.actor.user_id)
    assert [r.access for r in again] == ["elevate", "get"]
    assert all("rolled back" in (r.detail or "") for r in again)


def test_a_submission_is_routed_on_the_submitters_behalf(store: Store) -> None:
    ids = _partnership(store)
    with store.door.session("teacher", "safeguarding") as teacher:
        done = intel.submit(teacher, TAXI, now=T0)
    routed = route_on_behalf(store.door, teacher, done.saved.id, now=T0)
    assert {routed.agency_names[r.agency_id] for r in routed.routes} == {
        "Dunmere police",
        "Dunmere social care",
        "Dunmere licensing",
    }
    assert set(ids.values()) <= set(routed.agency_names)  # every agency, by name
    rows = _rows_for(store, teacher.actor.user_id)
    assert rows[0].access == "elevate" and done.saved.id in (rows[0].detail or "")
    routes = [r for r in rows if r.object_type == "intelligence_route"]
    assert routes and all(r.actor_name == SERVICE_ACCOUNT for r in routes)
