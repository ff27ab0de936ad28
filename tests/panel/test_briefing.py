"""Agenda selection as pure functions: categories, disclosures, rules, agencies, priority."""

from __future__ import annotations

from datetime import date
from typing import Any

from joinedup.model.safeguarding import Flag, IndicatorAnswer, RiskAssessment
from joinedup.panel.briefing import describe, select, summarise
from joinedup.panel.config import AgendaSection


def _flag(rule: str, subject_type: str, subject: str, **evidence: Any) -> Flag:
    return Flag(
        agency_id="a",
        rule_id=rule,
        subject_type=subject_type,
        subject_id=subject,
        evidence={"severity": "high", "current": True, **evidence},
    )


def test_adults_rank_by_children_seen_with_not_by_agencies() -> None:
    many_agencies = _flag(
        "vehicle-or-adult-pattern",
        "person",
        "merged",
        by_agency={"police": ["1"], "health": ["2"], "education": ["3"], "social_care": ["4"]},
        children=["c1", "c2"],
    )
    many_children = _flag(
        "vehicle-or-adult-pattern",
        "person",
        "offender",
        by_agency={"police": ["5"]},
        children=["c1", "c2", "c3", "c4", "c5"],
    )
    van = _flag("vehicle-or-adult-pattern", "vehicle", "vehicle:AB12CDE", children=["c1"])
    section = AgendaSection(
        id="adults", title="Adults", source="subjects", rules=("vehicle-or-adult-pattern",), limit=5
    )
    listed, more = select([section], summarise([many_agencies, many_children, van], []))["adults"]
    assert [s.subject_id for s in listed] == ["offender", "merged", "vehicle:AB12CDE"]
    assert more == 0
    assert describe(listed[2], None).startswith("Vehicle AB12CDE: seen with 1 children")


def test_a_disclosure_outranks_category_and_a_child_is_listed_once() -> None:
    cat3 = _flag(
        "threshold-gap", "child", "amy", details={"category": "category_3"}, by_agency={"p": []}
    )
    disclosed = _flag(
        "cse-indicators-no-assessment",
        "child",
        "bea",
        details={"suggested_category": "category_1", "indicators": {"disclosure": "said so"}},
    )
    assessed = RiskAssessment(
        agency_id="a",
        child_person_id="cat",
        tool_version="1",
        category="category_2",
        assessed_on=date(2013, 1, 1),
        answers=[IndicatorAnswer(indicator="disclosure", present=True)],
    )
    older = assessed.model_copy(update={"id": "old", "category": "category_3", "version": 0})
    resolved = _flag("threshold-gap", "child", "dan", details={"category": "category_3"})
    resolved = resolved.model_copy(update={"status": "resolved"})
    language = _flag("language.promiscuous", "source_record", "note")
    high = AgendaSection(
        id="high", title="High", source="children", categories=("category_3",), limit=10
    )
    gap = AgendaSection(
        id="gap", title="Gap", source="children", rules=("threshold-gap",), limit=10
    )
    summaries = summarise([cat3, disclosed, resolved, language], [assessed, older])
    chosen = select([high, gap], summaries)
    # disclosures first (Category 2 before 1), then Category 3 without one
    assert [s.subject_id for s in chosen["high"][0]] == ["cat", "bea", "amy"]
    assert chosen["gap"] == ([], 0)  # amy already listed; dan's flag is resolved
    cat = next(s for s in summaries if s.subject_id == "cat")
    assert cat.category == "category_2" and cat.category_basis == "assessment"  # latest version
    assert {s.subject_type for s in summaries} == {"child"}  # language flags never count
