"""Rules about children: each fires on a minimal fixture and does not fire on its near miss."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from joinedup.model.safeguarding import IndicatorAnswer, RiskAssessment
from joinedup.safeguarding.rules import Finding, context, default_rules, run_rules
from tests.safeguarding.builder import AS_OF, Build

RULES = default_rules()


def findings(
    b: Build, rule_id: str, assessments: dict[str, RiskAssessment] | None = None
) -> list[Finding]:
    ctx = context(b.done(), assessments)
    [result] = [r for r in run_rules(ctx, RULES) if r.rule.id == rule_id]
    return result.findings


def assessment(
    child: str, category: str, on: date, due: date | None, evidence: tuple[str, ...] = ()
) -> RiskAssessment:
    return RiskAssessment(
        agency_id="sc",
        child_person_id=child,
        tool_version="joinedup-cse@2026.1",
        answers=[
            IndicatorAnswer(
                indicator="agency_cse_concern", present=True, evidence_record_ids=evidence
            )
        ],
        category=category,
        assessed_on=on,
        next_review_due=due,
    )


def with_concern(b: Build, child: str = "amy", day: date = date(2010, 3, 1), **kw: object) -> None:
    b.child(child, **kw)  # type: ignore[arg-type]
    b.event(
        "concern",
        day,
        agency="voluntary",
        record_type="contacts",
        people={child: "subject"},
        cse=True,
    )


# -- cse-indicators-no-assessment ----------------------------------------------------------


def test_indicators_and_no_assessment_fires_with_evidence() -> None:
    b = Build()
    with_concern(b)
    [f] = findings(b, "cse-indicators-no-assessment")
    assert (f.subject_type, f.subject_id, f.key) == ("child", "amy", ("amy",))
    assert f.summary.startswith("CSE indicators in the records of voluntary since 2010-03-01")
    assert [r.agency_kind for r in f.evidence] == ["voluntary"]
    assert f.current


def test_indicators_with_an_assessment_or_no_specific_indicator_do_not_fire() -> None:
    b = Build()
    with_concern(b)
    b.child("ben")
    b.event("missing_episode", date(2010, 3, 1), people={"ben": "missing_person"})
    done = {"amy": assessment("amy", "category_1", date(2010, 3, 5), date(2010, 6, 5))}
    assert findings(b, "cse-indicators-no-assessment", done) == []


# -- assessment-overdue ----------------------------------------------------------------------


def test_overdue_review_fires_relative_to_as_of() -> None:
    b = Build()
    with_concern(b)
    due = AS_OF - timedelta(days=10)
    [f] = findings(
        b,
        "assessment-overdue",
        {"amy": assessment("amy", "category_2", due - timedelta(days=61), due)},
    )
    assert "10 days overdue" in f.summary
    assert f.key[0] == f.details["assessment_id"]


def test_review_not_yet_due_or_child_now_adult_does_not_fire() -> None:
    b = Build()
    with_concern(b)
    b.child("old", dob=date(1980, 1, 1))
    due = AS_OF + timedelta(days=1)
    done = {
        "amy": assessment("amy", "category_2", AS_OF - timedelta(days=60), due),
        "old": assessment("old", "category_1", date(2005, 1, 1), date(2005, 4, 1)),
    }
    assert findings(b, "assessment-overdue", done) == []


# -- threshold-gap ---------------------------------------------------------------------------


def _category_3(b: Build, child: str = "amy") -> None:
    b.child(child)
    b.event("disclosure", date(2010, 3, 1), agency="social_care", people={child: "subject"})


def test_category_3_with_no_plan_is_the_threshold_gap() -> None:
    b = Build()
    _category_3(b)
    [f] = findings(b, "threshold-gap")
    assert f.details == {"category": "category_3", "basis": "pre-fill"}
    assert "suggested by the pre-fill" in f.summary


def test_a_plan_closes_the_threshold_gap() -> None:
    b = Build()
    _category_3(b)
    b.event(
        "cp_plan",
        date(2010, 3, 20),
        agency="social_care",
        people={"amy": "subject"},
        end=date(2010, 9, 1),
    )
    assert findings(b, "threshold-gap") == []


def test_an_assessed_category_1_is_no_threshold_gap() -> None:
    b = Build()
    _category_3(b)
    done = {"amy": assessment("amy", "category_1", date(2010, 3, 5), date(2010, 6, 5))}
    assert findings(b, "threshold-gap", done) == []


# -- placement-no-host-notification ----------------------------------------------------------


def _placed(b: Build, placement_type: str, out_of_area: bool, **attrs: Any) -> None:
    with_concern(b)
    b.event(
        "looked_after",
        date(2010, 4, 1),
        agency="social_care",
        record_type="ssd_cla_episodes",
        people={"amy": "subject"},
        placement_type=placement_type,
        out_of_area=out_of_area,
        residential=placement_type in ("K1", "K2", "R1"),
        **attrs,
    )


@pytest.mark.parametrize(("code", "away"), [("K2", False), ("U4", True)])
def test_residential_or_out_of_area_placement_without_notification_fires(
    code: str, away: bool
) -> None:
    b = Build()
    _placed(b, code, away)
    [f] = findings(b, "placement-no-host-notification")
    assert ("out of area" if away else "residential") in f.summary


def test_foster_placement_in_area_or_a_notified_host_does_not_fire() -> None:
    b = Build()
    _placed(b, "U4", False)
    assert findings(b, "placement-no-host-notification") == []
    b2 = Build()
    _placed(b2, "K2", True, host_authority_notified="Y")
    assert findings(b2, "placement-no-host-notification") == []


# -- missing-no-return-interview -------------------------------------------------------------


def test_missing_without_return_interview_fires_once_per_episode() -> None:
    b = Build()
    b.child("amy")
    b.event("missing_episode", date(2010, 1, 10), people={"amy": "missing_person"})
    b.event(
        "missing_episode",
        date(2010, 1, 10),
        agency="social_care",
        record_type="ssd_missing",
        people={"amy": "subject"},
        end=date(2010, 1, 12),
        return_interview_offered=False,
    )
    [f] = findings(b, "missing-no-return-interview")
    assert "reported by police and social care" in f.summary
    assert len(f.evidence) == 2
    assert f.details["returned"] == "2010-01-12"


def test_return_interview_within_72_hours_or_offered_does_not_fire() -> None:
    b = Build()
    b.child("amy")
    b.event(
        "missing_episode",
        date(2010, 1, 10),
        people={"amy": "missing_person"},
        end=date(2010, 1, 11),
    )
    b.event("return_interview", date(2010, 1, 13), agency="social_care", people={"amy": "subject"})
    b.event(
        "missing_episode",
        date(2010, 2, 10),
        agency="social_care",
        people={"amy": "subject"},
        return_interview_offered="Y",
    )
    assert findings(b, "missing-no-return-interview") == []
    late = Build()
    late.child("amy")
    late.event(
        "missing_episode",
        date(2010, 1, 10),
        people={"amy": "missing_person"},
        end=date(2010, 1, 11),
    )
    late.event(
        "return_interview", date(2010, 1, 20), agency="social_care", people={"amy": "subject"}
    )
    assert len(findings(late, "missing-no-return-interview")) == 1


# -- multi-agency-concerns-7-days ------------------------------------------------------------


def test_concerns_from_two_agencies_within_7_days_fire() -> None:
    b = Build()
    b.child("amy")
    b.event(
        "concern",
        date(2010, 5, 1),
        agency="education",
        record_type="concerns",
        people={"amy": "subject"},
    )
    b.event(
        "contact",
        date(2010, 5, 6),
        agency="social_care",
        record_type="ssd_contacts",
        people={"amy": "subject"},
    )
    [f] = findings(b, "multi-agency-concerns-7-days")
    assert "education and social care within 7 days" in f.summary


def test_concerns_8_days_apart_or_from_one_agency_do_not_fire() -> None:
    b = Build()
    b.child("amy")
    b.event(
        "concern",
        date(2010, 5, 1),
        agency="education",
        record_type="concerns",
        people={"amy": "subject"},
    )
    b.event(
        "concern",
        date(2010, 4, 28),
        agency="education",
        record_type="concerns",
        people={"amy": "subject"},
    )
    b.event(
        "contact",
        date(2010, 5, 9),
        agency="social_care",
        record_type="ssd_contacts",
        people={"amy": "subject"},
    )
    assert findings(b, "multi-agency-concerns-7-days") == []


# -- arrested-child-with-indicators ----------------------------------------------------------


def test_child_arrested_while_indicators_exist_fires() -> None:
    b = Build()
    with_concern(b)
    b.event(
        "arrest",
        date(2010, 4, 1),
        people={"amy": "arrested"},
        outcome="Arrested - drunk and disorderly",
    )
    [f] = findings(b, "arrested-child-with-indicators")
    assert "drunk and disorderly" in f.summary
    assert "review as a possible victim" in f.summary


def test_arrest_long_after_indicators_or_without_them_does_not_fire() -> None:
    b = Build()
    with_concern(b, day=date(2008, 1, 1))
    b.event("arrest", date(2010, 4, 1), people={"amy": "arrested"})
    b.child("ben")
    b.event("arrest", date(2010, 4, 1), people={"ben": "arrested"})
    assert findings(b, "arrested-child-with-indicators") == []


def test_every_finding_is_deterministic() -> None:
    def build() -> Build:
        b = Build()
        with_concern(b)
        b.event(
            "arrest", date(2010, 4, 1), at=datetime(2010, 4, 1, 23, 0), people={"amy": "arrested"}
        )
        return b

    first = [(r.rule.id, [f.key for f in r.findings]) for r in run_rules(context(build().done()))]
    again = [(r.rule.id, [f.key for f in r.findings]) for r in run_rules(context(build().done()))]
    assert first == again
