"""The signed-in pages: My work, Search, a person, Who looked."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from fastapi import APIRouter, Request, Response

from joinedup.app import people, things
from joinedup.app.actions import list_actions
from joinedup.app.audit import processing_of
from joinedup.app.errors import Forbidden
from joinedup.app.intelligence import routed_to_me
from joinedup.app.permissions import actions_of
from joinedup.app.safeguarding import flags
from joinedup.web.auth import Visitor, visitor
from joinedup.web.state import state

router = APIRouter()


def page(request: Request, me: Visitor, template: str, **context: Any) -> Response:
    """Render a signed-in page (the header shows who, which purpose, and sign-out)."""
    return state(request).templates.TemplateResponse(request, template, {"me": me, **context})


def _or_none(call: Any) -> Any:
    """A section's content, or None when the role may not see that kind of thing."""
    try:
        return call()
    except Forbidden:
        return None


@router.get("/")
def my_work(request: Request) -> Response:
    """My work: open flags owned by my agency (most severe, then oldest), intelligence
    routed to my agency awaiting acknowledgement, my actions due."""
    me = visitor(request)
    who = me.caller
    open_flags = _or_none(lambda: flags(who, status="open", limit=200, owner=me.user.agency_id))
    routes = _or_none(lambda: routed_to_me(who, unacknowledged=True))
    actions = _or_none(lambda: list_actions(who, mine=True, open_only=True))
    return page(request, me, "my_work.html", flags=open_flags, routes=routes, actions=actions)


@router.get("/search")
def search(request: Request, q: str = "") -> Response:
    """Find people by name, date of birth, an agency's reference, a VRM or a phone."""
    me = visitor(request)
    text = q.strip()[:200]
    results = people.search(me.caller, text, rt=state(request).rt) if text else None
    thing = things.thing_in(text) if text else None
    return page(request, me, "search.html", q=text, results=results, thing=thing)


def _filtered(seen: people.Person, agency: str, event_type: str) -> dict[str, Any]:
    """The chronology filtered by agency and event type, and the choices of each filter."""
    return {
        "chronology": [
            e
            for e in seen.chronology
            if (not agency or e.agency == agency) and (not event_type or e.event_type == event_type)
        ],
        "agency": agency,
        "event_type": event_type,
        "event_types": sorted({e.event_type for e in seen.chronology}),
    }


@router.get("/people/{person_id}")
def person(request: Request, person_id: str, agency: str = "", event_type: str = "") -> Response:
    """Everything the reader may see of one person; the chronology filterable by agency and
    by event type."""
    me = visitor(request)
    seen = people.person(me.caller, person_id, rt=state(request).rt)
    graph, table = network_elements(seen), network_table(seen)
    chosen = _filtered(seen, agency, event_type)
    may_assess = "assessment.record" in actions_of(me.user.role)
    return page(
        request, me, "person.html", person=seen, graph=graph, network=table,
        may_assess=may_assess, **chosen,
    )  # fmt: skip


@router.get("/people/{person_id}/chronology")
def printable_chronology(
    request: Request, person_id: str, agency: str = "", event_type: str = ""
) -> Response:
    """The person's chronology alone, plainly laid out for paper."""
    me = visitor(request)
    seen = people.person(me.caller, person_id, rt=state(request).rt)
    chosen = _filtered(seen, agency, event_type)
    return page(request, me, "chronology_print.html", person=seen, **chosen)


def network_elements(seen: people.Person) -> list[dict[str, Any]]:
    """Cytoscape.js elements of the person's neighbourhood within two steps: people,
    vehicles, phones and places (names, registrations, numbers and postcodes as labels,
    never ids)."""
    around = seen.neighbourhood
    nodes = [
        {"data": {"id": n.id, "label": n.label, "kind": n.kind, "href": n.href}, "classes": n.kind}
        for n in around.nodes
    ]
    edges = [
        {"data": {"id": f"{t.source}|{t.target}|{t.how}", "source": t.source, "target": t.target}}
        for t in around.ties
    ]
    return nodes + edges


def network_table(seen: people.Person) -> list[dict[str, Any]]:
    """The same neighbourhood as rows for screen readers and paper: each person or thing
    (not the person themself), its step, and what it is tied to, by name."""
    around = seen.neighbourhood
    label = {n.id: n for n in around.nodes}
    tied: dict[str, list[str]] = {n.id: [] for n in around.nodes}
    for t in around.ties:
        tied[t.source].append(f"{label[t.target].label} ({t.how})")
        tied[t.target].append(f"{label[t.source].label} ({t.how})")
    return [{"node": n, "tied": sorted(set(tied[n.id]))} for n in around.nodes if n.step > 0]


def _day(text: str, end: bool = False) -> datetime | None:
    if not text:
        return None
    day = datetime.fromisoformat(text).date()
    return datetime.combine(day, time.max if end else time.min)


@router.get("/audit")
def who_looked(
    request: Request,
    person: str = "",
    reference: str = "",
    record: str = "",
    user: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    """Who looked: every processing of a person, a record, an agency's reference, or by a
    user, over a period (auditors)."""
    me = visitor(request)
    asked = {"person": person, "reference": reference, "record": record, "user": user}
    answer = None
    error = None
    if any(v.strip() for v in asked.values()):
        try:
            answer = processing_of(
                me.caller,
                **{k: v.strip() or None for k, v in asked.items()},
                since=_day(since),
                until=_day(until, end=True),
            )
        except ValueError:
            error = "Enter dates as YYYY-MM-DD"
    return page(
        request, me, "audit.html", asked=asked, since=since, until=until, answer=answer, error=error
    )
