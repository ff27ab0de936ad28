"""The authorisation matrix: every role x scope x operation gives the expected allow/deny.

The expectations are written out here by hand (not derived from the policy file), so a change
to the policy that widens or narrows access fails this test until it is reviewed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from joinedup.access import directory
from joinedup.model.base import utcnow
from joinedup.model.panel import AgendaItem, PanelMeeting
from joinedup.model.safeguarding import Flag, SafeguardingCase
from joinedup.store.actor_session import Forbidden, NotFound
from tests.conftest import PURPOSE, Store

SCOPES = ("own_agency", "other_agency", "live_grant", "expired_grant", "panel_member")
OPERATIONS = ("get", "list", "search", "export", "add", "update")
ROLES = ("analyst", "social_worker", "panel_chair", "referrer", "auditor", "admin", "pipeline")

ALL = set(SCOPES)
READ_VIA = {"own_agency", "live_grant", "panel_member"}
NONE: set[str] = set()
EXPECTED: dict[str, dict[str, set[str]]] = {
    "analyst": {
        "get": READ_VIA,
        "list": READ_VIA,
        "search": READ_VIA,
        "export": {"own_agency", "live_grant"},
        "add": {"own_agency"},
        "update": {"own_agency"},
    },
    "social_worker": {
        "get": READ_VIA,
        "list": READ_VIA,
        "search": READ_VIA,
        "export": {"own_agency"},
        "add": {"own_agency"},
        "update": {"own_agency"},
    },
    "panel_chair": {
        "get": READ_VIA,
        "list": READ_VIA,
        "search": READ_VIA,
        "export": {"own_agency"},
        "add": {"own_agency"},
        "update": {"own_agency"},
    },
    # a referrer reads only what they submitted themselves (tested separately)
    "referrer": {
        "get": NONE,
        "list": NONE,
        "search": NONE,
        "export": NONE,
        "add": {"own_agency"},
        "update": NONE,
    },
    "auditor": {op: NONE for op in OPERATIONS},
    "admin": {op: NONE for op in OPERATIONS},  # no implicit read of case data
    # the service account discloses only agenda briefings to panels: no export to a person
    "pipeline": {"get": ALL, "list": ALL, "search": ALL, "export": NONE, "add": ALL, "update": ALL},
}
AGENCY_OF_SCOPE = {
    "own_agency": "Own",
    "other_agency": "Other",
    "live_grant": "Granted",
    "expired_grant": "Expired",
    "panel_member": "Paneled",
}


def _world(store: Store) -> tuple[dict[str, Flag], dict[str, str]]:
    """One flag per scope, a case on a panel agenda, and a user per role in agency Own."""
    for name in AGENCY_OF_SCOPE.values():
        store.agency(name)
    # the service role is the service account's alone (only init creates it)
    users = {
        role: "joinedup-service" if role == "pipeline" else f"u-{role.replace('_', '-')}"
        for role in ROLES
    }
    people = {role: name for role, name in users.items() if role != "pipeline"}
    for role, username in people.items():
        store.user(username, "Own", role)
    flags: dict[str, Flag] = {}
    with store.door.session("joinedup-service", "data_ingest") as s:
        for scope, agency in AGENCY_OF_SCOPE.items():
            case = s.add(
                SafeguardingCase(agency_id=store.agencies[agency], child_person_id=f"child-{scope}")
            )
            flags[scope] = s.add(
                Flag(
                    agency_id=store.agencies[agency],
                    case_id=case.id,
                    rule_id=f"rule-{scope}",
                    subject_type="person",
                    subject_id=f"child-{scope}",
                )
            )
    for role, username in people.items():
        store.grant(username, "Granted", PURPOSE[role])
        grant = store.grant(username, "Expired", PURPOSE[role])
        with store.door.session("admin", "administration") as s:
            s.update(type(grant), grant.id, expires_at=utcnow() - timedelta(days=1))
    with store.door.session("admin", "administration") as s:
        panel = directory.add_panel(s, "MASE", "Paneled")
        for username in people.values():
            directory.add_panel_member(s, "MASE", username)
    store.user("chair", "Paneled", "panel_chair")
    with store.door.session("chair", "panel") as s:
        paneled = store.agencies["Paneled"]
        meeting = s.add(PanelMeeting(agency_id=paneled, panel_id=panel.id, held_on=utcnow().date()))
        s.entered("Child at risk", where="agenda item", subject_type="agenda_item", subject_id="-")
        s.add(
            AgendaItem(
                agency_id=paneled,
                panel_id=panel.id,
                meeting_id=meeting.id,
                case_id=flags["panel_member"].case_id,
                title="Child at risk",
            )
        )
    return flags, users


def _allowed(store: Store, username: str, purpose: str, op: str, scope: str, target: Flag) -> bool:
    door = store.door
    try:
        with door.session(username, purpose) as s:
            if op == "get":
                s.get(Flag, target.id)
                return True
            if op == "list":
                return target.id in {f.id for f in s.list(Flag)}
            if op == "search":
                return target.id in {f.id for f in s.search(Flag, target.rule_id)}
            if op == "export":
                return target.id in {f.id for f in s.export(Flag, recipient="Host authority")}
            if op == "add":
                s.add(
                    Flag(
                        agency_id=target.agency_id,
                        case_id=target.case_id,
                        rule_id="new",
                        subject_type="person",
                        subject_id="x",
                    )
                )
                return True
            if op == "update":
                s.update(Flag, target.id, status="acknowledged")
                return True
    except (NotFound, Forbidden):
        return False
    raise AssertionError(op)


def test_authorisation_matrix(store: Store) -> None:
    flags, users = _world(store)
    actual = {
        role: {
            op: {
                scope
                for scope in SCOPES
                if _allowed(store, users[role], PURPOSE[role], op, scope, flags[scope])
            }
            for op in OPERATIONS
        }
        for role in ROLES
    }
    assert actual == EXPECTED


def test_referrer_sees_own_submissions_only(store: Store) -> None:
    own = store.agency("School")
    store.user("teacher-a", "School", "referrer")
    store.user("teacher-b", "School", "referrer")
    with store.door.session("teacher-a", "safeguarding") as s:
        mine = s.add(Flag(agency_id=own, rule_id="concern", subject_type="person", subject_id="c1"))
    with store.door.session("teacher-b", "safeguarding") as s:
        theirs = s.add(
            Flag(agency_id=own, rule_id="concern", subject_type="person", subject_id="c2")
        )
    with store.door.session("teacher-a", "safeguarding") as s:
        assert [f.id for f in s.list(Flag)] == [mine.id]
        with pytest.raises(NotFound):
            s.get(Flag, theirs.id)


def test_revoked_grant_stops_access_at_once(store: Store) -> None:
    other = store.agency("Other")
    store.user("ana", "Own", "analyst")
    with store.door.session("joinedup-service", "data_ingest") as s:
        flag = s.add(Flag(agency_id=other, rule_id="r", subject_type="person", subject_id="p"))
    grant = store.grant("ana", "Other", "analysis")
    with store.door.session("ana", "analysis") as s:
        assert s.get(Flag, flag.id).id == flag.id
    with store.door.session("admin", "administration") as s:
        directory.revoke_grant(s, grant.id)
    with store.door.session("ana", "analysis") as s, pytest.raises(NotFound):
        s.get(Flag, flag.id)


def test_case_grant_reaches_that_case_only(store: Store) -> None:
    other = store.agency("Other")
    store.user("ana", "Own", "analyst")
    with store.door.session("joinedup-service", "data_ingest") as s:
        case_a = s.add(SafeguardingCase(agency_id=other, child_person_id="a"))
        case_b = s.add(SafeguardingCase(agency_id=other, child_person_id="b"))
    store.grant("ana", "Other", "safeguarding", case_id=case_a.id)
    with store.door.session("ana", "safeguarding") as s:
        assert {c.id for c in s.list(SafeguardingCase)} == {case_a.id}
        with pytest.raises(NotFound):
            s.get(SafeguardingCase, case_b.id)
