"""Meetings: scheduling by members, decisions against items (language-checked), closing
freezes the meeting, minutes gather what was recorded."""

from __future__ import annotations

import pytest

from joinedup.model.panel import Decision
from joinedup.model.safeguarding import Flag
from joinedup.panel import meetings
from joinedup.panel.meetings import MeetingStateError
from joinedup.store.actor_session import Forbidden, NotFound
from tests.conftest import Store
from tests.panel.world import MEETING_DAY, PANEL, build


def test_only_members_schedule_and_one_meeting_a_day(store: Store) -> None:
    w = build(store)
    with store.door.session("chair", "panel") as s, pytest.raises(MeetingStateError):
        meetings.schedule(s, PANEL, MEETING_DAY)
    with store.door.session("outsider", "panel") as s, pytest.raises(NotFound):
        meetings.schedule(s, PANEL, MEETING_DAY.replace(day=11))
    with store.door.session("chair", "panel") as s:
        later = meetings.schedule(s, w.panel_id, MEETING_DAY.replace(day=11), chair="sw")
        assert later.chair_id == s.colleague("sw").user_id
        listed = meetings.list_meetings(s, panel_id=w.panel_id)
    assert [m.held_on.day for m in listed] == [11, 4]


def test_decisions_are_recorded_checked_and_frozen_on_close(store: Store) -> None:
    w = build(store)
    with store.door.session("sw", "panel") as s, pytest.raises(Forbidden):
        meetings.open_meeting(s, w.meeting_id)  # a member, not the chair
    with store.door.session("chair", "panel") as s:
        item = meetings.add_item(s, w.meeting_id, "Children seen at the Station Hotel").saved
        with pytest.raises(MeetingStateError):  # not opened yet
            meetings.decide(s, w.meeting_id, "Disruption plan for the hotel", item_id=item.id)
        meetings.open_meeting(s, w.meeting_id)
        plain = meetings.decide(s, w.meeting_id, "Disruption plan for the hotel", item_id=item.id)
        blaming = meetings.decide(s, w.meeting_id, "She is putting herself at risk; no action")
        with pytest.raises(ValueError):
            meetings.decide(s, w.meeting_id, "   ")
    assert plain.language == []
    assert [f.finding.entry_id for f in blaming.language] == ["putting-self-at-risk"]
    with store.door.session("chair", "panel") as s:
        held = [f for f in s.list(Flag) if f.rule_id.startswith("language.")]
        assert [f.subject_id for f in held] == [blaming.saved.id]
        meetings.close_meeting(s, w.meeting_id)
        with pytest.raises(MeetingStateError):
            meetings.decide(s, w.meeting_id, "Too late")
        with pytest.raises(MeetingStateError):
            meetings.add_item(s, w.meeting_id, "Too late")
        record = meetings.minutes(s, w.meeting_id)
    assert record.meeting.status == "closed" and record.meeting.closed_at is not None
    assert [d.text for d in record.decisions_for(item.id)] == ["Disruption plan for the hotel"]
    assert [d.text for d in record.decisions_for(None)] == [
        "She is putting herself at risk; no action"
    ]  # saved as typed: the check warns, never refuses
    with store.door.session("sw", "panel") as s:  # another member reads the decisions
        assert len(s.list(Decision, where={"meeting_id": w.meeting_id})) == 2
    with store.door.session("outsider", "panel") as s:
        assert s.list(Decision) == []


def test_a_meeting_is_not_opened_before_its_day(store: Store) -> None:
    w = build(store)
    day_before = MEETING_DAY.replace(day=MEETING_DAY.day - 1)
    with store.door.session("chair", "panel") as s:
        with pytest.raises(MeetingStateError, match="not before"):
            meetings.open_meeting(s, w.meeting_id, today=day_before)
        assert meetings.open_meeting(s, w.meeting_id, today=MEETING_DAY).status == "held"
