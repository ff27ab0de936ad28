"""Panel actions: the chair records them for members of any agency, owners complete them with a
note, the chase marks late ones overdue and escalates them, and nobody off the panel sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from joinedup.access import directory
from joinedup.model.panel import Action, Decision, PanelMeeting
from joinedup.panel import actions
from joinedup.panel.config import ActionPolicy, action_policy
from joinedup.panel.meetings import open_meeting
from joinedup.safeguarding import flags
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.store.actor_session import Forbidden, NotFound
from joinedup.store.staff import UnknownColleague
from tests.conftest import Store

HELD = date(2024, 3, 5)
DUE = date(2024, 3, 19)
BLAMING = "Spoke to her at school; she keeps putting herself at risk."
CLEAN = "Strategy meeting held with police and school; safety plan agreed with Amy's carer."


@dataclass
class Panel:
    panel_id: str
    meeting_id: str
    host: str  # the panel's host agency (police)
    social_care: str
    users: dict[str, str]


def make_panel(store: Store) -> Panel:
    """A police-hosted panel: chair (police), sw and sw2 (social care) and an analyst
    (education) sit on it; ``outsider`` (social care) does not."""
    host = store.agency("Dunmere police", "police")
    social_care = store.agency("Dunmere social care", "social_care")
    store.agency("Dunmere education", "education")
    users = {
        "chair": store.user("chair", "Dunmere police", "panel_chair"),
        "sw": store.user("sw", "Dunmere social care", "social_worker"),
        "sw2": store.user("sw2", "Dunmere social care", "social_worker"),
        "analyst": store.user("analyst", "Dunmere education", "analyst"),
        "outsider": store.user("outsider", "Dunmere social care", "social_worker"),
    }
    with store.door.session("admin", "administration") as s:
        panel = directory.add_panel(s, "Dunmere MASE", "Dunmere police")
        for name in ("chair", "sw", "sw2", "analyst"):
            directory.add_panel_member(s, "Dunmere MASE", name)
    with store.door.session("chair", "panel") as s:
        meeting = s.add(PanelMeeting(panel_id=panel.id, agency_id=panel.agency_id, held_on=HELD))
    return Panel(panel.id, meeting.id, host, social_care, users)


def add(store: Store, p: Panel, owner: str = "sw", due: date = DUE, text: str = CLEAN) -> Action:
    with store.door.session("chair", "panel") as s:
        added = actions.add_action(
            s, meeting_id=p.meeting_id, description=text, owner_username=owner, due_on=due
        )
    return added.saved


def get(store: Store, action_id: str) -> Action:
    with store.door.session("chair", "panel") as s:
        return s.get(Action, action_id)


def test_the_chair_records_an_action_for_a_member_of_another_agency(store: Store) -> None:
    p = make_panel(store)
    with store.door.session("chair", "panel") as s:
        added = actions.add_action(
            s, meeting_id=p.meeting_id, description=CLEAN, owner_username="sw", due_on=DUE
        )
    a = added.saved
    assert added.language == []
    assert (a.panel_id, a.meeting_id, a.agency_id) == (p.panel_id, p.meeting_id, p.host)
    assert (a.owner_user_id, a.owner_agency_id) == (p.users["sw"], p.social_care)
    assert (a.status, a.escalation_level, a.due_on) == ("open", 0, DUE)
    with store.door.session("sw", "panel") as s:
        mine = actions.list_actions(s, owner_user_id=p.users["sw"])
    assert [m.id for m in mine] == [a.id] and mine[0].description == CLEAN


def test_an_owner_off_the_panel_and_bad_dates_are_refused(store: Store) -> None:
    p = make_panel(store)
    with store.door.session("chair", "panel") as s:

        def attempt(**kw: Any) -> None:
            args: dict[str, Any] = {
                "meeting_id": p.meeting_id,
                "description": CLEAN,
                "owner_username": "sw",
                "due_on": DUE,
                **kw,
            }
            actions.add_action(s, **args)

        with pytest.raises(ValueError, match="outsider does not sit on panel 'Dunmere MASE'"):
            attempt(owner_username="outsider")
        with pytest.raises(UnknownColleague):
            attempt(owner_username="nobody")
        with pytest.raises(ValueError, match="before the meeting"):
            attempt(due_on=HELD - timedelta(days=1))
        with pytest.raises(ValueError, match="more than a year after"):
            attempt(due_on=date(2025, 3, 6))
        with pytest.raises(ValueError, match="description is required"):
            attempt(description="   ")
        with pytest.raises(ValueError, match="at most 5000"):
            attempt(description="x" * 5001)
        with pytest.raises(NotFound):
            attempt(meeting_id="no-such-meeting")
        other = s.add(PanelMeeting(panel_id=p.panel_id, agency_id=p.host, held_on=DUE))
        s.entered("x", where="panel decision", subject_type="decision", subject_id="-")
        elsewhere = s.add(
            Decision(panel_id=p.panel_id, meeting_id=other.id, agency_id=p.host, text="x")
        )
        with pytest.raises(ValueError, match="was not made at meeting"):
            attempt(decision_id=elsewhere.id)
        attempt(due_on=date(2025, 3, 5))  # exactly a year after the meeting is allowed
        assert len(actions.list_actions(s, meeting_id=p.meeting_id)) == 1
    with store.door.session("sw", "panel") as s, pytest.raises(Forbidden, match="panel chair"):
        actions.add_action(
            s, meeting_id=p.meeting_id, description=CLEAN, owner_username="sw", due_on=DUE
        )


def test_the_owner_completes_it_and_nobody_else_but_a_chair_may(store: Store) -> None:
    p = make_panel(store)
    a = add(store, p)
    b = add(store, p, owner="sw2")
    with store.door.session("analyst", "panel") as s, pytest.raises(Forbidden, match="owner"):
        actions.complete(s, a.id, "done it")
    with store.door.session("outsider", "panel") as s, pytest.raises(NotFound):
        actions.complete(s, a.id, "done it")
    at = datetime(2024, 3, 12, 10, 0, tzinfo=UTC)
    with store.door.session("sw", "panel") as s:
        with pytest.raises(ValueError, match="completion note"):
            actions.complete(s, a.id, "  ")
        done = actions.complete(s, a.id, CLEAN, now=at)
        assert done.language == []
        with pytest.raises(ValueError, match="already done"):
            actions.complete(s, a.id, "again")
    stored = get(store, a.id)
    assert (stored.status, stored.completed_at, stored.completion_note) == ("done", at, CLEAN)
    with store.door.session("chair", "panel") as s:
        assert actions.complete(s, b.id, "Confirmed at panel.").saved.status == "done"


def test_language_in_a_completion_note_is_warned_and_held(store: Store) -> None:
    p = make_panel(store)
    a = add(store, p)
    with store.door.session("sw", "panel") as s:
        done = actions.complete(s, a.id, BLAMING)
        held = [f for f in flags.list_flags(s) if f.rule_id.startswith("language.")]
    (found,) = done.language
    assert found.where == actions.WHERE_COMPLETION and found.held
    assert found.finding.phrase == "putting herself at risk"
    assert done.saved.completion_note == BLAMING  # saved as written
    (flag,) = held
    assert (flag.subject_type, flag.subject_id) == ("action", a.id)
    assert flag.agency_id == p.social_care and flag.evidence["author"] == "sw"
    assert "school" not in str(flag.evidence)


def test_chase_over_a_timeline(store: Store) -> None:
    p = make_panel(store)
    late = add(store, p)
    done = add(store, p, due=DUE - timedelta(days=7))
    later = add(store, p, owner="sw2", due=DUE + timedelta(days=30))
    with store.door.session("sw", "panel") as s:
        actions.complete(s, done.id, "Referral made.")

    def chase(day: date, by: str = SERVICE_ACCOUNT) -> dict[str, Any]:
        with store.door.session(by, "panel") as s:
            return actions.chase(s, day).to_dict()

    assert chase(DUE)["changed"] == 0  # due today is not late
    first = chase(DUE + timedelta(days=1))
    assert first["moved"] == {"overdue": [late.id], "escalated": [], "raised": []}
    assert first["checked"] == 2 and chase(DUE + timedelta(days=1))["changed"] == 0
    assert chase(DUE + timedelta(days=7), by="chair")["changed"] == 0
    assert (get(store, late.id).status, get(store, late.id).escalation_level) == ("overdue", 0)
    eighth = chase(DUE + timedelta(days=8))
    assert eighth["counts"] == {"overdue": 0, "escalated": 1, "raised": 0}
    first_escalated = get(store, late.id)
    assert (first_escalated.status, first_escalated.escalation_level) == ("escalated", 1)
    assert first_escalated.escalated_at is not None
    assert chase(DUE + timedelta(days=8))["changed"] == 0
    assert chase(DUE + timedelta(days=15))["moved"]["raised"] == [late.id]
    assert get(store, late.id).escalation_level == 2
    assert chase(DUE + timedelta(days=22))["changed"] == 1
    assert chase(DUE + timedelta(days=29))["changed"] == 0  # capped at the maximum
    assert chase(DUE + timedelta(days=60))["moved"]["escalated"] == [later.id]
    final = get(store, late.id)
    assert (final.status, final.escalation_level) == ("escalated", 3)
    assert final.escalated_at == first_escalated.escalated_at
    assert get(store, later.id).status == "escalated"  # first chased 30 days late: level 3
    untouched = get(store, done.id)
    assert (untouched.status, untouched.escalation_level) == ("done", 0)


def test_a_late_first_chase_escalates_directly_and_levels_follow_the_policy(store: Store) -> None:
    p = make_panel(store)
    a = add(store, p)
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        report = actions.chase(s, DUE + timedelta(days=16))
    assert report.escalated == [a.id] and report.overdue == []
    assert get(store, a.id).escalation_level == 2
    rules = ActionPolicy(
        version="t", escalate_after_days=3, escalate_every_days=2, max_escalation_level=3
    )
    levels = [actions.escalation_level(d, rules) for d in range(1, 10)]
    assert levels == [0, 0, 0, 1, 2, 2, 3, 3, 3]
    packaged = action_policy()  # 7 days, then every 7, at most level 3
    days = (7, 8, 13, 14, 20, 21, 99)
    assert [actions.escalation_level(d, packaged) for d in days] == [0, 1, 1, 2, 2, 3, 3]


def test_who_may_chase(store: Store) -> None:
    p = make_panel(store)
    add(store, p)
    with store.door.session("sw", "panel") as s, pytest.raises(Forbidden):
        actions.chase(s, DUE + timedelta(days=1))
    with store.door.session("chair", "panel") as s:
        assert actions.chase(s, DUE + timedelta(days=1)).overdue


def test_a_user_off_the_panel_sees_no_action(store: Store) -> None:
    p = make_panel(store)
    a = add(store, p)
    with store.door.session("outsider", "panel") as s:
        assert actions.list_actions(s) == []
        assert actions.actions_needing_attention(s, p.panel_id) == []
        with pytest.raises(NotFound):
            s.get(Action, a.id)
    with store.door.session("analyst", "panel") as s:  # another agency, on the panel
        assert [x.id for x in actions.list_actions(s, panel_id=p.panel_id)] == [a.id]


def test_reassigning(store: Store) -> None:
    p = make_panel(store)
    a = add(store, p)
    b = add(store, p, owner="sw2")
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        actions.chase(s, DUE + timedelta(days=2))  # a and b overdue
    today = DUE + timedelta(days=2)
    with store.door.session("chair", "panel") as s:
        with pytest.raises(ValueError, match="does not sit"):
            actions.reassign(s, a.id, "outsider", today, "cover", today=today)
        with pytest.raises(ValueError, match="in the past"):
            actions.reassign(s, a.id, "sw2", DUE, "cover", today=today)
        with pytest.raises(ValueError, match="reason"):
            actions.reassign(s, a.id, "sw2", today, " ", today=today)
        moved = actions.reassign(
            s, a.id, "sw2", DUE + timedelta(days=9), "sw on leave", today=today
        )
    r = moved.saved
    assert (r.status, r.owner_user_id, r.owner_agency_id) == ("open", p.users["sw2"], p.social_care)
    assert r.due_on == DUE + timedelta(days=9) and moved.language == []
    assert r.description == f"{CLEAN}\n[reassigned on {today} from sw to sw2: sw on leave]"
    with store.door.session("sw", "panel") as s, pytest.raises(Forbidden):
        actions.reassign(s, b.id, "sw", today, "swap", today=today)
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        actions.chase(s, DUE + timedelta(days=20))  # b escalated (level 2); a overdue only
    with store.door.session("chair", "panel") as s:
        kept = actions.reassign(s, b.id, "sw", DUE + timedelta(days=40), "new lead", today=today)
        assert (kept.saved.status, kept.saved.escalation_level) == ("escalated", 2)
        actions.complete(s, a.id, "Done at panel.")
        with pytest.raises(ValueError, match="is done"):
            actions.reassign(s, a.id, "sw", DUE + timedelta(days=40), "again", today=today)
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:  # a new due date lowers no level
        assert actions.chase(s, DUE + timedelta(days=41)).changed == 0
        assert actions.chase(s, DUE + timedelta(days=48)).changed == 0
    assert get(store, b.id).escalation_level == 2


def test_listing_orders_by_due_date_and_attention_by_level(store: Store) -> None:
    p = make_panel(store)
    a = add(store, p, due=DUE + timedelta(days=10))
    b = add(store, p, due=DUE)
    c = add(store, p, owner="sw2", due=DUE + timedelta(days=5))
    d = add(store, p, owner="sw2", due=DUE + timedelta(days=50))
    with store.door.session("sw2", "panel") as s:
        actions.complete(s, c.id, "Visit made.")
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        actions.chase(s, DUE + timedelta(days=12))  # b escalated (1), a overdue
    with store.door.session("chair", "panel") as s:
        assert [x.id for x in actions.list_actions(s)] == [b.id, c.id, a.id, d.id]
        assert [x.id for x in actions.list_actions(s, open_only=True)] == [b.id, a.id, d.id]
        assert [x.id for x in actions.list_actions(s, status="done")] == [c.id]
        assert actions.list_actions(s, status="done", open_only=True) == []
        assert [x.id for x in actions.list_actions(s, limit=2)] == [b.id, c.id]
        attention = actions.actions_needing_attention(s, p.panel_id)
        assert [(x.id, x.status) for x in attention] == [(b.id, "escalated"), (a.id, "overdue")]
        with pytest.raises(ValueError, match="unknown action status"):
            actions.list_actions(s, status="closed")


def test_each_step_is_in_the_audit_trail(store: Store) -> None:
    p = make_panel(store)
    a = add(store, p)
    with store.door.session("sw", "panel") as s:
        actions.complete(s, a.id, "Referral made.")
    store.user("dpo", "Dunmere police", "auditor")
    with store.door.session("dpo", "audit") as s:
        trail = s.audit_trail(a.id)
    steps = [(e.actor_name, e.operation) for e in trail]
    assert ("chair", "collection") in steps
    assert ("sw", "consultation") in steps and ("sw", "alteration") in steps


def test_an_action_is_never_due_before_its_meeting_even_when_reassigned(store: Store) -> None:
    """The rules agree (issue 17): a meeting a week ahead cannot be opened yet, and its
    actions, recorded ahead or reassigned, are never due before its day."""
    p = make_panel(store)
    ahead = HELD + timedelta(days=7)
    with store.door.session("chair", "panel") as s:
        later = s.add(PanelMeeting(panel_id=p.panel_id, agency_id=p.host, held_on=ahead))
        with pytest.raises(ValueError, match="cannot be opened before its date"):
            open_meeting(s, later.id, today=HELD)
        with pytest.raises(ValueError, match="cannot be due before its meeting"):
            actions.add_action(
                s, meeting_id=later.id, description=CLEAN, owner_username="sw", due_on=HELD
            )
        a = actions.add_action(
            s, meeting_id=later.id, description=CLEAN, owner_username="sw", due_on=ahead
        ).saved
        with pytest.raises(ValueError, match="cannot be due before its meeting"):
            actions.reassign(s, a.id, "sw2", ahead - timedelta(days=1), "cover", today=HELD)
        moved = actions.reassign(s, a.id, "sw2", ahead, "cover", today=HELD)
    assert moved.saved.due_on == ahead
