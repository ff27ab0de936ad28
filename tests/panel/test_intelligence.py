"""Intelligence: a referrer's concern is stored encrypted, routed to every agency that must hear
it (never back to the submitter), acknowledged by recipients only, and escalated when not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from joinedup.model.safeguarding import Flag, IntelligenceRoute, IntelligenceSubmission
from joinedup.panel import intelligence as intel
from joinedup.panel.config import routing
from joinedup.panel.routing import NoRecipients, names_any, route
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.store.actor_session import Forbidden, NotFound
from joinedup.store.hooks import Saved
from tests.conftest import Store

T0 = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)
TAXI = "Two girls from year 9 were collected at lunchtime by a taxi, the same driver as last week."
AGENCIES = {
    "Dunmere police": "police",
    "Dunmere social care": "social_care",
    "Dunmere licensing": "licensing",
    "Dunmere Academy": "education",
    "Dunmere probation": "probation",
    "Dunmere health": "health",
}


def _partnership(store: Store) -> dict[str, str]:
    ids = {name: store.agency(name, kind) for name, kind in AGENCIES.items()}
    store.user("teacher", "Dunmere Academy", "referrer")
    store.user("nurse", "Dunmere health", "referrer")
    store.user("pc", "Dunmere police", "analyst")
    store.user("sw", "Dunmere social care", "social_worker")
    store.user("lic", "Dunmere licensing", "analyst")
    store.user("po", "Dunmere probation", "analyst")
    return ids


def _submit_and_route(
    store: Store, user: str, summary: str, now: datetime = T0, **kw: object
) -> tuple[Saved[IntelligenceSubmission], list[IntelligenceRoute]]:
    with store.door.session(user, "safeguarding") as s:
        done = intel.submit(s, summary, now=now, **kw)  # type: ignore[arg-type]
    with store.door.session(SERVICE_ACCOUNT, "safeguarding") as s:
        routes = route(s, done.saved.id, now=now)
    return done, routes


def _by_agency(
    routes: list[IntelligenceRoute], ids: dict[str, str]
) -> dict[str, IntelligenceRoute]:
    names = {v: k for k, v in ids.items()}
    return {names[r.agency_id]: r for r in routes}


def test_a_school_concern_about_a_taxi_reaches_police_social_care_and_licensing(
    store: Store,
) -> None:
    ids = _partnership(store)
    done, routes = _submit_and_route(store, "teacher", TAXI, vrms=["ab12 cde", "AB12CDE"])
    sub = done.saved
    assert sub.vrms == ["AB12CDE"] and sub.urgency == "routine" and done.language == []
    got = _by_agency(routes, ids)
    # the school's own words ("lunchtime") match education, but never back to the submitter
    assert set(got) == {"Dunmere police", "Dunmere social care", "Dunmere licensing"}
    assert "licensing never heard the warnings" in got["Dunmere licensing"].reason
    assert "CSE team" in got["Dunmere police"].reason
    with store.door.session("teacher", "safeguarding") as s:
        teacher = s.actor
        status, mine = intel.submission_status(s, sub.id)
    for r in routes:
        assert r.acknowledge_by == T0 + timedelta(hours=24)
        assert (r.submission_id, r.from_agency_id) == (sub.id, ids["Dunmere Academy"])
        assert r.submitted_by == teacher.user_id and r.case_id == sub.case_id
        assert r.escalation_level == 0 and r.acknowledged_at is None
    assert sorted(status.recipient_agency_ids) == sorted(r.agency_id for r in routes)
    assert status.acknowledge_by == T0 + timedelta(hours=24)
    assert {r.id for r in mine} == {r.id for r in routes}
    # routing again makes nothing new
    with store.door.session(SERVICE_ACCOUNT, "safeguarding") as s:
        again = route(s, sub.id, now=T0 + timedelta(hours=3))
        assert len(s.list(IntelligenceRoute)) == 3
    assert [r.id for r in again] == [r.id for r in routes]


def test_words_route_to_their_agencies_as_whole_words(store: Store) -> None:
    ids = _partnership(store)
    text_ = "Seen near the academy gates getting into a minicab; the man is on licence."
    _, routes = _submit_and_route(store, "nurse", text_)
    assert set(_by_agency(routes, ids)) == {
        "Dunmere police",
        "Dunmere social care",
        "Dunmere licensing",
        "Dunmere Academy",
        "Dunmere probation",
    }
    _, plain = _submit_and_route(store, "nurse", "Adults offering lifts near the cabinet shop.")
    assert set(_by_agency(plain, ids)) == {"Dunmere police", "Dunmere social care"}
    assert names_any("A Private  Hire car", ["private hire"])
    assert names_any("the driver\u2019s badge was seen", ["driver's badge"])
    assert not names_any("scabs and cabinets", ["cab"])


def test_deadlines_follow_urgency(store: Store) -> None:
    _partnership(store)
    hours = routing().deadlines_hours
    for urgency in ("routine", "urgent", "immediate"):
        _, routes = _submit_and_route(store, "nurse", "A concern.", urgency=urgency)
        assert {r.acknowledge_by for r in routes} == {T0 + timedelta(hours=hours[urgency])}
        assert {r.urgency for r in routes} == {urgency}
    assert hours["immediate"] < hours["urgent"] < hours["routine"]


def test_only_the_recipient_agency_sees_and_acknowledges_its_route(store: Store) -> None:
    ids = _partnership(store)
    _, routes = _submit_and_route(store, "teacher", TAXI)
    police = _by_agency(routes, ids)["Dunmere police"]
    with store.door.session("po", "safeguarding") as s:  # probation was not routed to
        assert intel.routes_for_me(s) == []
        with pytest.raises(NotFound):
            intel.read_route(s, police.id)
        with pytest.raises(NotFound):
            intel.acknowledge(s, police.id, "seen")
    with store.door.session("lic", "safeguarding") as s:  # another recipient, another route
        with pytest.raises(NotFound):
            intel.acknowledge(s, police.id)
        (mine,) = intel.routes_for_me(s)
        assert mine.agency_id == ids["Dunmere licensing"]
    with (
        store.door.session(SERVICE_ACCOUNT, "safeguarding") as s,  # reads, never acknowledges
        pytest.raises(Forbidden, match="recipient agency"),
    ):
        intel.acknowledge(s, police.id)
    with store.door.session("pc", "safeguarding") as s:
        with pytest.raises(Forbidden, match="pipeline service account"):
            intel.escalate(s, now=T0)
        with pytest.raises(Forbidden, match="pipeline service account"):
            route(s, police.submission_id, now=T0)
        (listed,) = intel.routes_for_me(s, unacknowledged=True)
        shown, plain = intel.read_route(s, listed.id)
        assert plain == TAXI and shown.id == police.id
        done = intel.acknowledge(s, police.id, "Allocated to the CSE team.", now=T0)
        assert done.saved.acknowledged_by == s.actor.user_id and done.language == []
        with pytest.raises(intel.AlreadyAcknowledged, match="already acknowledged"):
            intel.acknowledge(s, police.id, "again")
        assert intel.routes_for_me(s, unacknowledged=True) == []
        assert [r.id for r in intel.routes_for_me(s)] == [police.id]


def test_a_referrer_sees_the_status_of_their_own_submissions_only(store: Store) -> None:
    _partnership(store)
    done, routes = _submit_and_route(store, "teacher", TAXI)
    with store.door.session("nurse", "safeguarding") as s:
        with pytest.raises(NotFound):
            intel.submission_status(s, done.saved.id)
        with pytest.raises(NotFound):
            intel.read_route(s, routes[0].id)
        assert intel.routes_for_me(s) == []
    with store.door.session("teacher", "safeguarding") as s:
        sub, seen = intel.submission_status(s, done.saved.id)
        assert sub.id == done.saved.id and len(seen) == 3
        assert intel.routes_for_me(s) == []  # none is held by the school
        ((listed, listed_routes),) = intel.my_submissions(s)
        assert listed.id == sub.id and {r.id for r in listed_routes} == {r.id for r in routes}
        with pytest.raises(Forbidden):  # a referrer reads their routes, acknowledges none
            intel.acknowledge(s, routes[0].id)
    with store.door.session("nurse", "safeguarding") as s:
        assert intel.my_submissions(s) == []


def test_the_text_is_stored_as_tokens_only(store: Store) -> None:
    _partnership(store)
    done, _ = _submit_and_route(store, "teacher", TAXI)
    with store.engine.connect() as conn:
        stored = [
            row[0]
            for table in ("intelligence_submission", "intelligence_route")
            for row in conn.execute(text(f"SELECT summary FROM {table}"))
        ]
    assert len(stored) == 4 and len(set(stored)) == 4
    for token in stored:
        assert token.startswith("v1:k1:") and "taxi" not in token and "lunchtime" not in token
    with store.engine.connect() as conn:
        token = conn.execute(
            text("SELECT summary FROM intelligence_submission WHERE id = :id"),
            {"id": done.saved.id},
        ).scalar_one()
    plain = store.cipher.decrypt(
        token, table="intelligence_submission", column="summary", row_id=done.saved.id
    )
    assert plain == TAXI and done.saved.summary == TAXI  # the door hands out the text


def test_escalation_rises_once_per_missed_deadline_and_stops_at_acknowledgement(
    store: Store,
) -> None:
    ids = _partnership(store)
    done, routes = _submit_and_route(store, "teacher", TAXI)
    got = _by_agency(routes, ids)
    hours = timedelta(hours=routing().deadlines_hours["routine"])
    cap = routing().max_escalation_level

    def run(at: datetime) -> dict[str, Any]:
        with store.door.session(SERVICE_ACCOUNT, "safeguarding") as s:
            report = intel.escalate(s, now=at).to_dict()
            levels = {r.id: (r.escalation_level, r.escalated_at) for r in s.list(IntelligenceRoute)}
        return {"report": report, "levels": levels}

    with store.door.session("pc", "safeguarding") as s:
        intel.acknowledge(s, got["Dunmere police"].id, now=T0 + timedelta(hours=2))
        pc = s.actor.user_id
    police, social = got["Dunmere police"].id, got["Dunmere social care"].id
    at_deadline = run(T0 + hours)  # not yet past the deadline
    assert at_deadline["report"]["escalated"] == {} and at_deadline["report"]["overdue"] == {}
    with store.door.session("teacher", "safeguarding") as s:
        sub, _ = intel.submission_status(s, done.saved.id)
        assert sub.acknowledged_at == T0 + timedelta(hours=2)  # copied by that run
        assert sub.acknowledged_by == pc and sub.escalated_at is None
    first = T0 + hours + timedelta(minutes=1)
    one = run(first)
    assert one["report"]["escalated"] == {"1": 2} and one["report"]["overdue"] == {"1": 2}
    assert one["levels"][social] == (1, first) and one["levels"][police] == (0, None)
    again = run(first)  # the same run again changes nothing
    assert again["levels"] == one["levels"] and again["report"]["escalated"] == {}
    assert (
        again["report"]["submissions_escalated"] == 0 == again["report"]["submissions_acknowledged"]
    )
    two = run(T0 + 2 * hours)  # one more deadline has passed
    assert two["levels"][social] == (2, first)
    capped = run(T0 + 50 * hours)
    assert capped["levels"][social] == (cap, first)
    assert capped["report"]["overdue"] == {str(cap): 2}
    assert capped["levels"][police] == (0, None)
    with store.door.session("teacher", "safeguarding") as s:
        sub, _ = intel.submission_status(s, done.saved.id)
        assert sub.escalated_at == first and sub.acknowledged_at == T0 + timedelta(hours=2)
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        assert {r.id for r in intel.escalated_routes(s)} == {social, got["Dunmere licensing"].id}
        assert intel.escalated_routes(s, min_level=cap + 1) == []
    assert intel.escalation_level(routing(), "urgent", T0, T0 + timedelta(hours=4)) == 2


def test_blank_oversized_and_bad_registrations_are_refused_clearly(store: Store) -> None:
    _partnership(store)
    with store.door.session("teacher", "safeguarding") as s:
        with pytest.raises(ValueError, match="blank"):
            intel.submit(s, "  \n ")
        with pytest.raises(ValueError, match=r"20,001 characters; the limit is 20,000"):
            intel.submit(s, "x" * 20_001)
        with pytest.raises(ValueError, match=r"bytes as UTF-8"):
            intel.submit(s, "\u0628" * 19_000)  # Arabic letters: 2 bytes each
        with pytest.raises(ValueError, match="'a silver car': not a UK vehicle"):
            intel.submit(s, "A car.", vrms=["AB12CDE", "a silver car"])
        assert intel.submit(s, "x" * 20_000).saved.id


def test_victim_blaming_words_are_warned_and_held_but_saved(store: Store) -> None:
    ids = _partnership(store)
    summary = "Year 9 pupil is putting herself at risk getting into cars after school."
    done, routes = _submit_and_route(store, "teacher", summary)
    (found,) = done.language
    assert found.where == intel.WHERE_SUBMISSION and found.held
    assert found.finding.entry_id == "putting-self-at-risk"
    with store.door.session("teacher", "safeguarding") as s:
        (flag,) = s.list(Flag)
        assert intel.submission_status(s, done.saved.id)[0].id == done.saved.id
    assert (flag.subject_type, flag.subject_id) == ("intelligence_submission", done.saved.id)
    assert flag.agency_id == ids["Dunmere Academy"] and flag.evidence["author"] == "teacher"
    assert "cars after school" not in str(flag.evidence)
    with store.door.session("sw", "safeguarding") as s:
        social = next(r for r in routes if r.agency_id == ids["Dunmere social care"])
        acked = intel.acknowledge(s, social.id, "She is sexually active with an older man.")
        assert [f.where for f in acked.language] == [intel.WHERE_ROUTE_ACKNOWLEDGEMENT]
        assert acked.saved.note == "She is sexually active with an older man."


def test_routing_is_audited_and_refuses_to_leave_a_submission_unrouted(store: Store) -> None:
    ids = _partnership(store)
    store.user("dpo", "Dunmere police", "auditor")
    _, routes = _submit_and_route(store, "teacher", TAXI)
    with store.door.session("dpo", "audit") as s:
        trail = s.audit_trail(routes[0].id)
    added = [e for e in trail if e.operation == "collection"]
    assert len(added) == 1 and added[0].actor_name == SERVICE_ACCOUNT
    assert added[0].object_type == "intelligence_route" and added[0].purpose == "safeguarding"
    assert set(added[0].object_ids) == {r.id for r in routes}
    # a licensing referrer, and rules that send vehicles to licensing only: no one to route to
    store.user("clerk", "Dunmere licensing", "referrer")
    rules = routing()
    only = rules.model_copy(
        update={"routes": tuple(r for r in rules.routes if r.agency_kind == "licensing")}
    )
    with store.door.session("clerk", "safeguarding") as s:
        done = intel.submit(s, "A driver without a badge.", vrms=["AB12CDE"])
    with (
        store.door.session(SERVICE_ACCOUNT, "safeguarding") as s,
        pytest.raises(NoRecipients, match=r"kind licensing.*joinedup intel route"),
    ):
        route(s, done.saved.id, rules=only, now=T0)
    with store.door.session(SERVICE_ACCOUNT, "safeguarding") as s:
        assert intel.escalate(s, now=T0).unrouted == [done.saved.id]
    other = store.agency("Northby licensing", "licensing")
    with store.door.session(SERVICE_ACCOUNT, "safeguarding") as s:
        (routed,) = route(s, done.saved.id, rules=only, now=T0)
        assert routed.agency_id == other and ids["Dunmere licensing"] != other
        assert intel.escalate(s, now=T0).unrouted == []


def test_a_licensing_officer_with_the_referrer_role_acknowledges_licensing_warnings(
    store: Store,
) -> None:
    ids = _partnership(store)
    store.user("clerk", "Dunmere licensing", "referrer")
    _, routes = _submit_and_route(store, "teacher", TAXI)
    licensing = _by_agency(routes, ids)["Dunmere licensing"]
    police = _by_agency(routes, ids)["Dunmere police"]
    with store.door.session("clerk", "safeguarding") as s:
        assert [r.id for r in intel.routes_for_me(s)] == [licensing.id]
        assert intel.read_route(s, licensing.id)[1] == TAXI
        with pytest.raises(NotFound):  # police's copy is not licensing's
            intel.read_route(s, police.id)
        done = intel.acknowledge(s, licensing.id, "Driver's badge suspended pending review.")
    assert done.saved.acknowledged_by == store_user_id(store, "clerk")


def store_user_id(store: Store, username: str) -> str:
    with store.door.session(username, "safeguarding") as s:
        return s.actor.user_id
