"""Use cases: intelligence and concerns — submit (routed at once), what was routed to my
agency, read and acknowledge it, follow my submissions, route and escalate (the pipeline)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from joinedup.app.context import Caller, acting_as, runtime, session
from joinedup.app.results import Saved
from joinedup.model.organisation import Agency
from joinedup.model.pole import grading_in_words
from joinedup.model.safeguarding import IntelligenceRoute, IntelligenceSubmission
from joinedup.model.vocab import Term, vocabulary
from joinedup.panel import intelligence as intel
from joinedup.panel.intelligence import MAX_SUMMARY_CHARS, AlreadyAcknowledged
from joinedup.panel.routing import NoRecipients, route, route_on_behalf
from joinedup.store.actor_session import ActorSession

__all__ = [
    "MAX_SUMMARY_CHARS",
    "URGENCIES",
    "AlreadyAcknowledged",
    "NoRecipients",
    "RouteView",
    "Submitted",
    "acknowledge_route",
    "escalate_overdue",
    "grading_choices",
    "grading_in_words",
    "my_submissions",
    "read_route",
    "route_submission",
    "routed_to_me",
    "submission_status",
    "submit_concern",
]

URGENCIES: tuple[str, ...] = tuple(vocabulary("urgencies").ordered)
GRADING_PARTS = (("source", "Source evaluation"), ("intelligence", "Intelligence assessment"),
                 ("handling", "Handling code"))  # fmt: skip
_HIDDEN = {"summary"}  # tokens: the text is shown decrypted by `read_route`, never as a token


def grading_choices() -> list[tuple[str, str, tuple[Term, ...]]]:
    """The 3x5x2 scheme as a form shows it: (part, its name, its grades with plain-words
    hints), source evaluation then intelligence assessment then handling code."""
    grades = vocabulary("intelligence_gradings")
    return [(part, name, grades.in_group(part)) for part, name in GRADING_PARTS]


@dataclass(frozen=True)
class RouteView:
    """A route with the names of the agencies (and of who acknowledged it)."""

    route: IntelligenceRoute
    agency: str
    from_agency: str
    acknowledged_by: str | None = None

    @property
    def grading_words(self) -> list[str]:
        """The route's 3x5x2 grading in words (none when not graded)."""
        return grading_in_words(self.route.grading) if self.route.grading else []

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, without the encrypted summary."""
        return {
            **self.route.model_dump(mode="json", exclude=_HIDDEN),
            "agency": self.agency,
            "from_agency": self.from_agency,
        }


def submission_dict(sub: IntelligenceSubmission) -> dict[str, Any]:
    """A submission as JSON-ready data, without the encrypted summary."""
    return sub.model_dump(mode="json", exclude=_HIDDEN)


def _views(
    s: ActorSession, routes: Sequence[IntelligenceRoute], with_names: bool = False
) -> list[RouteView]:
    names = {a.id: a.name for a in s.list(Agency)}
    who: dict[str, str] = {}
    if with_names:
        people = s.colleagues(r.acknowledged_by for r in routes if r.acknowledged_by)
        who = {i: a.username for i, a in people.items()}
    return [
        RouteView(
            r,
            names.get(r.agency_id, r.agency_id),
            names.get(r.from_agency_id, r.from_agency_id),
            who.get(r.acknowledged_by or "", r.acknowledged_by) if with_names else None,
        )
        for r in routes
    ]


@dataclass
class Submitted:
    """A saved submission, its routes, the language found in it, and why it was not routed
    (it stays listed by the pipeline's escalation until it is)."""

    submission: IntelligenceSubmission
    routes: list[RouteView] = field(default_factory=list)
    language: list[Any] = field(default_factory=list)
    not_routed: str | None = None


def submit_concern(
    who: Caller,
    summary: str,
    *,
    urgency: str = "routine",
    about: Sequence[str] = (),
    vrms: Sequence[str] = (),
    grading: str | None = None,
) -> Submitted:
    """Submit a concern or sighting; it is routed at once to every agency that must hear it
    (the service account routes it on the submitter's behalf). ``grading``: the 3x5x2
    grading of a police user's intelligence ("2-B-P"), copied onto every route."""
    if urgency not in URGENCIES:
        raise ValueError(f"urgency must be one of {', '.join(URGENCIES)}, not {urgency!r}")
    rt = runtime()
    with session(who, rt) as opened:
        done = intel.submit(
            opened,
            summary,
            urgency=urgency,
            subject_person_ids=about,
            vrms=vrms,
            grading=grading,
        )
    out = Submitted(done.saved, language=list(done.language))
    try:
        with acting_as(who):
            routed = route_on_behalf(rt.door, opened, done.saved.id)
        names = routed.agency_names
        out.routes = [
            RouteView(
                r,
                names.get(r.agency_id, r.agency_id),
                names.get(r.from_agency_id, r.from_agency_id),
            )
            for r in routed.routes
        ]
    except (NoRecipients, ValueError, LookupError, PermissionError) as exc:
        out.not_routed = str(exc)
    return out


def routed_to_me(
    who: Caller, *, unacknowledged: bool = False, escalated: bool = False, limit: int = 100
) -> list[RouteView]:
    """Intelligence routed to the caller's agency, most pressing first."""
    with session(who) as opened:
        routes = intel.routes_for_me(
            opened, unacknowledged=unacknowledged, escalated=escalated, limit=limit
        )
        return _views(opened, routes)


def read_route(who: Caller, route_id: str) -> tuple[RouteView, str]:
    """One route to the caller's agency, with the submitted text (decrypted)."""
    rt = runtime()
    with session(who, rt) as opened:
        found, text = intel.read_route(opened, route_id)
        return _views(opened, [found])[0], text


def acknowledge_route(who: Caller, route_id: str, note: str | None) -> Saved[IntelligenceRoute]:
    """Acknowledge a route (the submitter sees that it was read); the note is checked."""
    with session(who) as opened:
        done = intel.acknowledge(opened, route_id, note)
    return Saved(done.saved, list(done.language))


def submission_status(
    who: Caller, submission_id: str
) -> tuple[IntelligenceSubmission, list[RouteView]]:
    """The caller's submission and each recipient: acknowledged (when, by whom) or not."""
    with session(who) as opened:
        sub, routes = intel.submission_status(opened, submission_id)
        return sub, _views(opened, routes, with_names=True)


def my_submissions(
    who: Caller, limit: int = 20
) -> list[tuple[IntelligenceSubmission, list[IntelligenceRoute]]]:
    """The caller's own submissions, newest first, with their routes (:class:`Forbidden`
    for a role that does not submit intelligence)."""
    with session(who) as opened:
        opened.require("intel.submit")
        return intel.my_submissions(opened, limit=limit)


def route_submission(who: Caller, submission_id: str) -> list[RouteView]:
    """Route a submission (again): agencies that already hold a route get nothing new."""
    rt = runtime()
    with session(who, rt) as opened:
        return _views(opened, route(opened, submission_id))


def escalate_overdue(who: Caller, now: datetime | None = None) -> dict[str, Any]:
    """Escalate every route left unacknowledged past its deadline (the pipeline, daily)."""
    with session(who) as opened:
        return intel.escalate(opened, now=now).to_dict()
