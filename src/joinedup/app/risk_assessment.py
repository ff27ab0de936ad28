"""Use cases of the risk assessment form (issue 17, social worker and CSE team): the form
pre-filled from the linked records, the category and next review date the answers would give
(before saving), and every version of a child's assessment side by side with what changed.

Recording is :func:`joinedup.app.safeguarding.record_assessment` (the CLI's too).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from joinedup.app.context import Caller, session
from joinedup.app.safeguarding import Prefill, child_prefill
from joinedup.assemble.names import person_names
from joinedup.model.safeguarding import RiskAssessment
from joinedup.safeguarding.assessments import NARRATIVE, history
from joinedup.safeguarding.scoring import grade, next_review
from joinedup.safeguarding.tool import CATEGORY_LABELS, default_tool

__all__ = [
    "NARRATIVE",
    "AssessmentForm",
    "Graded",
    "IndicatorRow",
    "Versions",
    "assessment_form",
    "assessment_versions",
    "category_words",
    "grade_preview",
    "preview_grade",
]


def category_words(category: str) -> str:
    """ "Category 2 (opportunistic abuse)", or "no current concern"."""
    return CATEGORY_LABELS.get(category, category)


@dataclass(frozen=True)
class Graded:
    """What a set of answers gives: score, category (and in words), the hard rules that
    raised it, and the next review date."""

    score: int
    category: str
    words: str
    raised_by: tuple[str, ...]
    next_review: date | None


def preview_grade(answers: Mapping[str, bool], age: int | None, on: date) -> Graded:
    """The category and next review date these answers would give a child of ``age`` on
    ``on`` (nothing is stored; recording computes it again from the records)."""
    tool = default_tool()
    graded = grade(tool, {i.id: bool(answers.get(i.id)) for i in tool.indicators}, age)
    reasons = {r.id: r.reason for r in tool.grading.hard_rules}
    return Graded(
        graded.score,
        graded.category,
        category_words(graded.category),
        tuple(reasons.get(r, r) for r in graded.raised_by),
        next_review(tool, graded.category, on),
    )


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator on the form: what it is, what the records suggest and why (with the
    records to click through to), and the answer of the latest version."""

    id: str
    label: str
    group: str
    specific: bool
    suggested: bool
    summary: str
    records: list[dict[str, str]]
    previous: bool | None = None


@dataclass
class AssessmentForm:
    """The risk assessment form for one child."""

    person_id: str
    name: str
    prefill: Prefill
    indicators: list[IndicatorRow]
    graded: Graded  # what the suggestions give, as of today
    latest: RiskAssessment | None = None
    narrative: dict[str, str] = field(default_factory=dict)  # the latest version's, carried


ASSESS = "assessment.record"  # the action of every page of the assessment


def _name(who: Caller, person_id: str) -> str:
    with session(who) as opened:
        return person_names(opened, [person_id]).get(person_id) or "This child"


def _assessor(who: Caller) -> None:
    """:class:`Forbidden` unless ``who`` may record risk assessments."""
    with session(who) as opened:
        opened.require(ASSESS)


def grade_preview(who: Caller, answers: Mapping[str, bool], age: int | None, on: date) -> Graded:
    """:func:`preview_grade` for the form of someone who records assessments
    (:class:`Forbidden` for anyone else)."""
    _assessor(who)
    return preview_grade(answers, age, on)


def assessment_form(who: Caller, person_id: str, today: date | None = None) -> AssessmentForm:
    """The form pre-filled from every record ``who`` may see about the child, with the
    latest version's answers and narrative to start a review from (:class:`Forbidden`
    unless ``who`` records assessments)."""
    _assessor(who)
    pre = child_prefill(who, person_id)
    tool = default_tool()
    latest = pre.versions[-1] if pre.versions else None
    before = {a.indicator: a.present for a in latest.answers} if latest else {}
    rows = []
    for s in pre.suggestions:
        indicator = tool.indicator(s["indicator"])
        rows.append(
            IndicatorRow(
                indicator.id,
                indicator.label,
                indicator.group,
                indicator.specific,
                bool(s["present"]),
                s["summary"],
                list(s["records"]),
                before.get(indicator.id),
            )
        )
    suggested = {r.id: r.suggested for r in rows}
    carried = {n: getattr(latest, n) for n in NARRATIVE if latest and getattr(latest, n)}
    return AssessmentForm(
        person_id,
        _name(who, person_id),
        pre,
        rows,
        preview_grade(suggested, pre.age_today, today or date.today()),
        latest,
        carried,
    )


@dataclass
class Versions:
    """Every version of a child's assessment the reader may see, oldest first, as columns:
    per indicator the answer in each version, and where it changed from the one before."""

    person_id: str
    name: str
    versions: list[RiskAssessment]
    assessors: dict[str, str]  # user id -> username
    labels: dict[str, str]  # indicator id -> label
    rows: list[dict[str, Any]] = field(default_factory=list)

    def changed(self, index: int, attribute: str) -> bool:
        """Whether version ``index`` differs from the one before in ``attribute``."""
        if index == 0:
            return False
        before, now = self.versions[index - 1], self.versions[index]
        return bool(getattr(before, attribute) != getattr(now, attribute))


def assessment_versions(who: Caller, person_id: str) -> Versions:
    """A child's assessment versions side by side (logged as shown), with who assessed
    (:class:`Forbidden` unless ``who`` records assessments)."""
    tool = default_tool()
    with session(who) as opened:
        opened.require(ASSESS)
        found = history(opened, person_id)
        names = person_names(opened, [person_id]) if found else {}
        people = opened.colleagues(a.assessor_id for a in found if a.assessor_id)
    labels = {i.id: i.label for i in tool.indicators}
    order = [i.id for i in tool.indicators]
    for a in found:
        order += [x.indicator for x in a.answers if x.indicator not in order]
    rows = []
    for indicator in order:
        cells = []
        last: bool | None = None
        for i, a in enumerate(found):
            answer = next((x for x in a.answers if x.indicator == indicator), None)
            present = answer.present if answer else None
            cells.append(
                {
                    "present": present,
                    "note": answer.note if answer else None,
                    "changed": i > 0 and present != last,
                }
            )
            last = present
        rows.append({"indicator": indicator, "label": labels.get(indicator, indicator),
                     "cells": cells})  # fmt: skip
    return Versions(
        person_id,
        names.get(person_id) or "This child",
        found,
        {i: a.username for i, a in people.items()},
        labels,
        rows,
    )
