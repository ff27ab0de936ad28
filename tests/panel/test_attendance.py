"""Attendance: the chair records who attended and who sent apologies; members only; frozen
once the meeting is closed; shown in the minutes."""

from __future__ import annotations

import pytest

from joinedup.common.errors import InputError
from joinedup.panel import meetings
from joinedup.panel.attendance import record_attendance
from joinedup.panel.meetings import MeetingStateError
from joinedup.panel.minutes import render_minutes
from joinedup.store.actor_session import Forbidden
from tests.conftest import Store
from tests.panel.world import MEETING_DAY, build


def test_the_chair_records_attendance_and_it_reaches_the_minutes(store: Store) -> None:
    w = build(store)
    with store.door.session("chair", "panel") as s:
        saved = record_attendance(s, w.meeting_id, {"chair": "attended", "sw": "apologies"})
        ids = {"chair": s.actor.user_id, "sw": s.colleague("sw").user_id}
    assert saved.attendance == {ids["chair"]: "attended", ids["sw"]: "apologies"}
    with store.door.session("sw", "panel") as s:  # a member reads it back
        text = render_minutes(s, w.meeting_id, today=MEETING_DAY)
    assert "- Attended: chair" in text and "- Sent apologies: sw" in text
    assert "Absent" not in text  # nobody recorded absent: the line is left out


def test_only_the_chair_records_and_only_members(store: Store) -> None:
    w = build(store)
    with store.door.session("sw", "panel") as s, pytest.raises(Forbidden):
        record_attendance(s, w.meeting_id, {"sw": "attended"})
    with store.door.session("chair", "panel") as s:
        with pytest.raises(InputError, match="does not sit on this panel"):
            record_attendance(s, w.meeting_id, {"outsider": "attended"})
        with pytest.raises(InputError, match="attendance is one of"):
            record_attendance(s, w.meeting_id, {"sw": "late"})
        meetings.open_meeting(s, w.meeting_id)
        meetings.close_meeting(s, w.meeting_id)
        with pytest.raises(MeetingStateError, match="closed"):
            record_attendance(s, w.meeting_id, {"sw": "attended"})
