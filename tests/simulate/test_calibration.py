"""The default scenario's realised figures match its calibration within stated tolerances."""

from __future__ import annotations

from collections import Counter
from datetime import date

from .conftest import SCALE
from .helpers import truth


def _victims(borough):  # type: ignore[no-untyped-def]
    out, _ = borough
    return [p for p in truth(out, "persons.csv") if p["is_victim"] == "1"]


def test_number_of_victims_is_exact(borough) -> None:  # type: ignore[no-untyped-def]
    assert len(_victims(borough)) == round(1400 * SCALE)


def test_share_looked_after_about_a_third(borough) -> None:  # type: ignore[no-untyped-def]
    victims = _victims(borough)
    share = sum(v["looked_after"] == "1" for v in victims) / len(victims)
    assert abs(share - 0.33) < 0.12  # 140 victims: about 3 standard errors


def test_share_known_to_no_agency(borough) -> None:  # type: ignore[no-untyped-def]
    victims = _victims(borough)
    share = sum(v["known_to_any_agency"] == "0" for v in victims) / len(victims)
    assert abs(share - 0.2) < 0.1


def test_most_have_prior_contact(borough) -> None:  # type: ignore[no-untyped-def]
    victims = _victims(borough)
    share = sum(v["prior_contact"] == "1" for v in victims) / len(victims)
    assert abs(share - 0.7) < 0.12


def test_onset_mostly_11_to_16_and_inside_window(borough) -> None:  # type: ignore[no-untyped-def]
    ages = Counter()
    for v in _victims(borough):
        onset, dob = date.fromisoformat(v["onset_date"]), date.fromisoformat(v["dob"])
        assert date(1997, 1, 1) <= onset <= date(2011, 12, 31)
        ages[onset.year - dob.year - ((onset.month, onset.day) < (dob.month, dob.day))] += 1
    within = sum(n for a, n in ages.items() if 11 <= a <= 16) / sum(ages.values())
    assert within > 0.78  # weights give 0.92
    assert min(ages) >= 10 and max(ages) <= 17


def test_unknown_victims_have_no_exploitation_records(borough) -> None:  # type: ignore[no-untyped-def]
    out, _ = borough
    unknown = {v["person_id"] for v in _victims(borough) if v["known_to_any_agency"] == "0"}
    known = {v["person_id"] for v in _victims(borough) if v["known_to_any_agency"] == "1"}
    cse_people = {r["person_id"] for r in truth(out, "records.csv") if r["cse_related"] == "1"}
    assert not unknown & cse_people
    assert known <= cse_people


def test_offender_groups_sizes_and_roles(borough) -> None:  # type: ignore[no-untyped-def]
    out, _ = borough
    groups = truth(out, "groups.csv")
    assert groups
    members = truth(out, "group_members.csv")
    assert {m["member_role"] for m in members} == {"core", "associate"}
    assert all(int(g["core_size"]) >= 1 for g in groups)
    assert truth(out, "hotspots.csv")


def test_non_victims_also_have_missing_and_cse_assessments(borough) -> None:  # type: ignore[no-untyped-def]
    out, _ = borough
    victims = {v["person_id"] for v in _victims(borough)}
    records = truth(out, "records.csv")
    missing = {r["person_id"] for r in records if r["file"] == "ssd_missing.csv"}
    assert len(missing - victims) > 0.3 * len(missing & victims)
