"""Flags in the store: once per fingerprint, scoped to their owner agency, acknowledged and
resolved by people; assessments kept as versions; a whole assess run re-run raises nothing."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.model.safeguarding import Flag, RiskAssessment
from joinedup.safeguarding import assessments, flags
from joinedup.safeguarding.flags import Owners, Raised, fingerprint, sync
from joinedup.safeguarding.run import assess
from joinedup.safeguarding.scoring import Decision, OverrideError
from joinedup.store.door import Forbidden, NotFound
from tests.conftest import Store
from tests.safeguarding.builder import Build


def _assembly(store: Store) -> Build:
    """Two children with CSE concerns, records from social care and the police."""
    ids = {
        "social_care": store.agency("Dunmere social care", "social_care"),
        "police": store.agency("Dunmere police", "police"),
    }
    b = Build(agency_ids=ids)
    for child in ("amy", "ben"):
        b.child(child)
        b.event("concern", date(2010, 3, 1), agency="police", people={child: "victim"}, cse=True)
    return b


def _raised(
    rule: str, subject: str, key: tuple[str, ...], owner: str, records: list[str]
) -> Raised:
    return Raised(
        rule,
        "child",
        subject,
        key,
        owner,
        {"summary": "s", "records": [{"record_id": r} for r in records], "rule": rule},
    )


def test_fingerprint_is_stable_and_distinguishes_key_evidence() -> None:
    assert fingerprint("r", "child", "amy", ("x",)) == fingerprint("r", "child", "amy", ("x",))
    assert fingerprint("r", "child", "amy", ("x",)) != fingerprint("r", "child", "amy", ("y",))
    assert fingerprint("r", "child", "amy", ("x",)) != fingerprint("q", "child", "amy", ("x",))


def test_sync_holds_each_finding_once_and_updates_open_evidence(store: Store) -> None:
    owner = store.agency("Dunmere social care", "social_care")
    first = [
        _raised("r1", "amy", ("amy",), owner, ["a"]),
        _raised("r1", "ben", ("ben",), owner, ["b"]),
    ]
    with store.door.session("joinedup-service", "analysis") as s:
        report = sync(s, first + first)  # a repeated finding in one run is held once
    assert report.created["r1"] == 2
    with store.door.session("joinedup-service", "analysis") as s:
        again = sync(s, first)
        held = flags.list_flags(s, rule_id="r1")
    assert (again.created["r1"], again.unchanged["r1"]) == (0, 2)
    assert len(held) == 2
    assert {f.agency_id for f in held} == {owner}
    assert all(f.evidence["history"][0]["status"] == "open" for f in held)
    # new supporting records update the open flag; a resolved flag stays as it is
    with store.door.session("joinedup-service", "analysis") as s:
        amy = next(f for f in held if f.subject_id == "amy")
        ben = next(f for f in held if f.subject_id == "ben")
        flags.resolve(s, ben.id, "assessment completed")
        changed = [
            _raised("r1", "amy", ("amy",), owner, ["a", "c"]),
            _raised("r1", "ben", ("ben",), owner, ["b", "d"]),
        ]
        third = sync(s, changed)
    assert (third.created["r1"], third.updated["r1"], third.unchanged["r1"]) == (0, 1, 1)
    with store.door.session("joinedup-service", "analysis") as s:
        assert {r["record_id"] for r in s.get(Flag, amy.id).evidence["records"]} == {"a", "c"}
        assert s.get(Flag, ben.id).status == "resolved"
        gone = sync(s, [], rule_ids=["r1"])
    assert gone.not_found_again["r1"] == 1  # amy's open flag was not found this time


def test_each_agency_sees_and_acts_on_its_own_flags(store: Store) -> None:
    social = store.agency("Dunmere social care", "social_care")
    store.agency("Dunmere police", "police")
    store.user("sw", "Dunmere social care", "social_worker")
    store.user("officer", "Dunmere police", "analyst")
    with store.door.session("joinedup-service", "analysis") as s:
        sync(s, [_raised("r1", "amy", ("amy",), social, ["a"])])
        [flag] = flags.list_flags(s)
    with store.door.session("officer", "analysis") as s:
        assert flags.list_flags(s) == []
        with pytest.raises(NotFound, match="no flag"):
            flags.get_flag(s, flag.id)
        with pytest.raises(NotFound):
            flags.acknowledge(s, flag.id)
    with store.door.session("sw", "safeguarding") as s:
        flags.acknowledge(s, flag.id, "allocated to the CSE team")
        with pytest.raises(ValueError, match="already acknowledged"):
            flags.acknowledge(s, flag.id)
        with pytest.raises(ValueError, match="needs a reason"):
            flags.resolve(s, flag.id, "  ")
        done = flags.resolve(s, flag.id, "risk assessment completed")
        with pytest.raises(ValueError, match="already resolved"):
            flags.resolve(s, flag.id, "again")
    assert done.status == "resolved"
    assert done.resolution == "risk assessment completed"
    assert [h["status"] for h in done.evidence["history"]] == ["open", "acknowledged", "resolved"]
    assert done.evidence["history"][1] | {"at": ""} == {
        "status": "acknowledged",
        "by": "sw",
        "note": "allocated to the CSE team",
        "at": "",
    }


def test_owners_fall_back_to_the_partnership(store: Store) -> None:
    store.agency("Dunmere police", "police")
    a = store.agency("Wexley police", "police")
    with store.door.session("joinedup-service", "analysis") as s:
        owners = Owners.of(s)
    assert owners.owner("licensing") == owners.fallback
    assert owners.owner("police", [a, a]) == a


def test_assess_twice_raises_no_duplicates_and_assessments_are_versions(store: Store) -> None:
    b = _assembly(store)
    social = store.agencies["Dunmere social care"]
    store.user("sw", "Dunmere social care", "social_worker")
    with store.door.session("joinedup-service", "analysis") as s:
        first = assess(s, assembly=b.done())
    assert first.flags.created["cse-indicators-no-assessment"] == 2
    with (
        store.door.session("sw", "safeguarding") as s,
        pytest.raises(Forbidden, match="service account"),
    ):
        assess(s, assembly=b.done())
    assert first.findings["cse-indicators-no-assessment"] == 2
    with store.door.session("joinedup-service", "analysis") as s:
        second = assess(s, assembly=b.done())
        held = flags.list_flags(s, rule_id="cse-indicators-no-assessment")
    assert sum(second.flags.created.values()) == 0
    assert len(held) == 2
    assert {f.agency_id for f in held} == {social}
    assert all(f.evidence["records"] and f.evidence["by_agency"] for f in held)
    with store.door.session("sw", "safeguarding") as s:
        with pytest.raises(OverrideError):
            assessments.record(
                s, b.done(), "amy", {"disclosure": Decision(True)}, assessed_on=date(2010, 6, 1)
            )
        one = assessments.record(s, b.done(), "amy", {}, assessed_on=date(2010, 6, 1))
        two = assessments.record(
            s,
            b.done(),
            "amy",
            {"disclosure": Decision(True, "disclosed to the worker on 1 June")},
            assessed_on=date(2010, 6, 2),
        )
        versions = assessments.history(s, "amy")
    assert [a.version for a in versions] == [1, 2]
    assert one.assessment.category == "category_1"
    assert two.assessment.category == "category_3"
    assert two.assessment.next_review_due == date(2010, 7, 2)
    with store.door.session("joinedup-service", "analysis") as s:
        latest = assessments.latest(s)
        third = assess(s, assembly=b.done())
    assert isinstance(latest["amy"], RiskAssessment) and latest["amy"].version == 2
    # amy is assessed now: no new prompt; her Category 3 with no plan is the threshold gap
    assert third.findings["cse-indicators-no-assessment"] == 1
    assert third.flags.created["threshold-gap"] == 1


def test_flag_summary_counts_by_rule_and_status(store: Store) -> None:
    owner = store.agency("Dunmere social care", "social_care")
    with store.door.session("joinedup-service", "analysis") as s:
        sync(
            s,
            [
                _raised("r1", "amy", ("amy",), owner, ["a"]),
                _raised("r1", "ben", ("ben",), owner, ["b"]),
                _raised("language.promiscuous", "r9", ("r9",), owner, ["r9"]),
            ],
        )
        first = flags.list_flags(s, rule_id="r1")[0]
        flags.resolve(s, first.id, "done")
        assert flags.flag_summary(s) == {"language": {"open": 1}, "r1": {"open": 1, "resolved": 1}}
