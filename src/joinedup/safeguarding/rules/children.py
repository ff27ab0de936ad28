"""Evidence queries about children: assessments, plans, placements, missing, concerns, arrests.

Each query reads the :class:`RuleContext` and yields :class:`Finding` objects; its parameters
(with defaults) are declared by a small model and set in ``data/rules.yml``. Conditions are
judged over the whole history held, relative to ``as_of`` (default: today), so a
partnership loading years of records sees every child the system failed, not only today's:
``Finding.current`` says whether the child is still a child on ``as_of``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from joinedup.assemble.view import EventView, RecordRef
from joinedup.safeguarding.evidence import AttributeTest, EventMatch, agency_phrase
from joinedup.safeguarding.rules.context import Finding, RuleContext, day_of
from joinedup.safeguarding.rules.definitions import query
from joinedup.safeguarding.tool import CATEGORY_LABELS


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoAssessmentParams(_Params):
    max_evidence: int = 30


@query("indicators-without-assessment", NoAssessmentParams)
def indicators_without_assessment(ctx: RuleContext, p: NoAssessmentParams) -> Iterator[Finding]:
    """Children with indicators specific to CSE and no risk assessment at all."""
    specific = {i.id for i in ctx.tool.indicators if i.specific}
    for pid, pre in sorted(ctx.prefills.items()):
        if not pre.concern or pid in ctx.assessments:
            continue
        shown = [s for s in pre.present if s.indicator in specific]
        refs = [r for s in shown for r in s.evidence]
        agencies = sorted({r.agency_kind for r in refs})
        category = pre.graded.category if pre.graded else "none"
        also = pre.offending_summary()
        details: dict[str, Any] = {
            "suggested_category": category,
            "score": pre.graded.score if pre.graded else 0,
            "indicators": {s.indicator: s.summary for s in pre.present},
        }
        if pre.offending:
            details["also_recorded_as"] = [r.to_dict() for r in pre.offending[: p.max_evidence]]
        yield Finding(
            "child",
            pid,
            (pid,),
            f"CSE indicators in the records of {agency_phrase(agencies)} since "
            f"{_iso(pre.first_concern)} ({', '.join(s.indicator for s in shown)}) and no risk "
            f"assessment; the pre-fill suggests {CATEGORY_LABELS[category]}"
            + (f"; {also} (not counted as indicators)" if also else ""),
            _dedupe(refs)[: p.max_evidence],
            (pid,),
            ctx.is_current_child(pid),
            details,
        )


class OverdueParams(_Params):
    grace_days: int = 0


@query("assessment-overdue", OverdueParams)
def assessment_overdue(ctx: RuleContext, p: OverdueParams) -> Iterator[Finding]:
    """Latest assessments past their review date (for children still children on ``as_of``)."""
    for pid, a in sorted(ctx.assessments.items()):
        due = a.next_review_due
        if due is None or due + timedelta(days=p.grace_days) >= ctx.as_of:
            continue
        person = ctx.person(pid)
        if person is not None and person.date_of_birth is not None and not person.is_child_on(due):
            continue
        refs = ctx.refs(r for ans in a.answers if ans.present for r in ans.evidence_record_ids)
        yield Finding(
            "child",
            pid,
            (a.id,),
            f"{CATEGORY_LABELS[a.category]} assessment (version {a.version}, "
            f"{a.assessed_on.isoformat()}) was due for review on {due.isoformat()}: "
            f"{(ctx.as_of - due).days} days overdue",
            refs[:30],
            (pid,),
            ctx.is_current_child(pid),
            {"assessment_id": a.id, "due": due.isoformat(), "category": a.category},
        )


class ThresholdParams(_Params):
    categories: tuple[str, ...] = ("category_2", "category_3")
    plan_types: tuple[str, ...] = ("cin_episode", "cp_plan", "looked_after")
    grace_days: int = 45


@query("threshold-gap", ThresholdParams)
def threshold_gap(ctx: RuleContext, p: ThresholdParams) -> Iterator[Finding]:
    """Category 2 or 3 (assessed, else suggested) with no plan around the time of the concern."""
    for pid in sorted(set(ctx.prefills) | set(ctx.assessments)):
        assessed = ctx.assessments.get(pid)
        pre = ctx.prefills.get(pid)
        if assessed is not None:
            category, basis = assessed.category, assessed.id
            start = end = assessed.assessed_on
        elif pre is not None and pre.graded is not None and pre.reference_date is not None:
            category, basis = pre.graded.category, "pre-fill"
            start, end = pre.first_concern or pre.reference_date, pre.reference_date
        else:
            continue
        if category not in p.categories or pid not in ctx.assembly.persons:
            continue
        until = end + timedelta(days=p.grace_days)
        plans = [
            e
            for e in ctx.child_events(pid, p.plan_types)
            if _overlaps(day_of(e), e.end, start, until)
        ]
        if plans:
            continue
        refs = _category_evidence(ctx, pid, assessed is None)
        how = "suggested by the pre-fill" if basis == "pre-fill" else "assessed"
        yield Finding(
            "child",
            pid,
            (pid, basis),
            f"{CATEGORY_LABELS[category]} ({how}, {_iso(start)} to {_iso(end)}) with no child "
            "in need, child protection or looked after plan: the threshold gap",
            refs,
            (pid,),
            ctx.is_current_child(pid),
            {"category": category, "basis": basis},
        )


def _category_evidence(ctx: RuleContext, pid: str, from_prefill: bool) -> list[RecordRef]:
    if from_prefill:
        pre = ctx.prefills[pid]
        return _dedupe([r for s in pre.present for r in s.evidence])[:30]
    a = ctx.assessments[pid]
    return ctx.refs(r for ans in a.answers if ans.present for r in ans.evidence_record_ids)[:30]


_LOOKED_AFTER = ("looked_after",)


class PlacementParams(_Params):
    placements: tuple[EventMatch, ...] = (
        EventMatch(types=_LOOKED_AFTER, attributes={"residential": AttributeTest(truthy=True)}),
        EventMatch(
            types=_LOOKED_AFTER, attributes={"placement_type": AttributeTest(any_of=("H5", "P2"))}
        ),
        EventMatch(types=_LOOKED_AFTER, attributes={"out_of_area": AttributeTest(truthy=True)}),
    )
    out_of_area_attribute: str = "out_of_area"
    type_attribute: str = "placement_type"
    notification_types: tuple[str, ...] = ("notification",)
    notified_attribute: str = "host_authority_notified"


@query("placement-without-notification", PlacementParams)
def placement_without_notification(ctx: RuleContext, p: PlacementParams) -> Iterator[Finding]:
    """Looked-after children at risk, placed residentially or out of area, host not told."""
    told_test = AttributeTest(truthy=True)
    for pid in sorted(ctx.at_risk):
        concern = ctx.specific_dates(pid)
        ev = ctx.evidence(pid)
        for placement in ev.child_events():
            start = day_of(placement)
            if start is None or not any(ev.event_matches(placement, m) for m in p.placements):
                continue
            ends = placement.end or ctx.as_of
            if concern and concern[0] > ends:
                continue
            if told_test.passes(placement.attributes.get(p.notified_attribute)):
                continue
            told = [
                e
                for e in ctx.child_events(pid, p.notification_types)
                if (d := day_of(e)) is not None and start - timedelta(days=7) <= d <= ends
            ]
            if told:
                continue
            away = told_test.passes(placement.attributes.get(p.out_of_area_attribute))
            where = "out of area" if away else "in a residential or semi-independent placement"
            kind = placement.attributes.get(p.type_attribute) or "placement"
            yield Finding(
                "child",
                pid,
                (pid, placement.id),
                f"Looked-after child at risk of CSE placed {where} ({kind}, from "
                f"{start.isoformat()}); no notification to the host authority recorded",
                [placement.source],
                (pid,),
                ctx.is_current_child(pid),
                {"placement": placement.id, "out_of_area": away},
            )


class MissingParams(_Params):
    missing_types: tuple[str, ...] = ("missing_episode",)
    return_types: tuple[str, ...] = ("return_interview",)
    offered_attributes: tuple[str, ...] = ("return_interview_offered",)
    hours: int = 72
    same_episode_days: int = 1


@query("missing-without-return-interview", MissingParams)
def missing_without_return_interview(ctx: RuleContext, p: MissingParams) -> Iterator[Finding]:
    """Missing episodes of children with no return interview within ``hours`` of return."""
    for pid in sorted(ctx.assembly.persons):
        episodes = ctx.child_events(pid, p.missing_types)
        if not episodes:
            continue
        interviews = [d for e in ctx.child_events(pid, p.return_types) if (d := day_of(e))]
        for group in _episodes(episodes, p.same_episode_days):
            start = min(d for e in group if (d := day_of(e)) is not None)
            back = max((e.end or d) for e in group if (d := day_of(e)) is not None)
            deadline = back + timedelta(hours=p.hours)
            offered = any(
                AttributeTest(truthy=True).passes(e.attributes.get(a))
                for e in group
                for a in p.offered_attributes
            )
            if offered or any(back <= d <= deadline for d in interviews):
                continue
            if deadline > ctx.as_of:
                continue
            agencies = sorted({e.source.agency_kind for e in group})
            yield Finding(
                "child",
                pid,
                (pid, min(e.source.record_id for e in group)),
                f"Missing from {start.isoformat()} (back {back.isoformat()}), reported by "
                f"{agency_phrase(agencies)}: no return interview within {p.hours} hours",
                [e.source for e in group],
                (pid,),
                ctx.is_current_child(pid),
                {"start": start.isoformat(), "returned": back.isoformat()},
            )


def _episodes(events: list[EventView], days: int) -> list[list[EventView]]:
    """Records of the same episode (same child, starting within ``days``) grouped."""
    dated = sorted((e for e in events if day_of(e) is not None), key=lambda e: (day_of(e), e.id))
    groups: list[list[EventView]] = []
    for event in dated:
        d = day_of(event)
        if groups and d is not None and (d - day_of(groups[-1][0])).days <= days:  # type: ignore[operator]
            groups[-1].append(event)
        else:
            groups.append([event])
    return groups


class ConcernParams(_Params):
    concerns: tuple[EventMatch, ...] = (
        EventMatch(
            types=(
                "concern",
                "intelligence_report",
                "disclosure",
                "sighting",
                "vehicle_stop",
                "strategy_meeting",
            )
        ),
        EventMatch(types=("contact",), agencies=("social_care",)),
        EventMatch(cse_concern=True),
        EventMatch(attributes={"safeguarding_flag": AttributeTest(truthy=True)}),
    )
    min_agencies: int = 2
    within_days: int = 7


@query("multi-agency-concerns", ConcernParams)
def multi_agency_concerns(ctx: RuleContext, p: ConcernParams) -> Iterator[Finding]:
    """Concerns about the same child from two or more agencies within a few days."""
    for pid in sorted(ctx.assembly.persons):
        ev = ctx.evidence(pid)
        items = [
            e
            for e in ev.child_events()
            if day_of(e) is not None and any(ev.event_matches(e, m) for m in p.concerns)
        ]
        i = 0
        while i < len(items):
            first = day_of(items[i])
            assert first is not None
            window = [e for e in items[i:] if (day_of(e) - first).days <= p.within_days]  # type: ignore[operator]
            agencies = sorted({e.source.agency_kind for e in window})
            if len(agencies) >= p.min_agencies:
                last = day_of(window[-1])
                yield Finding(
                    "child",
                    pid,
                    (pid, window[0].source.record_id),
                    f"Concerns from {agency_phrase(agencies)} within {p.within_days} days "
                    f"({first.isoformat()} to {_iso(last)}): {len(window)} records",
                    [e.source for e in window],
                    (pid,),
                    ctx.is_current_child(pid),
                    {"agencies": agencies, "first": first.isoformat()},
                )
                i += len(window)
            else:
                i += 1


class ArrestParams(_Params):
    arrest_types: tuple[str, ...] = ("arrest", "charge")
    days_before: int = 365
    days_after: int = 30


@query("arrested-with-indicators", ArrestParams)
def arrested_with_indicators(ctx: RuleContext, p: ArrestParams) -> Iterator[Finding]:
    """A child arrested or charged while indicators of CSE exist: review them as a victim."""
    for pid in sorted(ctx.at_risk):
        concern = ctx.specific_dates(pid)
        for arrest in ctx.child_events(pid, p.arrest_types):
            day = day_of(arrest)
            if day is None:
                continue
            near = [
                d
                for d in concern
                if day - timedelta(days=p.days_before) <= d <= day + timedelta(days=p.days_after)
            ]
            if not near:
                continue
            outcome = arrest.attributes.get("outcome") or arrest.attributes.get("offence") or ""
            pre = ctx.prefills.get(pid)
            refs = [arrest.source]
            if pre is not None:
                refs += _dedupe([r for s in pre.present for r in s.evidence])[:20]
            what = "arrested" if arrest.event_type == "arrest" else "charged"
            yield Finding(
                "child",
                pid,
                (pid, arrest.id),
                f"Child {what} on {day.isoformat()}"
                f"{f' ({outcome})' if outcome else ''} while CSE indicators exist "
                f"({near[0].isoformat()} to {near[-1].isoformat()}): review as a possible victim",
                refs,
                (pid,),
                ctx.is_current_child(pid),
                {"arrest": arrest.id},
            )


def _overlaps(start: date | None, end: date | None, lo: date, hi: date) -> bool:
    if start is None:
        return False
    return start <= hi and (end is None or end >= lo)


def _dedupe(refs: list[RecordRef]) -> list[RecordRef]:
    return list({r.record_id: r for r in refs}.values())


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else "an unknown date"
