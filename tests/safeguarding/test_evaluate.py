"""Evaluation of flags against a simulator's truth (a hand-written truth folder)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from joinedup.safeguarding.evaluate import FlagFacts, evaluate, load_truth, truth_person

PERSONS = ["person_id", "is_child", "is_victim", "known_to_any_agency", "offender_group"]


def _write(folder: Path, name: str, header: list[str], rows: list[list[str]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def truth_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "truth"
    folder.mkdir()
    _write(
        folder,
        "persons.csv",
        PERSONS,
        [
            ["V1", "1", "1", "1", ""],  # a known victim
            ["V2", "1", "1", "1", ""],  # a known victim, never flagged
            ["V3", "1", "1", "0", ""],  # a victim known to no agency
            ["C1", "1", "0", "", ""],  # a child who is not a victim
            ["O1", "0", "", "", "G1"],  # an offender
            ["D1", "0", "", "", ""],  # a driver who is not
        ],
    )
    _write(
        folder,
        "records.csv",
        ["agency", "file", "record_key", "person_id"],
        [
            ["social_care", "ssd_person.csv", "1", "V1"],
            ["police", "persons.csv", "N1", "V1"],
            ["police", "persons.csv", "N2", "C1"],
            ["health", "attendances.csv", "A1", "V2"],
            ["police", "persons.csv", "N3", "O1"],
            ["licensing", "drivers.csv", "PH1", "D1"],
        ],
    )
    _write(
        folder,
        "objects.csv",
        ["object_id", "kind", "value", "group_id", "licence_type"],
        [["B1", "vehicle", "AB12 CDE", "G1", "private_hire"], ["B2", "vehicle", "ZZ99ZZZ", "", ""]],
    )
    _write(folder, "object_records.csv", ["object_id"], [["B1"], ["B2"]])
    _write(
        folder,
        "badges.csv",
        ["badge_number", "person_id", "is_offender"],
        [["PH1", "D1", "0"]],
    )
    return folder


KEYS = {
    "r-sc1": ("social_care", "social_care/ssd_person.csv", "1"),
    "r-n1": ("police", "ssd/persons.csv", "N1"),
    "r-n2": ("police", "police/persons.csv", "N2"),
    "r-n3": ("police", "police/persons.csv", "N3"),
    "r-ph1": ("licensing", "drivers.csv", "PH1"),
}


def test_a_flagged_person_is_the_truth_person_most_of_its_records_belong_to(
    truth_dir: Path,
) -> None:
    truth = load_truth(truth_dir.parent)  # the borough folder holding truth/ works too
    merged = FlagFacts("x", "child", "p", "open", ("r-sc1", "r-n1", "r-n2"))
    assert truth_person(merged, KEYS, truth) == "V1"
    assert truth_person(FlagFacts("x", "child", "p", "open", ("nope",)), KEYS, truth) is None


def test_victim_recall_precision_and_per_rule_figures(truth_dir: Path) -> None:
    truth = load_truth(truth_dir)
    flags = [
        FlagFacts("cse-indicators-no-assessment", "child", "a", "open", ("r-sc1", "r-n1")),
        FlagFacts("cse-indicators-no-assessment", "child", "c", "acknowledged", ("r-n2",)),
        FlagFacts("threshold-gap", "child", "a", "resolved", ("r-sc1",)),  # resolved: ignored
        FlagFacts("missing-no-return-interview", "child", "c", "open", ("r-n2",)),
        FlagFacts("vehicle-or-adult-pattern", "vehicle", "vehicle:AB12CDE", "open", ()),
        FlagFacts("vehicle-or-adult-pattern", "person", "o", "open", ("r-n3",)),
        FlagFacts("licensed-driver-or-vehicle", "person", "d", "open", ("r-ph1",)),
        FlagFacts("language.promiscuous", "source_record", "r-n1", "open", ()),
    ]
    result = evaluate(flags, KEYS, truth)
    assert result["known_victims"] == 2 and result["victims"] == 3
    assert result["victim_recall"] == 0.5  # V1 of V1, V2
    assert result["precision"] == 0.5  # V1 and C1 flagged
    rules = result["rules"]
    assert rules["cse-indicators-no-assessment"] | {"truth": ""} == {
        "flags": 2,
        "subjects": 2,
        "unmapped": 0,
        "truth": "",
        "victim_signal": True,
        "precision": 0.5,
        "recall": 0.5,
    }
    assert rules["threshold-gap"]["flags"] == 0
    assert rules["missing-no-return-interview"]["precision"] == 0.0
    assert rules["vehicle-or-adult-pattern"]["precision"] == 1.0  # the group's car and member
    assert rules["vehicle-or-adult-pattern"]["recall"] == 1.0
    assert rules["licensed-driver-or-vehicle"]["precision"] == 0.0
    assert rules["ethnicity-nationality-not-recorded"]["precision"] is None
    assert "language.promiscuous" not in rules


def test_a_folder_without_truth_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no simulator truth"):
        load_truth(tmp_path)


def test_offenders_flagged_as_victims_are_counted_and_listed(truth_dir: Path) -> None:
    truth = load_truth(truth_dir)
    flags = [
        FlagFacts("cse-indicators-no-assessment", "child", "a", "open", ("r-sc1",)),
        FlagFacts("cse-indicators-no-assessment", "child", "o", "open", ("r-n3",)),
        FlagFacts("missing-no-return-interview", "child", "o", "open", ("r-n3",)),
    ]
    result = evaluate(flags, KEYS, truth)
    assert result["offenders_flagged_as_victims"] == {
        "count": 1,
        "ids": ["O1"],
        "also_victims": [],
    }
    clean = evaluate(flags[:1], KEYS, truth)
    assert clean["offenders_flagged_as_victims"]["count"] == 0
