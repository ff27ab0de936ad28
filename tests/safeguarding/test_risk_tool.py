"""The risk tool: the data file, grading with its hard rules, pre-fill with evidence, completion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from joinedup.safeguarding.prefill import prefill, prefill_all
from joinedup.safeguarding.scoring import Decision, OverrideError, complete, grade, next_review
from joinedup.safeguarding.tool import (
    CATEGORIES,
    ToolError,
    default_tool,
    parse_tool,
    rank,
)
from tests.safeguarding.builder import Build

TOOL = default_tool()


def test_the_shipped_tool_is_valid_and_versioned() -> None:
    assert TOOL.tool_version == "joinedup-cse@2026.1"
    ids = {i.id for i in TOOL.indicators}
    # DESIGN.md section 9's indicators are all there
    for wanted in (
        "disclosure",
        "missing_repeated",
        "controlling_adult",
        "cars_with_adults",
        "gifts_money_phones",
        "found_unexplained_places",
        "sexual_health",
        "self_harm",
        "substance_misuse",
        "looked_after",
        "residential_or_out_of_area",
        "learning_disability",
        "prior_abuse",
        "family_breakdown",
        "online_contact_images",
        "school_absence_exclusion",
    ):
        assert wanted in ids
    assert TOOL.review_after("category_3") == 30
    assert TOOL.review_after("none") is None


def _doc() -> dict:  # type: ignore[type-arg]
    from importlib import resources

    text = resources.files("joinedup.safeguarding").joinpath("data", "risk_tool.yml").read_text()
    return yaml.safe_load(text)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["grading"]["thresholds"].update(category_2=0), "increase"),
        (lambda d: d["indicators"].append(dict(d["indicators"][0])), "twice"),
        (
            lambda d: d["grading"]["hard_rules"].append(
                {"id": "x", "indicator": "nope", "at_least": "category_2", "reason": "r"}
            ),
            "unknown indicator",
        ),
        (lambda d: d["indicators"][0].update(points=99), "points"),
        (lambda d: d["indicators"][0]["evidence"].update(bogus=1), "bogus"),
    ],
)
def test_a_malformed_tool_fails_naming_the_problem(change, message) -> None:  # type: ignore[no-untyped-def]
    doc = _doc()
    change(doc)
    with pytest.raises(ToolError, match=message):
        parse_tool(yaml.safe_dump(doc), where="test.yml")


def test_no_specific_indicator_means_no_current_concern() -> None:
    present = {"looked_after": True, "learning_disability": True, "missing_repeated": True}
    graded = grade(TOOL, present, age=12)
    assert graded.category == "none"
    assert graded.score == 6


def test_scores_map_to_categories() -> None:
    assert grade(TOOL, {"agency_cse_concern": True}, age=15).category == "category_1"
    nine = {"agency_cse_concern": True, "controlling_adult": True, "looked_after": True}
    assert grade(TOOL, nine, age=15).category == "category_2"
    many = {**nine, "cars_with_adults": True, "trafficking": True}
    assert grade(TOOL, many, age=15).category == "category_3"


def test_a_disclosure_means_category_3() -> None:
    graded = grade(TOOL, {"disclosure": True}, age=16)
    assert graded.category == "category_3"


def test_no_child_under_13_or_with_a_learning_disability_is_rated_low() -> None:
    assert grade(TOOL, {"agency_cse_concern": True}, age=12).category == "category_2"
    assert grade(TOOL, {"agency_cse_concern": True}, age=13).category == "category_1"
    with_ld = {"agency_cse_concern": True, "learning_disability": True}
    assert grade(TOOL, with_ld, age=16).category == "category_2"
    assert grade(TOOL, with_ld, age=16).raised_by == ("learning-disability-not-low",)


@given(
    st.dictionaries(st.sampled_from([i.id for i in TOOL.indicators]), st.booleans()),
    st.one_of(st.none(), st.integers(min_value=8, max_value=17)),
)
def test_hard_rules_always_hold(present: dict[str, bool], age: int | None) -> None:
    graded = grade(TOOL, present, age)
    if graded.category == "none":
        assert not any(i.specific and present.get(i.id) for i in TOOL.indicators)
        return
    if present.get("disclosure"):
        assert graded.category == "category_3"
    if (age is not None and age < 13) or present.get("learning_disability"):
        assert rank(graded.category) >= rank("category_2")
    # adding an indicator never lowers the category
    more = {**present, "controlling_adult": True}
    assert rank(grade(TOOL, more, age).category) >= rank(graded.category)


def test_the_next_review_follows_the_category() -> None:
    day = date(2010, 1, 1)
    assert next_review(TOOL, "category_3", day) == day + timedelta(days=30)
    assert next_review(TOOL, "category_2", day) == day + timedelta(days=61)
    assert next_review(TOOL, "category_1", day) == day + timedelta(days=91)
    assert next_review(TOOL, "none", day) is None
    assert set(CATEGORIES) == {"none", "category_1", "category_2", "category_3"}


def _missing_child() -> Build:
    b = Build()
    b.child("amy", dob=date(1995, 3, 1))
    day = date(2010, 1, 10)
    b.event("missing_episode", day, people={"amy": "missing_person"})
    b.event(
        "missing_episode",
        day + timedelta(days=20),
        agency="social_care",
        record_type="ssd_missing",
        people={"amy": "subject"},
    )
    b.event("missing_episode", day + timedelta(days=61), people={"amy": "missing_person"})
    return b


def test_prefill_suggests_indicators_with_evidence_from_every_agency() -> None:
    b = _missing_child()
    a = b.done()
    pre = prefill(a, a.persons["amy"])
    repeated = pre.suggestion("missing_repeated")
    assert repeated.present
    assert repeated.summary == (
        "3 missing episode records in 90 days (2010-01-10 to 2010-03-12), "
        "reported by police and social care"
    )
    assert [r.record_id for r in repeated.evidence] == [e.id for e in a.events]
    assert not pre.suggestion("disclosure").present
    assert pre.graded is not None and pre.graded.category == "none"  # missing alone: no concern
    assert pre.age == 15


def test_prefill_ignores_what_happened_after_the_child_turned_18() -> None:
    b = Build(as_of=date(2015, 1, 1))
    b.child("ben", dob=date(1990, 1, 1))
    b.event("disclosure", date(2009, 6, 1), people={"ben": "victim"})
    a = b.done()
    assert not prefill(a, a.persons["ben"]).suggestion("disclosure").present


def test_prefill_reads_links_places_and_text() -> None:
    b = Build()
    b.child("cat")
    b.adult("dan")
    b.place("DM1 1AA", "takeaway", "Pizza Palace")
    b.link("controlling_adult", "dan", "cat", date(2010, 2, 1))
    b.event("missing_episode", date(2010, 2, 3), people={"cat": "missing_person"}, place="DM1 1AA")
    b.event(
        "concern",
        date(2010, 2, 9),
        agency="education",
        people={"cat": "subject"},
        text="Cat has a new phone and is being picked up by older men in cars.",
    )
    a = b.done()
    pre = prefill(a, a.persons["cat"])
    present = {s.indicator for s in pre.present}
    assert {"controlling_adult", "found_unexplained_places", "gifts_money_phones"} <= present
    assert pre.graded is not None and pre.graded.category != "none"
    assert pre.first_concern == date(2010, 2, 1)


def test_prefill_all_screens_only_children_with_a_concern() -> None:
    b = _missing_child()
    b.child("eve")
    b.event("disclosure", date(2010, 5, 1), agency="social_care", people={"eve": "subject"})
    b.adult("fay")
    b.event("arrest", date(2010, 5, 2), people={"fay": "arrested"})
    a = b.done()
    assert [p.person_id for p in prefill_all(a)] == ["eve"]
    assert sorted(p.person_id for p in prefill_all(a, concern_only=False)) == ["amy", "eve"]


def test_completing_confirms_suggestions_and_overrides_need_reasons() -> None:
    b = _missing_child()
    b.event("intelligence_report", date(2010, 3, 1), people={"amy": "subject"})
    a = b.done()
    pre = prefill(a, a.persons["amy"])
    with pytest.raises(OverrideError, match=r"missing_repeated.*needs a reason"):
        complete(
            TOOL,
            pre,
            {"missing_repeated": Decision(False)},
            agency_id="sc",
            assessor_id="u1",
            assessed_on=date(2010, 4, 1),
            version=1,
        )
    with pytest.raises(OverrideError, match="no indicator nope"):
        complete(TOOL, pre, {"nope": Decision(True, "x")}, agency_id="sc", assessor_id="u1",
                 assessed_on=date(2010, 4, 1), version=1)  # fmt: skip
    done = complete(
        TOOL,
        pre,
        {
            "missing_repeated": Decision(False, "two were planned respite stays"),
            "controlling_adult": Decision(True, "disclosed an older boyfriend to the worker"),
        },
        agency_id="sc",
        assessor_id="u1",
        assessed_on=date(2010, 4, 1),
        version=2,
    )
    answers = {x.indicator: x for x in done.assessment.answers}
    assert done.overridden == ["controlling_adult", "missing_repeated"]
    assert not answers["missing_repeated"].present
    assert answers["missing_repeated"].note == (
        "overridden (suggested present): two were planned respite stays"
    )
    assert answers["missing_repeated"].evidence_record_ids  # what was considered is kept
    assert answers["police_intelligence"].note is not None
    assert answers["police_intelligence"].note.startswith("confirmed: 1 intelligence reports")
    assert done.assessment.version == 2
    assert done.assessment.tool_version == TOOL.tool_version
    assert done.assessment.category == "category_1"
    assert done.assessment.next_review_due == date(2010, 4, 1) + timedelta(days=91)
