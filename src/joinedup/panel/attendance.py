"""Who attended a panel meeting and who sent apologies: recorded by the chair while the
meeting is scheduled or held (not once closed), kept on the meeting by user id, and shown
in the minutes. Only members of the panel can be marked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import get_args

from joinedup.common.errors import InputError
from joinedup.model.panel import Attendance, PanelMeeting
from joinedup.panel.meetings import MeetingStateError, require_chair
from joinedup.store.actor_session import ActorSession

MARKS: tuple[str, ...] = get_args(Attendance)
LABELS = {"attended": "Attended", "apologies": "Sent apologies", "absent": "Absent"}


def record_attendance(
    session: ActorSession, meeting_id: str, marks: Mapping[str, str]
) -> PanelMeeting:
    """Record attendance as ``{username: "attended" | "apologies" | "absent"}`` (the chair;
    members not named are left unrecorded). Replaces what was recorded before."""
    meeting = require_chair(session, meeting_id, "panel.record_attendance")
    if meeting.status == "closed":
        raise MeetingStateError(
            f"the meeting of {meeting.held_on} is closed: its attendance can no longer change"
        )
    members = {m.username: m.user_id for m in session.panel_members(meeting.panel_id)}
    recorded: dict[str, str] = {}
    for username, mark in marks.items():
        if not mark:
            continue
        if mark not in MARKS:
            raise InputError(f"attendance is one of {', '.join(MARKS)}, not {mark!r}")
        if username not in members:
            raise InputError(f"{username} does not sit on this panel")
        recorded[members[username]] = mark
    return session.update(PanelMeeting, meeting_id, attendance=recorded)


def by_mark(meeting: PanelMeeting, names: Mapping[str, str]) -> dict[str, list[str]]:
    """The names of those recorded under each mark (``names``: user id to name), sorted."""
    out: dict[str, list[str]] = {mark: [] for mark in MARKS}
    for user_id, mark in meeting.attendance.items():
        out[mark].append(names.get(user_id, "a former member"))
    return {mark: sorted(found) for mark, found in out.items()}
