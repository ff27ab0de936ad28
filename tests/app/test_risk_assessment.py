"""Use cases of the assessment form and of police grading: the pre-fill's rows with their
records, the grade before saving, the narrative recorded (and read back decrypted), the
versions with what changed; a 3x5x2 grading accepted from police only."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.app.context import Caller
from joinedup.app.errors import InputError
from joinedup.app.intelligence import grading_choices, grading_in_words, submit_concern
from joinedup.app.risk_assessment import assessment_form, assessment_versions, preview_grade
from joinedup.app.safeguarding import record_assessment
from tests.web.conftest import Web

SW = Caller("sw.one", "safeguarding")


def test_preview_grade_follows_the_tool_and_its_hard_rules() -> None:
    on = date(2026, 1, 10)
    nothing = preview_grade({}, 15, on)
    assert (nothing.category, nothing.next_review) == ("none", None)
    disclosed = preview_grade({"disclosure": True}, 15, on)
    assert disclosed.category == "category_3" and disclosed.words.startswith("Category 3")
    assert disclosed.raised_by and "disclosure" in disclosed.raised_by[0].lower()
    assert disclosed.next_review is not None and on < disclosed.next_review
    young = preview_grade({"controlling_adult": True}, 11, on)
    assert young.category in ("category_2", "category_3")  # never low risk under 13


def test_the_form_then_two_versions_side_by_side(web: Web) -> None:
    aisha = web.persons["aisha"]
    form = assessment_form(SW, aisha)
    assert form.name.startswith("Ayesha Khan") and form.latest is None
    assert {r.id for r in form.indicators} >= {"disclosure"}
    for row in form.indicators:
        assert all(r["record_id"] and r["agency"] for r in row.records)
    disclosure = next(r for r in form.indicators if r.id == "disclosure")
    flip = not disclosure.suggested
    first = record_assessment(
        SW,
        aisha,
        {"disclosure": (flip, "told her teacher")},
        child_views="Wants to stay at school",
        safety_plan="Daily check-in with her form tutor",
    )
    assert first.item.version == 1 and first.overridden == ["disclosure"]
    again = assessment_form(SW, aisha)
    assert again.latest is not None and again.latest.child_views == "Wants to stay at school"
    assert again.narrative["safety_plan"] == "Daily check-in with her form tutor"
    assert next(r for r in again.indicators if r.id == "disclosure").previous is flip
    record_assessment(SW, aisha, {}, safety_plan="Weekly visits")
    v = assessment_versions(SW, aisha)
    assert [a.version for a in v.versions] == [1, 2]
    assert v.assessors == {v.versions[0].assessor_id: "sw.one"}
    row = next(r for r in v.rows if r["indicator"] == "disclosure")
    assert [c["changed"] for c in row["cells"]] == [False, True]
    assert v.changed(1, "safety_plan") and v.changed(1, "child_views")
    assert not v.changed(0, "safety_plan")


def test_a_narrative_field_too_long_is_refused(web: Web) -> None:
    with pytest.raises(InputError, match="safety plan"):
        record_assessment(SW, web.persons["aisha"], {}, safety_plan="x" * 10_001)


def test_only_police_grade_and_the_grading_is_checked(web: Web) -> None:
    text = "Seen getting into a silver car outside school with an adult man."
    with pytest.raises(InputError, match="only police"):
        submit_concern(Caller("ref.one", "safeguarding"), text, grading="2-B-P")
    with pytest.raises(InputError, match="allowed: 1, 2, 3"):
        submit_concern(Caller("an.one", "analysis"), text, grading="4-B-P")
    done = submit_concern(Caller("an.one", "analysis"), text, grading="3-e-c")
    assert done.submission.grading == "3-E-C"
    assert {r.route.grading for r in done.routes} == {"3-E-C"}
    words = grading_in_words("3-E-C")
    assert words[1].startswith("Intelligence E") and words[2].startswith("Handling C")


def test_the_grading_choices_are_the_college_of_policing_scheme() -> None:
    parts = {part: [t.code for t in terms] for part, _, terms in grading_choices()}
    assert parts == {
        "source": ["1", "2", "3"],
        "intelligence": ["A", "B", "C", "D", "E"],
        "handling": ["P", "C"],
    }
    assert all(t.hint for _, _, terms in grading_choices() for t in terms)
