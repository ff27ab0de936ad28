"""Intelligence submissions: submitted by a referrer, routed, acknowledged, escalated.

A referrer (school, health, probation, licensing, a voluntary project) submits a concern or a
sighting (:func:`submit`); the pipeline routes it to every agency that must hear it
(:func:`joinedup.panel.routing.route`); each recipient agency acknowledges its route
(:func:`acknowledge`) before the deadline for the submission's urgency; the pipeline's
:func:`escalate` raises the escalation level of every route left unacknowledged, one level per
deadline missed, and copies the first acknowledgement and first escalation onto the submission
so that the referrer sees them. Nothing is deleted: acknowledging and escalating only add.

The text is held as AES-256-GCM tokens (the submission's and each route's own copy), never as
plain text; it is checked for victim-blaming language on entry, like the acknowledgement note.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from joinedup.common.errors import InputError, JoinedupError
from joinedup.common.values import BadValue
from joinedup.common.values.places import clean_vrm
from joinedup.model.base import Urgency, new_id
from joinedup.model.safeguarding import IntelligenceRoute, IntelligenceSubmission
from joinedup.model.vocab import vocabulary
from joinedup.panel.config import Routing, routing
from joinedup.panel.routing import deadline_hours, moment
from joinedup.store.actor_session import ActorSession, Forbidden
from joinedup.store.hooks import Saved

WHERE_SUBMISSION = "intelligence submission"
WHERE_ROUTE_ACKNOWLEDGEMENT = "intelligence acknowledgement note"
MAX_SUMMARY_CHARS = 20_000
# the stored token is base64 of the UTF-8 bytes and must fit the model's 40,000 characters
MAX_SUMMARY_BYTES = 29_000
MAX_NOTE_CHARS = 500
URGENCIES: tuple[str, ...] = vocabulary("urgencies").ordered


class AlreadyAcknowledged(JoinedupError, ValueError):
    """The route was acknowledged before (an acknowledgement is given once)."""


def _summary(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InputError("the summary is blank: say what was seen or what the concern is")
    text = text.strip()
    if len(text) > MAX_SUMMARY_CHARS:
        raise InputError(
            f"the summary is {len(text):,} characters; the limit is {MAX_SUMMARY_CHARS:,}"
        )
    size = len(text.encode("utf-8"))
    if size > MAX_SUMMARY_BYTES:
        raise InputError(
            f"the summary is {size:,} bytes as UTF-8; the limit is {MAX_SUMMARY_BYTES:,} bytes "
            f"(and {MAX_SUMMARY_CHARS:,} characters)"
        )
    return text


def _vrms(raw: Sequence[str]) -> list[str]:
    out: list[str] = []
    for value in raw:
        try:
            vrm = clean_vrm(value)
        except BadValue as exc:
            raise InputError(f"vehicle registration {value!r}: {exc}") from None
        if vrm not in out:
            out.append(vrm)
    return out


def _people(raw: Sequence[str]) -> list[str]:
    out: list[str] = []
    for value in raw:
        person = value.strip()
        if not person or len(person) > 64:
            raise InputError(f"person id {value!r} is not an id (1 to 64 characters)")
        if person not in out:
            out.append(person)
    return out


def submit(
    session: ActorSession,
    summary: str,
    *,
    urgency: Urgency = "routine",
    subject_person_ids: Sequence[str] = (),
    vrms: Sequence[str] = (),
    now: datetime | None = None,
) -> Saved[IntelligenceSubmission]:
    """Store a concern or sighting as the acting referrer (the door encrypts the text).

    The text is checked for victim-blaming language: each finding is returned and held as a
    language flag, and the submission is saved as written. Route it with
    :func:`joinedup.panel.routing.route` (as the pipeline service account).
    """
    session.require("intel.submit")
    text = _summary(summary)
    if urgency not in URGENCIES:
        raise InputError(f"urgency must be one of {', '.join(URGENCIES)}, not {urgency!r}")
    submission_id = new_id()
    stored = session.add(
        IntelligenceSubmission(
            id=submission_id,
            agency_id=session.actor.agency_id,
            created_at=moment(now),
            summary=text,
            urgency=urgency,
            subject_person_ids=_people(subject_person_ids),
            vrms=_vrms(vrms),
        )
    )
    language = session.entered(
        text,
        where=WHERE_SUBMISSION,
        subject_type="intelligence_submission",
        subject_id=stored.id,
    )
    return Saved(stored, language)


def acknowledge(
    session: ActorSession, route_id: str, note: str | None = None, now: datetime | None = None
) -> Saved[IntelligenceRoute]:
    """Acknowledge a route held by the acting user's agency (once; the note is checked for
    victim-blaming language). Routes out of scope are :class:`NotFound`; a route the actor
    may read but whose recipient is another agency (the service account, a grant) is
    :class:`Forbidden`."""
    route = session.get(IntelligenceRoute, route_id)
    if route.agency_id != session.actor.agency_id:
        raise Forbidden(
            f"intelligence route {route_id} is acknowledged by a user of its recipient agency"
        )
    session.require("intel.acknowledge")
    if route.acknowledged_at is not None:
        raise AlreadyAcknowledged(
            f"intelligence route {route_id} was already acknowledged at "
            f"{route.acknowledged_at.isoformat(timespec='minutes')} (user {route.acknowledged_by})"
        )
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise InputError(
            f"the note is {len(note):,} characters; the limit is {MAX_NOTE_CHARS} "
            "(put the detail in the case record)"
        )
    updated = session.update(
        IntelligenceRoute,
        route_id,
        acknowledged_at=moment(now),
        acknowledged_by=session.actor.user_id,
        note=note,
    )
    language = session.entered(
        note,
        where=WHERE_ROUTE_ACKNOWLEDGEMENT,
        subject_type="intelligence_route",
        subject_id=route_id,
    )
    return Saved(updated, language)


# -- escalation -------------------------------------------------------------------------------


@dataclass
class EscalationReport:
    """What one escalation run found and changed."""

    now: datetime
    escalated: Counter[int] = field(default_factory=Counter)
    overdue: Counter[int] = field(default_factory=Counter)
    escalated_route_ids: list[str] = field(default_factory=list)
    submissions_acknowledged: int = 0
    submissions_escalated: int = 0
    unrouted: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: routes escalated now and all overdue routes, each counted per level."""
        return {
            "now": self.now.isoformat(timespec="seconds"),
            "escalated": {str(k): v for k, v in sorted(self.escalated.items())},
            "overdue": {str(k): v for k, v in sorted(self.overdue.items())},
            "escalated_route_ids": list(self.escalated_route_ids),
            "submissions_acknowledged": self.submissions_acknowledged,
            "submissions_escalated": self.submissions_escalated,
            "unrouted": list(self.unrouted),
        }


def escalation_level(rules: Routing, urgency: str, acknowledge_by: datetime, now: datetime) -> int:
    """0 before the deadline; then 1 plus one per further deadline missed, capped."""
    if now <= acknowledge_by:
        return 0
    hours = deadline_hours(rules, urgency)
    missed = (now - acknowledge_by).total_seconds() / 3600 / hours
    return min(rules.max_escalation_level, 1 + math.floor(missed))


_ROUTE_COLUMNS = [
    "submission_id",
    "urgency",
    "acknowledge_by",
    "acknowledged_at",
    "acknowledged_by",
    "escalation_level",
    "escalated_at",
]


def escalate(
    session: ActorSession, *, now: datetime | None = None, rules: Routing | None = None
) -> EscalationReport:
    """Escalate every unacknowledged route past its deadline (as the pipeline service account).

    Also copies each submission's first acknowledgement and first escalation from its routes,
    and lists submissions with no recipients. Running it again at the same time changes nothing.
    """
    session.require("intel.escalate")
    rules = rules or routing()
    at = moment(now)
    report = EscalationReport(now=at)
    first_ack: dict[str, tuple[datetime, str | None]] = {}
    first_escalation: dict[str, datetime] = {}
    rows = [row for chunk in session.scan(IntelligenceRoute, _ROUTE_COLUMNS) for row in chunk]
    for route_id, sub_id, urgency, due, acked_at, acked_by, level, escalated_at in rows:
        if acked_at is not None:
            if sub_id not in first_ack or acked_at < first_ack[sub_id][0]:
                first_ack[sub_id] = (acked_at, acked_by)
        else:
            wanted = escalation_level(rules, urgency, due, at)
            if wanted > level:
                escalated_at = escalated_at or at
                session.update(
                    IntelligenceRoute,
                    route_id,
                    escalation_level=wanted,
                    escalated_at=escalated_at,
                )
                report.escalated[wanted] += 1
                report.escalated_route_ids.append(route_id)
                level = wanted
            if due < at:
                report.overdue[level] += 1
        earlier = first_escalation.get(sub_id)
        if escalated_at is not None and (earlier is None or escalated_at < earlier):
            first_escalation[sub_id] = escalated_at
    _copy_to_submissions(session, report, first_ack, first_escalation)
    return report


def _copy_to_submissions(
    session: ActorSession,
    report: EscalationReport,
    first_ack: dict[str, tuple[datetime, str | None]],
    first_escalation: dict[str, datetime],
) -> None:
    columns = ["recipient_agency_ids", "acknowledged_at", "escalated_at"]
    rows = [row for chunk in session.scan(IntelligenceSubmission, columns) for row in chunk]
    for sub_id, recipients, acked_at, escalated_at in rows:
        if not recipients:
            report.unrouted.append(sub_id)
        changes: dict[str, Any] = {}
        if acked_at is None and sub_id in first_ack:
            changes["acknowledged_at"], changes["acknowledged_by"] = first_ack[sub_id]
            report.submissions_acknowledged += 1
        if escalated_at is None and sub_id in first_escalation:
            changes["escalated_at"] = first_escalation[sub_id]
            report.submissions_escalated += 1
        if changes:
            session.update(IntelligenceSubmission, sub_id, **changes)


# -- reads ------------------------------------------------------------------------------------


def _pressing(route: IntelligenceRoute) -> tuple[Any, ...]:
    if route.acknowledged_at is None:
        return (0, -route.escalation_level, route.acknowledge_by.timestamp(), route.id)
    return (1, 0, -route.acknowledged_at.timestamp(), route.id)


def routes_for_me(
    session: ActorSession,
    *,
    unacknowledged: bool = False,
    escalated: bool = False,
    limit: int = 100,
) -> list[IntelligenceRoute]:
    """Routes held by the acting user's agency: unacknowledged first (most escalated, then
    earliest deadline), then acknowledged (latest first)."""
    session.require("intel.acknowledge")  # a role that receives no intelligence is told so
    where: dict[str, Any] = {"agency_id": session.actor.agency_id}
    if unacknowledged:
        where["acknowledged_at"] = None
    found = session.list(IntelligenceRoute, where=where)
    if escalated:
        found = [r for r in found if r.escalation_level >= 1]
    return sorted(found, key=_pressing)[:limit]


def read_route(session: ActorSession, route_id: str) -> tuple[IntelligenceRoute, str]:
    """A route in scope and its text (decrypted by the door)."""
    route = session.get(IntelligenceRoute, route_id)
    return route, route.summary


def submission_status(
    session: ActorSession, submission_id: str
) -> tuple[IntelligenceSubmission, list[IntelligenceRoute]]:
    """A submission the acting user may read (a referrer: their own) and its routes in scope,
    by deadline then recipient agency."""
    submission = session.get(IntelligenceSubmission, submission_id)
    routes = session.list(IntelligenceRoute, where={"submission_id": submission.id})
    return submission, sorted(routes, key=lambda r: (r.acknowledge_by, r.agency_id))


def escalated_routes(session: ActorSession, min_level: int = 1) -> list[IntelligenceRoute]:
    """Unacknowledged routes at ``min_level`` or above (for the panel agenda): highest level
    first, then earliest deadline."""
    if min_level < 1:
        raise InputError("min_level must be 1 or more")
    found = session.list(IntelligenceRoute, where={"acknowledged_at": None})
    chosen = [r for r in found if r.escalation_level >= min_level]
    return sorted(chosen, key=lambda r: (-r.escalation_level, r.acknowledge_by, r.id))


def my_submissions(
    session: ActorSession, *, limit: int = 100
) -> list[tuple[IntelligenceSubmission, list[IntelligenceRoute]]]:
    """The acting user's own submissions, newest first, each with its routes in scope."""
    me = session.actor.user_id
    subs = session.list(IntelligenceSubmission, where={"created_by": me})
    newest = sorted(subs, key=lambda s: (s.created_at, s.id), reverse=True)[:limit]
    routes: dict[str, list[IntelligenceRoute]] = {}
    for r in session.list(IntelligenceRoute, where={"submitted_by": me}):
        routes.setdefault(r.submission_id, []).append(r)
    return [(s, sorted(routes.get(s.id, []), key=lambda r: r.agency_id)) for s in newest]
