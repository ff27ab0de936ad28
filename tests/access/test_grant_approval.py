"""Grants: for one purpose, requested by an administrator, approved by the owning agency
(issue 13 point 12); the service role is the service account's alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from joinedup.access import directory
from joinedup.common.errors import InputError
from joinedup.model.access import Grant
from joinedup.model.base import utcnow
from joinedup.model.safeguarding import Flag
from joinedup.store.actor_session import Forbidden, NotFound
from joinedup.store.door import UnknownActor
from joinedup.store.tables.admin import UserRow
from tests.conftest import Store


def _other_agency_flag(store: Store) -> str:
    store.agency("Own")
    other = store.agency("Other")
    store.user("ana", "Own", "analyst")
    with store.door.session("joinedup-service", "data_ingest") as s:
        return s.add(Flag(agency_id=other, rule_id="r", subject_type="person", subject_id="p")).id


def _request(store: Store, purpose: str = "panel") -> Grant:
    with store.door.session("admin", "administration") as s:
        return directory.add_grant(
            s, "ana", "Other", purpose, "strategy discussion", utcnow() + timedelta(days=1)
        )


def test_no_person_may_be_given_the_service_role(store: Store) -> None:
    store.agency("Own")
    with (
        store.door.session("admin", "administration") as s,
        pytest.raises(InputError, match="only `joinedup init`"),
    ):
        directory.add_user(s, "evil-pipe", "Own", "pipeline")


def test_a_person_given_the_service_role_in_the_database_acts_as_nobody(store: Store) -> None:
    store.user("evil-pipe", "Own", "analyst")
    with store.engine.begin() as conn:
        conn.execute(update(UserRow).where(UserRow.username == "evil-pipe").values(role="pipeline"))
    with (
        pytest.raises(UnknownActor, match="not a valid account"),
        store.door.session("evil-pipe", "data_ingest") as s,
    ):
        s.list(Flag)


def test_a_requested_grant_opens_nothing_until_the_owning_agency_approves(store: Store) -> None:
    flag = _other_agency_flag(store)
    grant = _request(store)
    assert grant.status == "requested"
    with store.door.session("ana", "panel") as s, pytest.raises(NotFound):
        s.get(Flag, flag)
    store.user("dpo-other", "Other", "auditor")
    with store.door.session("dpo-other", "audit") as s:
        decided = directory.decide_grant(s, grant.id, True, "agreed at the strategy meeting")
    assert decided.status == "approved" and decided.decided_by is not None
    with store.door.session("ana", "panel") as s:
        assert s.get(Flag, flag).id == flag


def test_a_grant_works_for_its_purpose_only(store: Store) -> None:
    flag = _other_agency_flag(store)
    store.grant("ana", "Other", "panel")
    with store.door.session("ana", "panel") as s:
        assert s.get(Flag, flag).id == flag
    with store.door.session("ana", "investigation") as s, pytest.raises(NotFound):
        s.get(Flag, flag)


def test_a_refused_grant_never_opens(store: Store) -> None:
    flag = _other_agency_flag(store)
    grant = _request(store)
    store.user("dpo-other", "Other", "auditor")
    with store.door.session("dpo-other", "audit") as s:
        assert directory.decide_grant(s, grant.id, False, "no lawful basis").status == "refused"
    with store.door.session("ana", "panel") as s, pytest.raises(NotFound):
        s.get(Flag, flag)
    with store.door.session("dpo-other", "audit") as s, pytest.raises(InputError):
        directory.decide_grant(s, grant.id, True, "changed my mind")


def test_only_the_owning_agency_approves(store: Store) -> None:
    _other_agency_flag(store)
    grant = _request(store)
    store.user("dpo-own", "Own", "auditor")  # the grantee's agency, not the records'
    with store.door.session("dpo-own", "audit") as s, pytest.raises(NotFound):
        directory.decide_grant(s, grant.id, True, "fine by us")
    with (
        store.door.session("ana", "panel") as s,
        pytest.raises(Forbidden, match=r"grants\.approve"),
    ):
        directory.decide_grant(s, grant.id, True, "approving my own")


def test_a_grant_to_ones_own_agency_or_for_a_purpose_the_role_lacks_is_refused(
    store: Store,
) -> None:
    _other_agency_flag(store)
    until = utcnow() + timedelta(days=1)
    with store.door.session("admin", "administration") as s:
        with pytest.raises(InputError, match="their agency"):
            directory.add_grant(s, "ana", "Own", "panel", "x", until)
        with pytest.raises(InputError, match="may not act for purpose"):
            directory.add_grant(s, "ana", "Other", "administration", "x", until)


def test_request_and_decision_are_audited(store: Store) -> None:
    _other_agency_flag(store)
    grant = store.grant("ana", "Other", "panel")
    with store.door.session("dpo-other", "audit") as s:
        rows = s.audit_trail(grant.id)
    by_operation = {(e.operation, e.actor_name) for e in rows}
    assert ("collection", "admin") in by_operation
    assert ("alteration", "dpo-other") in by_operation
