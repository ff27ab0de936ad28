"""The actions tracker: my actions and my panels', overdue and escalated first; the owner
completes with a note; a chair reassigns (not due before the meeting)."""

from __future__ import annotations

from datetime import date, timedelta

from joinedup.panel import actions, meetings
from joinedup.settings import SERVICE_ACCOUNT
from tests.web.conftest import Web
from tests.web.panel_world import CHAIR, PanelWorld, build_panel

TODAY = date.today()


def _late_and_due(web: Web) -> tuple[PanelWorld, str, str]:
    """A meeting held 20 days ago: an action for the social worker 10 days late (escalated),
    one for the analyst due next week."""
    world = build_panel(web, TODAY - timedelta(days=20))
    with web.store.door.session(CHAIR, "panel") as s:
        meetings.open_meeting(s, world.meeting_id)
        late = actions.add_action(
            s,
            meeting_id=world.meeting_id,
            description="Return home interview for Aisha",
            owner_username="sw.one",
            due_on=TODAY - timedelta(days=10),
        ).saved
        due = actions.add_action(
            s,
            meeting_id=world.meeting_id,
            description="Map the vehicles seen at the school",
            owner_username="an.one",
            due_on=TODAY + timedelta(days=7),
        ).saved
    with web.store.door.session(SERVICE_ACCOUNT, "panel") as s:
        actions.chase(s, TODAY)
    return world, late.id, due.id


def test_the_owner_sees_escalation_and_completes_with_a_note(web: Web) -> None:
    _, late, due = _late_and_due(web)
    web.sign_in("sw.one")
    page = web.client.get("/actions").text
    mine = page.split("My actions</h2>")[1].split("</table>")[0]
    assert "Return home interview" in mine and "Escalated, level 1" in mine
    assert "1 action is late: 1 escalated" in page
    others = page.split("other actions</h2>")[1]
    assert "Map the vehicles" in others and "an.one" in others
    assert f"/actions/{due}/complete" not in page  # not hers, and she is no chair
    assert f"/actions/{late}/reassign" not in page
    token = web.csrf("/actions")
    blank = web.client.post(f"/actions/{late}/complete", data={"note": " ", "csrf_token": token})
    assert "Say what was done" in blank.text
    done = web.client.post(
        f"/actions/{late}/complete",
        data={"note": "Interview held on Monday", "csrf_token": token},
        follow_redirects=True,
    )
    assert "The action is done" in done.text
    assert "Done: Interview held on Monday" in done.text.split("Done lately</h2>")[1]


def test_the_chair_reassigns_but_never_before_the_meeting(web: Web) -> None:
    world, late, _ = _late_and_due(web)
    world.sign_in_chair()
    page = web.client.get("/actions").text
    assert f"/actions/{late}/reassign" in page and f"/actions/{late}/complete" in page
    token = web.csrf("/actions")
    before = web.client.post(
        f"/actions/{late}/reassign",
        data={
            "owner": "an.one",
            "due_on": (TODAY - timedelta(days=30)).isoformat(),
            "reason": "social worker on leave",
            "csrf_token": token,
        },
    )
    assert "in the past" in before.text or "before its meeting" in before.text
    moved = web.client.post(
        f"/actions/{late}/reassign",
        data={
            "owner": "an.one",
            "due_on": (TODAY + timedelta(days=3)).isoformat(),
            "reason": "social worker on leave",
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert "The action is reassigned" in moved.text
    assert "reassigned on" in moved.text and "from sw.one to an.one" in moved.text


def test_a_member_cannot_complete_another_members_action(web: Web) -> None:
    _, late, _ = _late_and_due(web)
    web.sign_in("an.one")
    token = web.csrf("/actions")
    refused = web.client.post(
        f"/actions/{late}/complete", data={"note": "done", "csrf_token": token}
    )
    assert refused.status_code == 404  # not hers: as if it did not exist
