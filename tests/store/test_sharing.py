"""Information-sharing agreements applied by the scope predicate (issues 14 point 6, 16)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from joinedup.access import agreements as isa
from joinedup.common.errors import InputError
from joinedup.model.base import utcnow
from joinedup.model.linkage import PersonLink
from joinedup.model.records import SourceRecord
from joinedup.model.safeguarding import Flag
from joinedup.store.actor_session import Forbidden
from tests.conftest import Store

PARTIES = ("Police", "Social care", "Health")


def _world(store: Store) -> dict[str, str]:
    """Health and Education records of child A (an open CSE flag) and child B (none)."""
    for name in (*PARTIES, "Education"):
        store.agency(name)
    store.user("sw", "Social care", "social_worker")
    store.user("sw2", "Social care", "social_worker")
    store.user("ana", "Police", "analyst")
    for agency in PARTIES:
        store.user(f"dpo-{agency.lower().replace(' ', '-')}", agency, "auditor")
    ids: dict[str, str] = {}
    with store.door.session("joinedup-service", "data_ingest") as s:
        for agency, child in (("Health", "A"), ("Health", "B"), ("Education", "A")):
            record = s.add(
                SourceRecord(
                    agency_id=store.agencies[agency],
                    record_type="contact",
                    agency_key=f"{agency}-{child}",
                    payload={"child": child},
                )
            )
            s.add(
                PersonLink(
                    agency_id=store.agencies[agency],
                    record_id=record.id,
                    person_id=f"person-{child}",
                    run_id="run",
                )
            )
            ids[f"{agency}-{child}"] = record.id
        s.add(
            Flag(
                agency_id=store.agencies["Social care"],
                rule_id="missing_episodes",
                subject_type="child",
                subject_id="person-A",
            )
        )
    return ids


def _agreement(store: Store, name: str, extent: str, purpose: str, *, approve: bool = True) -> None:
    today = utcnow().date()
    terms = isa.AgreementTerms(
        name,
        "Police",
        PARTIES,
        purpose,
        extent,
        "Children Act 2004 s.11; DPA 2018 s.35 and Sch. 8 para 4 (safeguarding)",
        today - timedelta(days=1),
        today + timedelta(days=365),
    )
    with store.door.session("admin", "administration") as s:
        isa.add_agreement(s, terms)
        isa.add_member(s, name, "ana")
        if extent == "open_cse_cases":
            isa.add_member(s, name, "sw")
    if approve:
        for agency in PARTIES:
            with store.door.session(f"dpo-{agency.lower().replace(' ', '-')}", "audit") as s:
                isa.approve_agreement(s, name)


def _visible(store: Store, username: str, purpose: str) -> set[str]:
    with store.door.session(username, purpose) as s:
        return {r.agency_key for r in s.list(SourceRecord)}


def test_the_cse_team_sees_every_party_agencys_records_of_a_child_with_an_open_case(
    store: Store,
) -> None:
    _world(store)
    assert _visible(store, "sw", "safeguarding") == set()
    _agreement(store, "CSE team", "open_cse_cases", "safeguarding")
    # child A has an open CSE flag: Health's record reached; Education is no party; B has none
    assert _visible(store, "sw", "safeguarding") == {"Health-A"}
    assert _visible(store, "ana", "safeguarding") == {"Health-A"}
    assert _visible(store, "ana", "analysis") == set()  # the agreement's purpose only
    assert _visible(store, "sw", "panel") == set()
    assert _visible(store, "sw2", "safeguarding") == set()  # not a member


def test_nothing_is_shared_until_every_party_approves(store: Store) -> None:
    _world(store)
    _agreement(store, "CSE team", "open_cse_cases", "safeguarding", approve=False)
    for agency in PARTIES[:2]:
        with store.door.session(f"dpo-{agency.lower().replace(' ', '-')}", "audit") as s:
            isa.approve_agreement(s, "CSE team")
    assert _visible(store, "sw", "safeguarding") == set()
    with store.door.session("dpo-health", "audit") as s:
        isa.approve_agreement(s, "CSE team")
        views = isa.list_agreements(s)
    assert _visible(store, "sw", "safeguarding") == {"Health-A"}
    (view,) = views
    assert view.live and {p[2] for p in view.parties} == {
        "dpo-police",
        "dpo-social-care",
        "dpo-health",
    }
    assert {m[0] for m in view.members} == {"ana", "sw"}


def test_an_ended_agreement_shares_nothing_at_once(store: Store) -> None:
    _world(store)
    _agreement(store, "CSE team", "open_cse_cases", "safeguarding")
    with store.door.session("admin", "administration") as s:
        isa.end_agreement(s, "CSE team", "the team was disbanded")
    assert _visible(store, "sw", "safeguarding") == set()


def test_a_resolved_flag_ends_the_reach(store: Store) -> None:
    _world(store)
    _agreement(store, "CSE team", "open_cse_cases", "safeguarding")
    with store.door.session("joinedup-service", "safeguarding") as s:
        (flag,) = s.list(Flag)
        s.update(Flag, flag.id, status="resolved")
    assert _visible(store, "sw", "safeguarding") == set()


def test_an_aggregate_agreement_reaches_every_party_record_in_an_aggregate_session_only(
    store: Store,
) -> None:
    _world(store)
    _agreement(store, "Partnership analysis", "aggregate", "analysis")
    assert _visible(store, "ana", "analysis") == set()  # no identifiable reach
    with store.door.aggregate_session("ana", "analysis") as s:
        assert {r.agency_key for r in s.list(SourceRecord)} == {"Health-A", "Health-B"}
    with store.door.session("dpo-police", "audit") as s:
        events = s.audit_trail(actor_name="ana")
    named = [e for e in events if e.detail and e.detail.get("agreements")]
    assert named and named[-1].detail["agreements"] == ["Partnership analysis"]  # type: ignore[index]
    with (
        pytest.raises(Forbidden, match="no live information-sharing agreement"),
        store.door.aggregate_session("sw", "safeguarding") as s,
    ):
        s.list(SourceRecord)


def test_agreement_terms_are_checked(store: Store) -> None:
    _world(store)
    today = utcnow().date()
    bad = isa.AgreementTerms(
        "x", "Police", ("Police",), "safeguarding", "open_cse_cases", "basis", today, today
    )
    with store.door.session("admin", "administration") as s, pytest.raises(InputError):
        isa.add_agreement(s, bad)
    _agreement(store, "CSE team", "open_cse_cases", "safeguarding")
    store.user("teacher", "Health", "referrer")
    with store.door.session("admin", "administration") as s, pytest.raises(InputError):
        isa.add_member(s, "CSE team", "teacher")  # a referrer's role has no agreement reach
