"""Use cases: the risk tool and the rules (assess), one child's pre-fill, recording an
assessment, and the flags the rules and the language checker raise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from joinedup.app.context import Caller, runtime, session
from joinedup.app.results import Saved
from joinedup.assemble.build import assemble
from joinedup.assemble.names import name_from_records, person_names
from joinedup.model.organisation import Agency
from joinedup.model.safeguarding import Flag, RiskAssessment
from joinedup.safeguarding import assessments
from joinedup.safeguarding import flags as held
from joinedup.safeguarding.flags import subject_age
from joinedup.safeguarding.notes import NotesReport, check_notes, language_report
from joinedup.safeguarding.prefill import prefill
from joinedup.safeguarding.rules.definitions import load_rules
from joinedup.safeguarding.run import AssessReport, assess
from joinedup.safeguarding.scoring import Decision
from joinedup.safeguarding.tool import load_tool
from joinedup.store.actor_session import ActorSession, NotFound

__all__ = [
    "AssessReport",
    "Assessed",
    "FlagView",
    "NotesReport",
    "Prefill",
    "Recorded",
    "agency_flags",
    "child_prefill",
    "flag",
    "flagged_language",
    "flags",
    "move_flag",
    "record_assessment",
    "run_assessment",
]


@dataclass
class Assessed:
    """What an assessment run found, and the notes check if it was asked for."""

    report: AssessReport
    notes: NotesReport | None = None


def run_assessment(
    who: Caller,
    *,
    as_of: date | None = None,
    with_notes: bool = False,
    tool_file: Path | None = None,
    rules_file: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Assessed:
    """The risk-tool pre-fill and every rule over what ``who`` may see; the flags held.
    ``tool_file``/``rules_file``: the partnership's own risk tool or rules instead of the
    shipped ones."""
    tool = load_tool(tool_file) if tool_file else None
    rules = load_rules(rules_file) if rules_file else None
    rt = runtime()
    with session(who, rt) as opened:
        report = assess(opened, tool=tool, rules=rules, as_of=as_of, progress=progress)
        notes = None
        if with_notes:
            if progress:
                progress("checking the notes")
            notes = check_notes(opened)
    return Assessed(report, notes)


@dataclass
class Prefill:
    """One child's pre-filled risk tool: suggestions with their evidence, and the versions
    recorded so far."""

    person_id: str
    tool_version: str
    age: int | None
    suggested_category: str
    score: float
    raised_by: list[str]
    suggestions: list[dict[str, Any]]
    versions: list[RiskAssessment] = field(default_factory=list)
    also_recorded_as: list[dict[str, Any]] = field(default_factory=list)  # offending roles
    not_counted: str | None = None  # those records in words: never the child's indicators
    age_today: int | None = None  # the age an assessment recorded today grades by

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``assess show --json``)."""
        return {
            "person_id": self.person_id,
            "tool_version": self.tool_version,
            "age": self.age,
            "suggested_category": self.suggested_category,
            "score": self.score,
            "raised_by": self.raised_by,
            "suggestions": self.suggestions,
            "versions": [
                {
                    "version": v.version,
                    "category": v.category,
                    "assessed_on": v.assessed_on.isoformat(),
                }
                for v in self.versions
            ],
            "also_recorded_as": self.also_recorded_as,
        }


def child_prefill(who: Caller, person_id: str) -> Prefill:
    """The risk tool pre-filled from every record ``who`` may see about one child."""
    rt = runtime()
    with session(who, rt) as opened:
        assembly = assemble(opened)
        person = assembly.persons.get(person_id)
        if person is None:
            raise NotFound(f"no person with id {person_id}")
        pre = prefill(assembly, person)
        age_today = person.age_on(date.today())
        versions = assessments.history(opened, person_id)
        # the assembly was a scan; what this screen shows is the child and the evidence
        opened.record_shown("person", [person_id])
        opened.record_shown(
            "source_record",
            [r.record_id for s in pre.suggestions for r in s.evidence]
            + [r.ref.record_id for r in pre.offending],
        )
    graded = pre.graded
    return Prefill(
        person_id=person_id,
        tool_version=pre.tool_version,
        age=pre.age,
        suggested_category=graded.category if graded else "none",
        score=graded.score if graded else 0,
        raised_by=list(graded.raised_by) if graded else [],
        suggestions=[
            {
                "indicator": s.indicator,
                "present": s.present,
                "summary": s.summary,
                "evidence": [r.record_id for r in s.evidence],
                "records": [
                    {
                        "record_id": r.record_id,
                        "agency": r.agency_kind,
                        "record_type": r.record_type,
                        "agency_key": r.agency_key,
                    }
                    for r in s.evidence
                ],
                "agencies": s.agencies,
            }
            for s in pre.suggestions
        ],
        versions=versions,
        also_recorded_as=[r.to_dict() for r in pre.offending],
        not_counted=pre.offending_summary() if pre.offending else None,
        age_today=age_today if age_today is not None and age_today >= 0 else None,
    )


@dataclass(frozen=True)
class Recorded(Saved[RiskAssessment]):
    """A stored assessment version, the indicators overridden, and the language found."""

    overridden: list[str] = field(default_factory=list)


def record_assessment(
    who: Caller,
    person_id: str,
    answers: dict[str, tuple[bool, str | None]],
    assessed_on: date | None = None,
    *,
    child_views: str | None = None,
    protective_factors: str | None = None,
    safety_plan: str | None = None,
) -> Recorded:
    """Record a new assessment version: suggestions confirmed, or overridden with reasons;
    with the child's own views and wishes, the protective factors and the safety plan
    (stored encrypted). Every text is checked for victim-blaming language: saved as written,
    with findings."""
    narrative = {
        "child_views": child_views,
        "protective_factors": protective_factors,
        "safety_plan": safety_plan,
    }
    decisions = {k: Decision(present, reason) for k, (present, reason) in answers.items()}
    rt = runtime()
    with session(who, rt) as opened:
        assembly = assemble(opened)
        done = assessments.record(
            opened,
            assembly,
            person_id,
            decisions,
            assessed_on=assessed_on or date.today(),
            narrative=narrative,
        )
    return Recorded(done.assessment, list(done.language), list(done.overridden))


SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class FlagView:
    """A flag with names: its subject (the child: name and date of birth where the reader
    may see a named record) and its owner agency."""

    flag: Flag
    subject: str
    owner: str
    age_on: date | None = None
    age: int | None = None  # the subject's age on ``age_on``, where known

    @property
    def severity(self) -> str:
        """The rule's severity (high, medium, low)."""
        return str(self.flag.evidence.get("severity", ""))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the flag with ``subject_name`` and ``owner_agency``."""
        return {
            **self.flag.model_dump(mode="json"),
            "subject_name": self.subject,
            "owner_agency": self.owner,
            "age_on": self.age_on.isoformat() if self.age_on else None,
            "age": self.age,
        }


def _unnamed(f: Flag) -> str:
    """How a flag's subject is shown when no record the reader may see names them: what it
    is and which agencies' records raised it, never a bare id."""
    kinds = {"child": "A child", "person": "A person", "vehicle": "A vehicle"}
    what = kinds.get(f.subject_type, "A record")
    held = sorted(
        {str(r.get("agency")) for r in f.evidence.get("records") or [] if r.get("agency")}
    )
    return f"{what} known to {', '.join(a.replace('_', ' ') for a in held)}" if held else what


def _views(opened: ActorSession, found: list[Flag], on: date | None = None) -> list[FlagView]:
    agencies = {a.id: a.name for a in opened.list(Agency)}
    views = []
    named: dict[tuple[str, ...], str | None] = {}  # a child with several flags: looked up once
    for f in found:
        records = f.evidence.get("subject_records") or []
        key = (f.subject_type, f.subject_id, *records)
        if key not in named:
            name = name_from_records(opened, records) if records else None
            if name is None and f.subject_type in ("child", "person"):
                name = person_names(opened, [f.subject_id]).get(f.subject_id)
            named[key] = name
        name = named[key]
        owner = f.owner_agency_id or f.agency_id
        day = on or date.today()
        subject = name or _unnamed(f)
        views.append(FlagView(f, subject, agencies.get(owner, owner), day, subject_age(f, day)))
    return views


def flags(
    who: Caller,
    *,
    rule_id: str | None = None,
    status: str | None = None,
    subject_id: str | None = None,
    limit: int | None = 100,
    as_of: date | None = None,
    owner: str | None = None,
) -> list[FlagView]:
    """Flags ``who`` may see, filtered by rule, status, subject and ``owner`` (the agency
    that owns the flag: its ``owner_agency_id``, else the agency holding it): those about
    someone who is a child on ``as_of`` (default today) first, then most severe, then oldest,
    with their subjects' names."""
    where = {
        k: v
        for k, v in (("rule_id", rule_id), ("status", status), ("subject_id", subject_id))
        if v is not None
    }
    with session(who) as opened:
        return _ranked(opened, where, owner, limit, as_of)


def agency_flags(who: Caller, status: str, limit: int | None = 100) -> list[FlagView]:
    """The flags of ``status`` owned by the caller's agency, children first (as
    :func:`flags`), then most severe, then oldest: the
    list of a role that acts on flags (:class:`Forbidden` for one that neither acknowledges
    nor resolves them)."""
    with session(who) as opened:
        if not opened.may("flags.resolve"):
            opened.require("flags.acknowledge")
        owner = opened.actor.agency_id
        return _ranked(opened, {"status": status}, owner, limit, None)


def _ranked(
    opened: ActorSession,
    where: dict[str, Any],
    owner: str | None,
    limit: int | None,
    as_of: date | None,
) -> list[FlagView]:
    # rank every flag in scope (a scan: read, not shown), then read the ones shown
    columns = ["evidence", "created_at", "owner_agency_id", "agency_id"]
    on = as_of or date.today()
    ranked = sorted(
        (
            (
                _adult_on(evidence or {}, on),
                SEVERITY_ORDER.get(str((evidence or {}).get("severity")), 3),
                created,
                flag_id,
            )
            for chunk in opened.scan(Flag, columns, where=where)
            for flag_id, evidence, created, owned_by, held_by in chunk
            if owner is None or (owned_by or held_by) == owner
        )
    )
    shown = [flag_id for *_, flag_id in (ranked[:limit] if limit else ranked)]
    order = {flag_id: i for i, flag_id in enumerate(shown)}
    found = sorted(opened.list(Flag, where={"id": shown}), key=lambda f: order[f.id])
    return _views(opened, found, as_of)


def _adult_on(evidence: dict[str, Any], on: date) -> bool:
    """Whether the flag's subject is known to be 18 or over on ``on`` (its ``child_until``):
    a flag about someone who is a child now comes before one about an adult's childhood."""
    until = evidence.get("child_until")
    return isinstance(until, str) and until <= on.isoformat()


def flag(who: Caller, flag_id: str) -> FlagView:
    """One flag with its evidence and history (logged as shown), with names."""
    with session(who) as opened:
        return _views(opened, [held.get_flag(opened, flag_id)])[0]


def move_flag(
    who: Caller, flag_id: str, status: Literal["acknowledged", "resolved"], note: str | None
) -> Saved[Flag]:
    """Acknowledge (optional note) or resolve (reason required) a flag."""
    with session(who) as opened:
        moved = held.move(opened, flag_id, status, note)
    return Saved(moved.saved, list(moved.language))


def flagged_language(who: Caller, *, totals: bool = True) -> dict[str, Any]:
    """Notes with victim-blaming language per agency and author (from the held flags)."""
    with session(who) as opened:
        return language_report(opened, totals=totals).to_dict()
