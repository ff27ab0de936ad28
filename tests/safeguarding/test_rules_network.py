"""Rules about adults, vehicles and recording: fires / does not fire on minimal fixtures."""

from __future__ import annotations

from datetime import date, datetime

from joinedup.safeguarding.rules import Finding, context, default_rules, run_rules
from tests.safeguarding.builder import Build

RULES = default_rules()


def findings(b: Build, rule_id: str) -> list[Finding]:
    ctx = context(b.done())
    [result] = [r for r in run_rules(ctx, RULES) if r.rule.id == rule_id]
    return result.findings


def at_risk(b: Build, child: str, day: date = date(2010, 3, 1)) -> None:
    b.child(child)
    b.event("concern", day, agency="voluntary", people={child: "subject"}, cse=True)


# -- licensed-driver-or-vehicle -------------------------------------------------------------


def test_licensed_vehicle_in_cse_intelligence_notifies_licensing() -> None:
    b = Build()
    at_risk(b, "amy")
    b.vehicle("AB12CDE", agency="licensing", licence_type="private_hire")
    b.vehicle("AB12CDE")
    b.event(
        "intelligence_report",
        date(2010, 3, 5),
        people={"amy": "subject"},
        vehicles=("AB12CDE",),
    )
    [f] = findings(b, "licensed-driver-or-vehicle")
    assert (f.subject_type, f.subject_id) == ("vehicle", "vehicle:AB12CDE")
    assert f.summary.startswith("Licensed private hire vehicle AB12CDE appears in 1 CSE")
    assert f.children == ("amy",)
    assert f.evidence[0].agency_kind == "licensing"  # the register entry is cited


def test_licensed_driver_as_controlling_adult_notifies_licensing() -> None:
    b = Build()
    at_risk(b, "amy")
    b.adult("dan", agency="licensing", record_type="drivers")
    b.link("controlling_adult", "dan", "amy", date(2010, 3, 2))
    [f] = findings(b, "licensed-driver-or-vehicle")
    assert (f.subject_type, f.subject_id) == ("person", "dan")


def test_licensed_vehicle_a_child_at_risk_told_a_worker_about_notifies_licensing() -> None:
    b = Build()
    at_risk(b, "amy")
    b.vehicle("AB12CDE", agency="licensing", licence_type="hackney")
    b.link(
        "seen_with",
        "amy",
        "vehicle:AB12CDE",
        date(2010, 3, 2),
        agency="voluntary",
        to_kind="vehicle",
    )
    [f] = findings(b, "licensed-driver-or-vehicle")
    assert (f.subject_id, f.children) == ("vehicle:AB12CDE", ("amy",))


def test_unlicensed_vehicle_or_ordinary_event_does_not_notify_licensing() -> None:
    b = Build()
    at_risk(b, "amy")
    b.vehicle("ZZ99ZZZ")
    b.event(
        "intelligence_report", date(2010, 3, 5), people={"amy": "subject"}, vehicles=("ZZ99ZZZ",)
    )
    b.vehicle("AB12CDE", agency="licensing", licence_type="hackney")
    b.child("ben")  # not at risk: an ordinary incident with a licensed taxi
    b.event("police_incident", date(2010, 3, 5), people={"ben": "subject"}, vehicles=("AB12CDE",))
    assert findings(b, "licensed-driver-or-vehicle") == []


# -- probation-linked-to-child ----------------------------------------------------------------


def test_supervised_person_linked_to_child_at_risk_notifies_probation() -> None:
    b = Build()
    at_risk(b, "amy")
    b.adult("sam", agency="probation", record_type="supervision", roles=("supervised",))
    b.link(
        "associate", "sam", "amy", date(2010, 3, 3), agency="probation", record_type="associates"
    )
    [f] = findings(b, "probation-linked-to-child")
    assert (f.subject_id, f.key, f.children) == ("sam", ("sam",), ("amy",))
    assert f.evidence[0].record_type == "supervision"


def test_supervised_person_with_a_child_not_at_risk_does_not_fire() -> None:
    b = Build()
    b.child("amy")
    b.adult("sam", agency="probation", record_type="supervision", roles=("supervised",))
    b.link("associate", "sam", "amy", date(2010, 3, 3), agency="probation")
    at_risk(b, "ben")
    b.adult("tom")  # not supervised
    b.link("associate", "tom", "ben", date(2010, 3, 3))
    assert findings(b, "probation-linked-to-child") == []


# -- vehicle-or-adult-pattern -----------------------------------------------------------------


def test_same_vehicle_with_two_children_at_risk_fires() -> None:
    b = Build()
    at_risk(b, "amy")
    at_risk(b, "ben")
    b.vehicle("AB12CDE")
    for child in ("amy", "ben"):
        b.event(
            "vehicle_stop", date(2010, 4, 1), people={child: "passenger"}, vehicles=("AB12CDE",)
        )
    [f] = findings(b, "vehicle-or-adult-pattern")
    assert (f.subject_type, f.subject_id, f.children) == (
        "vehicle",
        "vehicle:AB12CDE",
        ("amy", "ben"),
    )


def test_vehicle_repeatedly_at_a_school_at_lunchtime_fires() -> None:
    b = Build()
    b.child("amy")
    b.place("DM1 2AB", "school", "Dunmere Academy")
    b.vehicle("AB12CDE")
    for day in (4, 11):
        b.event(
            "sighting",
            date(2010, 5, day),
            at=datetime(2010, 5, day, 12, 40),
            agency="education",
            people={"amy": "subject"},
            vehicles=("AB12CDE",),
            place="DM1 2AB",
        )
    [f] = findings(b, "vehicle-or-adult-pattern")
    assert f.key == ("vehicle:AB12CDE", "school", "Dunmere Academy")
    assert "on 2 days around lunchtime" in f.summary


def test_one_child_one_sighting_or_after_school_does_not_fire() -> None:
    b = Build()
    at_risk(b, "amy")
    b.place("DM1 2AB", "school", "Dunmere Academy")
    b.vehicle("AB12CDE")
    b.event("vehicle_stop", date(2010, 4, 1), people={"amy": "passenger"}, vehicles=("AB12CDE",))
    for day in (4, 11):
        b.event(
            "sighting",
            date(2010, 5, day),
            at=datetime(2010, 5, day, 16, 30),
            agency="education",
            people={"amy": "subject"},
            vehicles=("AB12CDE",),
            place="DM1 2AB",
        )
    assert findings(b, "vehicle-or-adult-pattern") == []


# -- ethnicity-nationality-not-recorded ----------------------------------------------------------


def test_victim_and_suspect_without_ethnicity_or_nationality_are_flagged() -> None:
    b = Build()
    b.child("amy", ethnicity=None)
    b.adult("dan", nationality=None)
    b.event(
        "intelligence_report",
        date(2010, 3, 5),
        people={"amy": "subject", "dan": "suspect"},
        cse=True,
    )
    got = {(f.subject_id, f.key[1:]) for f in findings(b, "ethnicity-nationality-not-recorded")}
    assert got == {("amy", ("ethnicity",)), ("dan", ("nationality",))}


def test_complete_recording_is_not_flagged() -> None:
    b = Build()
    b.child("amy")
    b.adult("dan")
    b.event(
        "intelligence_report",
        date(2010, 3, 5),
        people={"amy": "subject", "dan": "suspect"},
        cse=True,
    )
    b.adult("bystander", ethnicity=None)  # not a victim or suspect
    assert findings(b, "ethnicity-nationality-not-recorded") == []
