"""Elevation: the service account acts on a person's behalf only through Door.on_behalf, for
an action roles.yml allows after the person's, and every row it writes names the person; the
chain still verifies (old rows without the column included) and an edit of the column shows."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from joinedup.model.organisation import Agency
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.store import audit
from joinedup.store.actor_session import ActorSession, Forbidden
from joinedup.store.tables.audit import AuditEventRow
from tests.conftest import Store
from tests.store.chain import attack, verify

REASON = "route the concern the teacher submitted"


def _rows(store: Store, after: int = 0) -> list[AuditEventRow]:
    with store.engine.connect() as conn:
        found = conn.execute(
            select(AuditEventRow).where(AuditEventRow.seq > after).order_by(AuditEventRow.seq)
        )
        return list(found.all())  # type: ignore[arg-type]


def _person(
    store: Store, username: str = "teacher", role: str = "referrer", purpose: str = "safeguarding"
) -> ActorSession:
    """A finished session of a new user."""
    store.user(username, "School", role)
    with store.door.session(username, purpose) as person:
        pass
    return person


def test_a_person_may_have_the_service_account_take_an_elevated_action(store: Store) -> None:
    person = _person(store)
    before = _rows(store)[-1].seq
    with store.door.on_behalf(person, "intel.route", REASON) as service:
        assert service.actor.username == SERVICE_ACCOUNT
        assert service.on_behalf_of == person.actor
        names = {a.name for a in service.list(Agency)}
    assert "School" in names
    elevate, listed = _rows(store, before)
    assert (elevate.actor_name, elevate.access, elevate.object_type) == (
        SERVICE_ACCOUNT,
        "elevate",
        "user",
    )
    assert json.loads(elevate.object_ids) == [person.actor.user_id]
    assert json.loads(elevate.detail or "{}") == {
        "action": "intel.route",
        "reason": REASON,
        "person": "teacher",
        "person_role": "referrer",
    }
    assert (listed.actor_name, listed.operation, listed.access) == (
        SERVICE_ACCOUNT,
        "consultation",
        "list",
    )
    assert {elevate.on_behalf_of, listed.on_behalf_of} == {person.actor.user_id}
    result = verify(store)
    assert result.ok, result.problem


def test_an_auditor_sees_the_elevation_under_the_persons_id(store: Store) -> None:
    person = _person(store)
    with store.door.on_behalf(person, "intel.route", REASON):
        pass
    store.user("dpo", "Partnership", "auditor")
    with store.door.session("dpo", "audit") as s:
        events = s.audit_trail(person.actor.user_id)
    (event,) = [e for e in events if e.access == "elevate"]
    assert event.access == "elevate" and event.on_behalf_of == person.actor.user_id
    assert event.actor_name == SERVICE_ACCOUNT and event.detail is not None
    assert event.detail["person"] == "teacher"


def test_a_person_who_may_not_take_the_first_action_is_refused(store: Store) -> None:
    person = _person(store, "dpo", "auditor", "audit")
    before = _rows(store)[-1].seq
    with (
        pytest.raises(Forbidden, match=r"may not have the service account intel\.route"),
        store.door.on_behalf(person, "intel.route", REASON),
    ):
        pass
    assert _rows(store, before) == []


def test_an_action_that_is_not_an_elevation_is_refused(store: Store) -> None:
    person = _person(store)
    with (
        pytest.raises(Forbidden, match=r"intel\.escalate is not an action"),
        store.door.on_behalf(person, "intel.escalate", REASON),
    ):
        pass


def test_an_open_person_session_a_nested_elevation_and_no_reason_are_refused(
    store: Store,
) -> None:
    store.user("teacher", "School", "referrer")
    with store.door.session("teacher", "safeguarding") as person:  # noqa: SIM117
        with (
            pytest.raises(RuntimeError, match="finish the person's session"),
            store.door.on_behalf(person, "intel.route", REASON),
        ):
            pass
    with (
        pytest.raises(ValueError, match="needs a reason"),
        store.door.on_behalf(person, "intel.route", "  "),
    ):
        pass
    with store.door.on_behalf(person, "intel.route", REASON) as service:
        pass
    with (
        pytest.raises(Forbidden, match="may not have the service account"),
        store.door.on_behalf(service, "intel.route", REASON),
    ):
        pass


def test_a_rolled_back_elevation_is_logged_again_naming_the_person(store: Store) -> None:
    person = _person(store)
    before = _rows(store)[-1].seq
    with pytest.raises(LookupError), store.door.on_behalf(person, "intel.route", REASON):
        raise LookupError("routing failed")
    (again,) = _rows(store, before)
    assert again.access == "elevate" and again.on_behalf_of == person.actor.user_id
    assert json.loads(again.detail or "{}")["outcome"] == "rolled back"
    assert verify(store).ok


def test_an_edited_on_behalf_of_is_detected(store: Store) -> None:
    person = _person(store)
    with store.door.on_behalf(person, "intel.route", REASON):
        pass
    seq = _rows(store)[-1].seq
    attack(store, f"UPDATE audit_event SET on_behalf_of = 'someone-else' WHERE seq = {seq}")
    result = verify(store)
    assert not result.ok and result.first_bad_seq == seq


def test_rows_without_on_behalf_of_keep_the_mac_they_had() -> None:
    values: dict[str, object] = {f: f"value of {f}" for f in audit._FIELDS}
    old = audit.compute_mac(b"k" * 32, {**values, "detail": None})
    assert audit.compute_mac(b"k" * 32, {**values, "detail": None, "on_behalf_of": None}) == old
    with_detail = {**values, "detail": '{"rows":3}'}
    assert audit.compute_mac(b"k" * 32, {**with_detail, "on_behalf_of": None}) == (
        audit.compute_mac(b"k" * 32, with_detail)
    )
    assert audit.compute_mac(b"k" * 32, {**values, "detail": None, "on_behalf_of": "u1"}) != old
