"""Routing an intelligence submission to its recipient agencies (the pipeline's step).

The routing document (:func:`joinedup.panel.config.routing`) names, per agency kind, when a
submission goes there: ``always``, ``vehicle`` (a registration mark was given, or the text
names one of the rule's words such as "taxi") or ``words`` (the text names one of the words).
Words match case-insensitively as whole words or phrases ("cab" does not match "cabinet").

Each recipient agency gets one :class:`IntelligenceRoute` with its own encrypted copy of the
text, the reasons it was routed there and the deadline to acknowledge it. A submission is never
routed back to the submitter's own agency. Routing again creates nothing new for agencies that
already hold a route; a submission that matches no agency raises :class:`NoRecipients` rather
than being left unrouted without anyone knowing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from joinedup.common.errors import InputError, JoinedupError
from joinedup.model.base import new_id, utcnow
from joinedup.model.organisation import Agency
from joinedup.model.safeguarding import IntelligenceRoute, IntelligenceSubmission
from joinedup.panel.config import RouteRule, Routing, routing
from joinedup.store.actor_session import ActorSession
from joinedup.store.door import Door

_REASON_LIMIT = 500


class NoRecipients(JoinedupError, ValueError):
    """No agency in the partnership matches the routing rules for a submission."""


def moment(now: datetime | None) -> datetime:
    """``now`` in UTC (a naive time is taken as UTC); the current time when None."""
    if now is None:
        return utcnow()
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def deadline_hours(rules: Routing, urgency: str) -> float:
    """Hours a recipient has to acknowledge a submission of ``urgency``."""
    return rules.deadlines_hours[urgency]


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = [r"\s+".join(re.escape(p) for p in w.split()) for w in words if w.strip()]
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def names_any(text: str, words: Iterable[str]) -> bool:
    """Whether ``text`` names any of ``words`` (case-insensitive, whole words or phrases)."""
    pattern = _pattern(tuple(words))
    return bool(pattern and pattern.search(text.replace("\u2019", "'")))


def rule_matches(rule: RouteRule, text: str, vrms: Sequence[str]) -> bool:
    """Whether one routing rule applies to a submission's text and registration marks."""
    if rule.when == "always":
        return True
    if rule.when == "vehicle" and vrms:
        return True
    return names_any(text, rule.words)


@dataclass(frozen=True)
class Recipient:
    """An agency a submission goes to, and why (the matching rules' reasons, in order)."""

    agency: Agency
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        """The reasons joined, within the route's 500 characters."""
        joined = " ".join(self.reasons)
        if len(joined) <= _REASON_LIMIT:
            return joined
        return joined[: _REASON_LIMIT - 3].rstrip() + "..."


def plan(
    rules: Routing,
    agencies: Iterable[Agency],
    *,
    text: str,
    vrms: Sequence[str],
    from_agency_id: str,
) -> list[Recipient]:
    """Every agency (other than the submitter's) of each matching rule's kind, in rule order."""
    by_kind: dict[str, list[Agency]] = {}
    for agency in sorted(agencies, key=lambda a: (a.name, a.id)):
        if agency.id != from_agency_id:
            by_kind.setdefault(agency.kind, []).append(agency)
    reasons: dict[str, list[str]] = {}
    chosen: dict[str, Agency] = {}
    for rule in rules.routes:
        if not rule_matches(rule, text, vrms):
            continue
        for agency in by_kind.get(rule.agency_kind, []):
            chosen.setdefault(agency.id, agency)
            found = reasons.setdefault(agency.id, [])
            if rule.reason not in found:
                found.append(rule.reason)
    return [Recipient(chosen[i], tuple(reasons[i])) for i in chosen]


def _matching_kinds(rules: Routing, text: str, vrms: Sequence[str]) -> list[str]:
    kinds = [r.agency_kind for r in rules.routes if rule_matches(r, text, vrms)]
    return list(dict.fromkeys(kinds))


def route(
    session: ActorSession,
    submission_id: str,
    *,
    rules: Routing | None = None,
    now: datetime | None = None,
) -> list[IntelligenceRoute]:
    """Route a submission to its recipient agencies (as the pipeline service account).

    Returns every route of the submission (those made now and any made before), ordered by
    deadline then agency id. Raises :class:`NoRecipients` when no agency matches.
    """
    session.require("intel.route")
    rules = rules or routing()
    at = moment(now)
    submission = session.get(IntelligenceSubmission, submission_id)
    if submission.created_by is None:
        raise InputError(f"intelligence submission {submission_id} has no submitter")
    text = submission.summary  # decrypted by the door
    existing = session.list(IntelligenceRoute, where={"submission_id": submission.id})
    held = {r.agency_id for r in existing}
    recipients = plan(
        rules,
        session.list(Agency),
        text=text,
        vrms=submission.vrms,
        from_agency_id=submission.agency_id,
    )
    if not recipients and not existing:
        kinds = ", ".join(_matching_kinds(rules, text, submission.vrms)) or "none"
        raise NoRecipients(
            f"intelligence submission {submission.id} matched no recipient agency: the routing "
            f"rules send it to agencies of kind {kinds}, and the partnership has none other "
            "than the submitter's own. Add the agency (`joinedup agencies add`), then route it "
            f"again (`joinedup intel route {submission.id}`)."
        )
    due = at + timedelta(hours=deadline_hours(rules, submission.urgency))
    new: list[IntelligenceRoute] = []
    for recipient in recipients:
        if recipient.agency.id in held:
            continue
        route_id = new_id()
        new.append(
            IntelligenceRoute(
                id=route_id,
                agency_id=recipient.agency.id,
                case_id=submission.case_id,
                created_at=at,
                submission_id=submission.id,
                from_agency_id=submission.agency_id,
                submitted_by=submission.created_by,
                summary=text,  # the door encrypts the route's own copy
                urgency=submission.urgency,
                reason=recipient.reason,
                grading=submission.grading,
                acknowledge_by=due,
            )
        )
    added = session.add_all(new)
    routes = sorted([*existing, *added], key=lambda r: (r.acknowledge_by, r.agency_id))
    _record_recipients(session, submission, routes)
    return routes


def _record_recipients(
    session: ActorSession, submission: IntelligenceSubmission, routes: Sequence[IntelligenceRoute]
) -> None:
    recipients = sorted({r.agency_id for r in routes})
    earliest = min(r.acknowledge_by for r in routes)
    changes: dict[str, object] = {}
    if recipients != sorted(submission.recipient_agency_ids):
        changes["recipient_agency_ids"] = recipients
    if submission.acknowledge_by is None or earliest < submission.acknowledge_by:
        changes["acknowledge_by"] = earliest
    if changes:
        session.update(IntelligenceSubmission, submission.id, **changes)


@dataclass(frozen=True)
class Routed:
    """A submission's routes and the names of the agencies they go to (by agency id)."""

    routes: list[IntelligenceRoute]
    agency_names: dict[str, str]


def route_on_behalf(
    door: Door,
    person: ActorSession,
    submission_id: str,
    *,
    now: datetime | None = None,
) -> Routed:
    """Route a submission ``person`` has just made (their session, finished): the service
    account routes it on their behalf (``Door.on_behalf``, logged with both names).

    Raises what :func:`route` raises; the submission stays saved, unrouted, and the pipeline's
    escalation sweep lists it until it is routed.
    """
    reason = f"route the intelligence submission {submission_id} {person.actor.username} made"
    with door.on_behalf(person, "intel.route", reason) as service:
        routes = route(service, submission_id, now=now)
        names = {a.id: a.name for a in service.list(Agency)}
    return Routed(routes, names)
