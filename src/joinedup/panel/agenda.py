"""Generate a panel meeting's agenda from the joined-up picture.

Run by the pipeline service account (purpose ``panel``) before the meeting: intelligence not
acknowledged in time, overdue and escalated actions, then children and adults/vehicles chosen
by the sections of ``panel/data/agenda.yml`` from the open flags and risk assessments. Each
child put on an agenda gets a safeguarding case (opened when none is), and the child's open
flags and assessments are filed under it, so that panel members may read them (the ``panel``
reach). What the briefings reveal is logged as a disclosure to the panel. Re-generating before
the meeting updates items in place, withdraws items no longer met, and never duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from joinedup.assemble.names import name_from_records
from joinedup.common.errors import JoinedupError
from joinedup.model.base import utcnow
from joinedup.model.organisation import Agency
from joinedup.model.panel import AgendaItem, PanelMeeting
from joinedup.model.policy import policy as access_policy
from joinedup.model.records import SourceRecord
from joinedup.model.safeguarding import (
    Flag,
    IntelligenceRoute,
    RiskAssessment,
    SafeguardingCase,
)
from joinedup.panel.actions import actions_needing_attention
from joinedup.panel.briefing import SubjectSummary, describe, select, summarise
from joinedup.panel.config import AgendaConfig, AgendaSection, agenda_config
from joinedup.panel.intelligence import escalated_routes
from joinedup.store.actor_session import ActorSession, Forbidden
from joinedup.store.door import Door

Key = tuple[str, str, str]  # section, subject type, subject id


class AgendaClosed(JoinedupError, ValueError):
    """The meeting is no longer scheduled, so its agenda cannot be generated again."""


@dataclass
class Planned:
    """One agenda item to hold."""

    section: str
    subject_type: str
    subject_id: str
    title: str
    briefing: dict[str, Any]
    case_id: str | None = None

    @property
    def key(self) -> Key:
        """Identity of the item across re-generations."""
        return (self.section, self.subject_type, self.subject_id)


@dataclass
class AgendaReport:
    """What one generation did."""

    meeting_id: str
    sections: dict[str, dict[str, int]] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    withdrawn: int = 0
    cases_opened: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "meeting_id": self.meeting_id,
            "sections": self.sections,
            "created": self.created,
            "updated": self.updated,
            "withdrawn": self.withdrawn,
            "cases_opened": self.cases_opened,
        }


def _routes(session: ActorSession, agencies: dict[str, Agency]) -> list[Planned]:
    out = []
    for r in escalated_routes(session):
        sender = agencies.get(r.from_agency_id)
        recipient = agencies.get(r.agency_id)
        out.append(
            Planned(
                "",
                "intelligence_route",
                r.id,
                f"{r.urgency.capitalize()} intelligence from "
                f"{sender.name if sender else 'an agency'} to "
                f"{recipient.name if recipient else 'an agency'} not acknowledged since "
                f"{r.acknowledge_by:%Y-%m-%d %H:%M} (escalation level {r.escalation_level})",
                {
                    "route_id": r.id,
                    "submission_id": r.submission_id,
                    "urgency": r.urgency,
                    "acknowledge_by": r.acknowledge_by.isoformat(),
                    "escalation_level": r.escalation_level,
                    "reason": r.reason,
                },
                r.case_id,
            )
        )
    return out


def _actions(session: ActorSession, panel_id: str) -> list[Planned]:
    late = actions_needing_attention(session, panel_id)
    names = session.colleagues(a.owner_user_id for a in late if a.owner_user_id)
    out = []
    for a in late:
        owner = names.get(a.owner_user_id or "")
        out.append(
            Planned(
                "",
                "action",
                a.id,
                f"{a.status.capitalize()} action (due {a.due_on}, "
                f"{owner.username if owner else 'no owner'}): {a.description[:160]}",
                {
                    "action_id": a.id,
                    "status": a.status,
                    "due_on": a.due_on.isoformat() if a.due_on else None,
                    "owner": owner.username if owner else None,
                    "escalation_level": a.escalation_level,
                },
                a.case_id,
            )
        )
    return out


def _name(session: ActorSession, summary: SubjectSummary, shown: list[str]) -> str | None:
    """The subject's name (first named source record) and date of birth (first record that
    has one), from the records that make up the subject."""
    return name_from_records(session, summary.subject_records(), shown)


def _holder(summary: SubjectSummary) -> str:
    """The agency to hold a child's case when the partnership has no social care agency."""
    if summary.flags:
        return summary.flags[0].owner_agency_id or summary.flags[0].agency_id
    assert summary.assessment is not None  # a summary has flags or an assessment
    return summary.assessment.agency_id


def _case_for(
    session: ActorSession, summary: SubjectSummary, care: Agency | None
) -> tuple[str, bool]:
    """The child's open safeguarding case (opened if none), with the open flags and the
    latest assessment filed under it. Returns the case id and whether it was opened now."""
    held = session.list(
        SafeguardingCase, where={"child_person_id": summary.subject_id, "status": "open"}
    )
    opened = not held
    if held:
        case = held[0]
    else:
        owner = care.id if care else _holder(summary)
        case = session.add(
            SafeguardingCase(
                child_person_id=summary.subject_id,
                agency_id=owner,
                opened_on=utcnow().date(),
            )
        )
    for f in summary.flags:
        if f.case_id is None:
            session.update(Flag, f.id, case_id=case.id)
    if summary.assessment is not None and summary.assessment.case_id is None:
        session.update(RiskAssessment, summary.assessment.id, case_id=case.id)
    return case.id, opened


def _subjects(
    session: ActorSession,
    sections: Sequence[AgendaSection],
    report: AgendaReport,
    agencies: dict[str, Agency],
    shown: list[str],
    as_of: date | None = None,
) -> dict[str, list[Planned]]:
    flags = [f for s in ("open", "acknowledged") for f in session.list(Flag, where={"status": s})]
    chosen = select(sections, summarise(flags, session.list(RiskAssessment), as_of))
    care = next(
        (a for a in sorted(agencies.values(), key=lambda a: a.name) if a.kind == "social_care"),
        None,
    )
    out: dict[str, list[Planned]] = {}
    for section_id, (listed, more) in chosen.items():
        report.sections[section_id] = {"listed": len(listed), "not_listed": more}
        planned = []
        for summary in listed:
            case_id = None
            if summary.subject_type == "child":
                case_id, opened = _case_for(session, summary, care)
                report.cases_opened += opened
            name = _name(session, summary, shown)
            briefing = summary.briefing() | {"name": name}
            planned.append(
                Planned(
                    section_id,
                    summary.subject_type,
                    summary.subject_id,
                    describe(summary, name),
                    briefing,
                    case_id,
                )
            )
        out[section_id] = planned
    return out


def plan(
    session: ActorSession,
    meeting: PanelMeeting,
    config: AgendaConfig,
    report: AgendaReport,
    as_of: date | None = None,
) -> tuple[list[Planned], list[str]]:
    """The items the agenda should hold, in order, and the source records named in them.

    Children are judged as of ``as_of``: one known to be 18 or over then is in no children's
    section (the flags' own "current" is used when no date is given)."""
    agencies = {a.id: a for a in session.list(Agency)}
    shown: list[str] = []
    subjects = _subjects(session, config.sections, report, agencies, shown, as_of)
    items: list[Planned] = []
    for section in config.sections:
        if section.source == "intelligence":
            found = _routes(session, agencies)
        elif section.source == "actions":
            found = _actions(session, meeting.panel_id)
        else:
            items.extend(subjects.get(section.id, []))
            continue
        report.sections[section.id] = {
            "listed": min(len(found), section.limit),
            "not_listed": max(0, len(found) - section.limit),
        }
        for p in found[: section.limit]:
            p.section = section.id
            items.append(p)
    return items, shown


def _disclose(session: ActorSession, items: Sequence[Planned], shown: list[str], to: str) -> None:
    flag_ids = [f["id"] for p in items for f in p.briefing.get("flags", [])]
    assessment_ids = [p.briefing["assessment"]["id"] for p in items if p.briefing.get("assessment")]
    route_ids = [p.subject_id for p in items if p.subject_type == "intelligence_route"]
    for model, ids in (
        (Flag, flag_ids),
        (RiskAssessment, assessment_ids),
        (IntelligenceRoute, route_ids),
        (SourceRecord, shown),
    ):
        if ids:
            session.disclose(model, ids, recipient=to)


def generate_agenda(
    session: ActorSession,
    meeting_id: str,
    *,
    config: AgendaConfig | None = None,
    now: datetime | None = None,
    as_of: date | None = None,
) -> AgendaReport:
    """Generate (or refresh) the agenda of a scheduled meeting; see the module docstring.

    Ages and "current" are judged as of ``as_of`` (default: the day of ``now``, today), so
    that an agenda can be replayed for an earlier date."""
    session.require("panel.generate_agenda")
    config = config or agenda_config()
    now = now or datetime.now(UTC)
    as_of = as_of or now.date()
    meeting = session.get(PanelMeeting, meeting_id)
    if meeting.status != "scheduled":
        raise AgendaClosed(
            f"meeting {meeting_id} is {meeting.status}: its agenda can no longer be generated"
        )
    report = AgendaReport(meeting_id)
    items, shown = plan(session, meeting, config, report, as_of)
    existing = session.list(AgendaItem, where={"meeting_id": meeting_id})
    held = {
        (i.section, i.subject_type or "", i.subject_id or ""): i
        for i in existing
        if i.origin == "generated"
    }
    position = 0
    for p in items:
        position += 1
        old = held.pop(p.key, None)
        if old is None:
            session.add(
                AgendaItem(
                    panel_id=meeting.panel_id,
                    meeting_id=meeting_id,
                    agency_id=meeting.agency_id,
                    case_id=p.case_id,
                    position=position,
                    title=p.title[:500],
                    section=p.section,
                    subject_type=p.subject_type,
                    subject_id=p.subject_id,
                    briefing=p.briefing,
                )
            )
            report.created += 1
        else:
            session.update(
                AgendaItem, old.id, position=position, title=p.title[:500], briefing=p.briefing
            )
            report.updated += 1
    for added in sorted((i for i in existing if i.origin == "added"), key=lambda i: i.position):
        position += 1
        session.update(AgendaItem, added.id, position=position)
    for old in sorted(held.values(), key=lambda i: (i.position, i.id)):  # withdrawn go last
        position += 1
        briefing = old.briefing
        if not briefing.get("withdrawn"):
            reason = f"no longer met the agenda rules on {now:%Y-%m-%d}"
            briefing = {**briefing, "withdrawn": reason}
            report.withdrawn += 1
        session.update(AgendaItem, old.id, position=position, briefing=briefing)
    session.update(PanelMeeting, meeting_id, agenda_generated_at=now)
    _disclose(session, items, shown, f"panel {meeting.panel_id}")
    return report


def generate_on_behalf(
    door: Door,
    person: ActorSession,
    meeting_id: str,
    *,
    config: AgendaConfig | None = None,
    now: datetime | None = None,
    as_of: date | None = None,
) -> AgendaReport:
    """Generate a meeting's agenda because ``person`` asked (their session, finished): the
    service account builds it on their behalf (``Door.on_behalf``, logged with both names).

    The person must be allowed ``panel.request_agenda`` and either chair this meeting or be
    allowed ``panel.run_any_meeting``; :func:`joinedup.panel.meetings.request_agenda` in their
    own session (called first) also checks that they can reach the meeting.
    """
    reason = f"{person.actor.username} asked for the agenda of meeting {meeting_id}"
    with door.on_behalf(person, "panel.generate_agenda", reason) as service:
        meeting = service.get(PanelMeeting, meeting_id)
        runs_any = access_policy().allows_action(person.actor.role, "panel.run_any_meeting")
        if person.actor.user_id != meeting.chair_id and not runs_any:
            raise Forbidden(f"only the chair runs meeting {meeting_id}: open, close, its agenda")
        return generate_agenda(service, meeting_id, config=config, now=now, as_of=as_of)
