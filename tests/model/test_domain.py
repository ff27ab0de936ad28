"""Domain types validate their vocabularies, bases and spans."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from joinedup.model.pole import Link, Location, Person
from joinedup.model.policy import parse_policy, policy, roles
from joinedup.model.safeguarding import PersonCategory, RiskAssessment
from joinedup.model.vocab import VocabularyError


def _link(**kw: object) -> Link:
    base = dict(
        agency_id="a",
        link_type="controlling_adult",
        from_type="person",
        from_id="x",
        to_type="person",
        to_id="y",
    )
    return Link(**{**base, **kw})  # type: ignore[arg-type]


def test_assessment_links_need_a_valid_grading() -> None:
    assert _link(basis="assessment", grading="2-B-P").grading == "2-B-P"
    with pytest.raises(ValidationError, match="needs a 3x5x2 grading"):
        _link(basis="assessment")
    with pytest.raises(ValidationError, match="intelligence_gradings"):
        _link(basis="assessment", grading="4-A-P")
    with pytest.raises(ValidationError, match="fact-based link carries no grading"):
        _link(basis="fact", grading="1-A-P")


def test_link_span_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="before valid_from"):
        _link(valid_from=date(2020, 1, 2), valid_to=date(2020, 1, 1))


def test_unknown_fields_and_codes_are_refused() -> None:
    with pytest.raises(ValidationError):
        Person(agency_id="a", nickname="x")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="ethnicity"):
        Person(agency_id="a", ethnicity="XXXX")
    with pytest.raises(ValidationError, match="place_types"):
        Location(agency_id="a", place_type="castle")
    with pytest.raises(ValidationError, match="person_categories"):
        PersonCategory(agency_id="a", person_id="p", category="promiscuous")


def test_risk_assessment_category_is_constrained() -> None:
    with pytest.raises(ValidationError):
        RiskAssessment(
            agency_id="a",
            child_person_id="c",
            tool_version="1",
            category="low",
            assessed_on=date(2020, 1, 1),
        )  # type: ignore[arg-type]


def test_policy_roles_and_default_deny() -> None:
    assert {"analyst", "social_worker", "panel_chair", "referrer", "auditor", "admin"} <= set(
        roles()
    )
    p = policy()
    assert p.reaches("admin", "consultation", "case") == ()
    assert p.reaches("nobody", "consultation", "case") == ()
    assert p.reaches("analyst", "erasure", "case") == ()


def test_policy_with_unknown_reach_or_purpose_is_refused() -> None:
    bad_reach = (
        "roles: {r: {description: d, purposes: [audit],"
        " permissions: {consultation: {case: [everyone]}}}}"
    )
    with pytest.raises(VocabularyError, match="everyone"):
        parse_policy(bad_reach, where="p.yml")
    bad_purpose = "roles: {r: {description: d, purposes: [curiosity], permissions: {}}}"
    with pytest.raises(VocabularyError, match="curiosity"):
        parse_policy(bad_purpose, where="p.yml")
