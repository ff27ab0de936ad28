"""Rules judge age, "current" and lateness as of a date (issue 14 point 5)."""

from __future__ import annotations

from datetime import date

from joinedup.model.safeguarding import Flag
from joinedup.safeguarding.flags import Owners, subject_age
from joinedup.safeguarding.rules import context, default_rules, run_rules
from joinedup.safeguarding.rules.engine import raised
from tests.safeguarding.builder import Build


def _build() -> Build:
    b = Build(as_of=date(2010, 6, 30))
    b.child("amy", dob=date(1995, 3, 1))
    b.event(
        "missing_episode",
        date(2010, 6, 28),
        people={"amy": "missing_person"},
        end=date(2010, 6, 29),
    )
    b.event("concern", date(2010, 3, 1), agency="voluntary", people={"amy": "subject"}, cse=True)
    return b


def _findings(b: Build, as_of: date, rule_id: str) -> list[object]:
    ctx = context(b.done(), as_of=as_of)
    [result] = [r for r in run_rules(ctx, default_rules()) if r.rule.id == rule_id]
    return list(result.findings)


def test_lateness_is_judged_on_the_as_of_date() -> None:
    missing = "missing-no-return-interview"
    assert _findings(_build(), date(2010, 6, 30), missing) == []  # the 72 hours not yet up
    assert len(_findings(_build(), date(2010, 7, 5), missing)) == 1


def test_current_is_a_child_on_the_as_of_date() -> None:
    rule = "cse-indicators-no-assessment"
    [then] = _findings(_build(), date(2010, 6, 30), rule)
    [later] = _findings(_build(), date(2026, 12, 7), rule)
    assert then.current is True  # type: ignore[attr-defined]
    assert later.current is False  # type: ignore[attr-defined]


def test_a_flag_records_when_the_child_turns_18_and_its_age_on_any_date() -> None:
    ctx = context(_build().done(), as_of=date(2010, 6, 30))
    results = [
        r for r in run_rules(ctx, default_rules()) if r.rule.id == "cse-indicators-no-assessment"
    ]
    [held] = raised(results, Owners([], "partnership"), ctx)
    assert held.evidence["child_until"] == "2013-03-01"
    flag = Flag(
        agency_id="a",
        rule_id=held.rule_id,
        subject_type="child",
        subject_id="amy",
        evidence=held.evidence,
    )
    assert subject_age(flag, date(2010, 6, 30)) == 15
    assert subject_age(flag, date(2026, 12, 7)) == 31
