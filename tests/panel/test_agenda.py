"""Agenda generation: sections, priority and limits, cases filed for panel members, briefings
without case-note text, disclosure logged, re-generation without duplicates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from joinedup.model.panel import AgendaItem
from joinedup.model.safeguarding import Flag, RiskAssessment, SafeguardingCase
from joinedup.panel import meetings
from joinedup.panel.agenda import AgendaClosed, generate_agenda
from joinedup.panel.config import AgendaConfig, AgendaSection, agenda_config
from joinedup.safeguarding.flags import Raised, sync
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.store.actor_session import NotFound
from tests.conftest import Store
from tests.panel.world import build

NOW = datetime(2013, 3, 1, 9, tzinfo=UTC)


def _items(store: Store, meeting_id: str) -> list[AgendaItem]:
    with store.door.session("chair", "panel") as s:
        return meetings.agenda(s, meeting_id)


def test_the_agenda_lists_each_subject_once_in_section_order(store: Store) -> None:
    w = build(store)
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        report = generate_agenda(s, w.meeting_id, now=NOW)
    items = _items(store, w.meeting_id)
    listed = [(i.section, i.subject_id) for i in items]
    assert listed == [
        ("children_high_risk", "amy"),  # Category 3 suggested, two agencies
        ("children_high_risk", "eve"),  # Category 3 recorded, no flags
        ("adults_and_vehicles", "adult"),
        ("children_multi_agency", "bea"),  # Category 2 suggested outranks cat
        ("children_multi_agency", "cat"),
    ]  # dan (one agency) and the language flag's note are not on it
    assert [i.position for i in items] == [1, 2, 3, 4, 5]
    assert report.created == 5 and report.cases_opened == 4
    assert report.sections["children_high_risk"] == {"listed": 2, "not_listed": 0}
    assert report.sections["threshold_gap"] == {"listed": 0, "not_listed": 0}
    amy = items[0]
    assert amy.title.startswith("Amy Hart (born 2000-01-02): Category 3")
    assert amy.briefing["category_basis"] == "pre-fill"
    assert amy.briefing["agency_keys"] == {"police": ["INC1"], "social_care": ["SC1"]}
    assert [f["rule"] for f in amy.briefing["flags"]] == ["threshold-gap"]
    assert items[1].briefing["category_basis"] == "assessment"
    assert items[2].briefing["children"] == ["amy", "bea"]
    assert items[2].case_id is None  # adults get no child's case


def test_panel_members_may_read_the_childs_flags_others_may_not(store: Store) -> None:
    w = build(store)
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        generate_agenda(s, w.meeting_id, now=NOW)
        amy_flag = s.list(Flag, where={"subject_id": "amy"})[0]
        eve = s.list(RiskAssessment, where={"child_person_id": "eve"})[0]
        cases = {c.child_person_id: c for c in s.list(SafeguardingCase)}
    assert set(cases) == {"amy", "bea", "cat", "eve"}
    assert amy_flag.case_id == cases["amy"].id and eve.case_id == cases["eve"].id
    with store.door.session("chair", "panel") as s:  # police chair, social care's flag
        assert s.get(Flag, amy_flag.id).rule_id == "threshold-gap"
        assert s.get(RiskAssessment, eve.id).category == "category_3"
    with store.door.session("outsider", "analysis") as s:  # police analyst, not on the panel
        with pytest.raises(NotFound):
            s.get(Flag, amy_flag.id)
        assert s.list(AgendaItem) == []


def test_regeneration_updates_withdraws_and_never_duplicates(store: Store) -> None:
    w = build(store)
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        generate_agenda(s, w.meeting_id, now=NOW)
    with store.door.session("chair", "panel") as s:
        meetings.add_item(s, w.meeting_id, "Hotel licensing: the Station Hotel")
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        cat = s.list(Flag, where={"subject_id": "cat"})[0]
        s.update(Flag, cat.id, status="resolved", resolution="plan in place")
        again = generate_agenda(s, w.meeting_id, now=NOW)
    assert (again.created, again.updated, again.withdrawn) == (0, 4, 1)
    items = _items(store, w.meeting_id)
    assert len(items) == 6
    assert [i.position for i in items] == [1, 2, 3, 4, 5, 6]
    assert items[4].origin == "added"  # people's items after the generated ones
    assert items[5].subject_id == "cat" and items[5].briefing["withdrawn"]  # withdrawn last


def test_section_limits_count_what_was_left_off(store: Store) -> None:
    w = build(store)
    base = agenda_config()
    tight = AgendaConfig(
        version="test",
        sections=(AgendaSection(id="all", title="All children", source="children", limit=2),),
    )
    assert base.sections  # the packaged document loads
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        report = generate_agenda(s, w.meeting_id, config=tight, now=NOW)
    assert report.sections == {"all": {"listed": 2, "not_listed": 3}}
    assert [i.subject_id for i in _items(store, w.meeting_id)] == ["amy", "eve"]


def test_disclosure_to_the_panel_is_logged(store: Store) -> None:
    w = build(store)
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        generate_agenda(s, w.meeting_id, now=NOW)
        amy_flag = s.list(Flag, where={"subject_id": "amy"})[0]
    with store.door.session("admin", "administration"):
        pass
    store.user("dpo", "Dunmere police", "auditor")
    with store.door.session("dpo", "audit") as s:
        trail = s.audit_trail(amy_flag.id)
        record_trail = s.audit_trail(w.records["amy"])
    disclosed = [e for e in trail if e.operation == "disclosure"]
    assert disclosed and disclosed[0].recipient == f"panel {w.panel_id}"
    assert any(e.operation == "disclosure" for e in record_trail)


def test_an_opened_meeting_keeps_its_agenda(store: Store) -> None:
    w = build(store)
    with store.door.session("chair", "panel") as s:
        meetings.open_meeting(s, w.meeting_id)
    with store.door.session(SERVICE_ACCOUNT, "panel") as s, pytest.raises(AgendaClosed):
        generate_agenda(s, w.meeting_id, now=NOW)


def test_new_flags_about_a_child_on_an_agenda_are_filed_under_the_case(store: Store) -> None:
    w = build(store)
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        generate_agenda(s, w.meeting_id, now=NOW)
    later = Raised(
        "missing-no-return-interview",
        "child",
        "amy",
        ("amy", "episode-2"),
        w.agencies["police"],
        {"rule": "missing-no-return-interview", "severity": "medium", "by_agency": {}},
    )
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        sync(s, [later])
        (case,) = s.list(SafeguardingCase, where={"child_person_id": "amy"})
        (flag,) = s.list(Flag, where={"rule_id": "missing-no-return-interview"})
    assert flag.case_id == case.id
    with store.door.session("sw", "panel") as s:  # social care member reads police's flag
        assert s.get(Flag, flag.id).subject_id == "amy"
