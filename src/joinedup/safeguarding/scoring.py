"""Scoring and grading of the risk tool, and completing an assessment from a pre-fill.

Score = the points of the indicators present. With no indicator specific to CSE there is no
current concern ("none"); otherwise the score's category, raised by the hard rules (a
disclosure means Category 3; no child under 13 or with a learning disability is rated low).
The next review date follows the category.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from joinedup.common.errors import JoinedupError
from joinedup.model.safeguarding import IndicatorAnswer, RiskAssessment
from joinedup.safeguarding.tool import LEVELS, Category, RiskTool, rank

if TYPE_CHECKING:
    from joinedup.safeguarding.prefill import Prefill


@dataclass(frozen=True, slots=True)
class Graded:
    """A score, its category and which hard rules raised it."""

    score: int
    category: Category
    raised_by: tuple[str, ...] = ()
    first_specific: date | None = None


def grade(
    tool: RiskTool,
    present: Mapping[str, bool],
    age: int | None,
    first_dates: Mapping[str, date | None] | None = None,
) -> Graded:
    """Grade a set of answers (indicator id -> present) for a child of ``age`` years."""
    score = sum(i.points for i in tool.indicators if present.get(i.id))
    specific = [i.id for i in tool.indicators if i.specific and present.get(i.id)]
    if not specific:
        return Graded(score, "none")
    dates = [d for i in specific if (d := (first_dates or {}).get(i)) is not None]
    category: Category = "category_1"
    for level in LEVELS:
        if score >= tool.grading.thresholds[level]:
            category = level
    raised: list[str] = []
    for rule in tool.grading.hard_rules:
        applies = (rule.indicator is not None and present.get(rule.indicator, False)) or (
            rule.age_under is not None and age is not None and age < rule.age_under
        )
        if applies and rank(rule.at_least) > rank(category):
            category = rule.at_least
            raised.append(rule.id)
    return Graded(score, category, tuple(raised), min(dates) if dates else None)


def next_review(tool: RiskTool, category: str, assessed_on: date) -> date | None:
    """When an assessment of ``category`` made on ``assessed_on`` is due for review."""
    days = tool.review_after(category)
    return None if days is None else assessed_on + timedelta(days=days)


@dataclass(frozen=True, slots=True)
class Decision:
    """A worker's answer to one indicator: present or not, with a reason when overriding."""

    present: bool
    reason: str | None = None


@dataclass
class Completed:
    """An assessment ready to store, and what the worker changed."""

    assessment: RiskAssessment
    overridden: list[str] = field(default_factory=list)


class OverrideError(JoinedupError, ValueError):
    """An answer differs from the suggestion without a reason, or names no indicator."""


def complete(
    tool: RiskTool,
    prefill: Prefill,
    decisions: Mapping[str, Decision],
    *,
    agency_id: str,
    assessor_id: str | None,
    assessed_on: date,
    version: int,
    age: int | None = None,
) -> Completed:
    """Turn a pre-fill and the worker's decisions into a new assessment version.

    Indicators without a decision keep the suggestion (confirmed). A decision that differs
    from the suggestion needs a reason; the suggestion's evidence is kept either way.
    """
    known = {i.id for i in tool.indicators}
    unknown = sorted(set(decisions) - known)
    if unknown:
        raise OverrideError(f"the risk tool has no indicator {', '.join(unknown)}")
    answers: list[IndicatorAnswer] = []
    present: dict[str, bool] = {}
    overridden: list[str] = []
    for indicator in tool.indicators:
        suggestion = prefill.suggestion(indicator.id)
        decision = decisions.get(indicator.id)
        value = suggestion.present if decision is None else decision.present
        if value != suggestion.present:
            if decision is None or not (decision.reason or "").strip():
                raise OverrideError(
                    f"{indicator.id}: the records suggest "
                    f"{'present' if suggestion.present else 'absent'}; "
                    "overriding needs a reason"
                )
            note = f"overridden (suggested {'present' if suggestion.present else 'absent'}): "
            note += decision.reason or ""
            overridden.append(indicator.id)
        elif suggestion.present:
            note = f"confirmed: {suggestion.summary}"
        else:
            note = "confirmed absent"
        if decision is not None and decision.reason and value == suggestion.present:
            note += f" ({decision.reason})"
        present[indicator.id] = value
        answers.append(
            IndicatorAnswer(
                indicator=indicator.id,
                present=value,
                evidence_record_ids=tuple(r.record_id for r in suggestion.evidence[:50]),
                note=note[:500],
            )
        )
    graded = grade(tool, present, prefill.age if age is None else age)
    assessment = RiskAssessment(
        agency_id=agency_id,
        child_person_id=prefill.person_id,
        tool_version=tool.tool_version,
        version=version,
        answers=answers,
        score=float(graded.score),
        category=graded.category,
        assessor_id=assessor_id,
        assessed_on=assessed_on,
        next_review_due=next_review(tool, graded.category, assessed_on),
    )
    return Completed(assessment, overridden)
