"""A person's role in each event decides what it indicates (issue 14 point 4): a child recorded
as a suspect is not a child victim through that record; a child who is both is shown as both."""

from __future__ import annotations

from datetime import date

from joinedup.assemble.lists import NOT_VICTIM_ROLES, list_members
from joinedup.model.roles import participant_roles
from joinedup.network.config import default_config
from joinedup.safeguarding.prefill import prefill_all
from joinedup.safeguarding.rules import context, default_rules, run_rules
from tests.safeguarding.builder import Build

RULE = "cse-indicators-no-assessment"


def _flagged(b: Build) -> dict[str, object]:
    ctx = context(b.done())
    [result] = [r for r in run_rules(ctx, default_rules()) if r.rule.id == RULE]
    return {f.subject_id: f for f in result.findings}


def _cse_event(b: Build, day: date, people: dict[str, str]) -> str:
    return b.event("intelligence_report", day, people=people, cse=True).source.record_id


def test_a_15_year_old_suspect_in_a_cse_event_is_not_flagged_as_a_victim() -> None:
    b = Build()
    b.child("victim", dob=date(1996, 1, 1))
    b.child("young_suspect", dob=date(1994, 9, 1), roles=("nominal",))  # 15 on the day
    b.adult("man")
    _cse_event(
        b, date(2010, 3, 1), {"victim": "victim", "young_suspect": "suspect", "man": "suspect"}
    )
    flagged = _flagged(b)
    assert "victim" in flagged
    assert "young_suspect" not in flagged
    assert "young_suspect" not in {p.person_id for p in prefill_all(b.done())}


def test_a_child_both_victim_and_suspect_is_flagged_on_the_victim_evidence_only() -> None:
    b = Build()
    b.child("both", dob=date(1994, 9, 1))
    b.child("other", dob=date(1997, 2, 1))
    b.adult("man")
    as_victim = _cse_event(b, date(2009, 5, 1), {"both": "victim", "man": "suspect"})
    as_suspect = _cse_event(b, date(2010, 4, 1), {"other": "victim", "both": "suspect"})
    finding = _flagged(b)["both"]
    cited = {r.record_id for r in finding.evidence}  # type: ignore[attr-defined]
    assert as_victim in cited
    assert as_suspect not in cited
    shown = finding.details["also_recorded_as"]  # type: ignore[attr-defined]
    assert [(r["record_id"], r["role"], r["as_child"]) for r in shown] == [
        (as_suspect, "suspect", True)
    ]
    assert "also recorded as a suspect in 1 police record (2010-04-01" in finding.summary  # type: ignore[attr-defined]


def test_a_young_suspect_is_not_a_child_seen_with_the_adult() -> None:
    b = Build()
    for name in ("a", "b"):
        b.child(name, dob=date(1996, 1, 1))
    b.child("young_suspect", dob=date(1994, 9, 1), roles=("nominal",))
    _cse_event(b, date(2010, 1, 5), {"a": "victim", "young_suspect": "suspect"})
    _cse_event(b, date(2010, 2, 5), {"b": "victim", "young_suspect": "suspect"})
    ctx = context(b.done())
    [pattern] = [
        r for r in run_rules(ctx, default_rules()) if r.rule.id == "vehicle-or-adult-pattern"
    ]
    [finding] = pattern.findings
    assert finding.subject_id == "young_suspect"
    assert set(finding.children) == {"a", "b"}


def test_one_definition_of_roles_serves_lists_and_network() -> None:
    roles = participant_roles()
    assert {"suspect", "driver", "perpetrator"} <= roles.offending
    assert {"victim", "missing_person"} <= roles.risk
    assert not roles.risk & roles.offending
    assert roles.offending <= NOT_VICTIM_ROLES
    assert default_config().categories.offender_roles == roles.offending
    assert default_config().categories.child_roles_ignored == roles.witness
    assert roles.indicates_risk("an_unforeseen_role")  # errs towards the child
    assert not roles.indicates_risk("Suspect")


def test_a_child_suspect_is_on_no_agency_list() -> None:
    b = Build()
    b.child("victim", dob=date(1996, 1, 1))
    b.child("young_suspect", dob=date(1994, 9, 1))
    b.event(
        "disclosure",
        date(2010, 3, 1),
        people={"victim": "victim", "young_suspect": "suspect"},
        cse=True,
    )
    members = {m.person_id for m in list_members(b.done(), "broad")}
    assert "young_suspect" not in members
