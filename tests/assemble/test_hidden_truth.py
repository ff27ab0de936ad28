"""The estimate beside a simulated truth: list composition, definition scores, decomposition."""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

from joinedup.assemble.hidden_truth import evaluate_estimate, load_victim_truth
from joinedup.assemble.view import Assembly, EventView, Participant, PersonView, RecordRef
from joinedup.estimate.lcmcr import LcmcrSettings

AGENCIES = ("police", "health", "voluntary")
SHORT = LcmcrSettings(burnin=300, samples=200, thinning=2)


def _record(agency: str, key: str) -> RecordRef:
    return RecordRef(f"r-{key}", f"a-{agency}", agency, "events", key)


def _borough(tmp_path: Path) -> tuple[Assembly, dict[str, str], Path]:
    """300 victims seen independently by three agencies; 40 non-victims on social care's
    broad list (11A at an assessment); one victim split in two, one person merging two."""
    rng = random.Random(7)
    persons: dict[str, PersonView] = {}
    events: list[EventView] = []
    truth_of: dict[str, str] = {}
    truth_rows, event_rows = [], []
    born = date(2000, 1, 1)

    def person(pid: str, *truth_ids: str) -> PersonView:
        refs = [_record("any", f"{pid}-{i}") for i in range(len(truth_ids))]
        for ref, tid in zip(refs, truth_ids, strict=True):
            truth_of[ref.record_id] = tid
        persons[pid] = PersonView(pid, records=refs, date_of_birth=born, sex="2")
        return persons[pid]

    def event(agency: str, pid: str, key: str, **attributes: object) -> None:
        kind = "assessment" if agency == "social_care" else "concern"
        role = "victim" if agency == "police" else "subject"
        events.append(
            EventView(
                key,
                kind,
                _record(agency, key),
                date(2014, 3, 1),
                participants=[Participant(pid, "person", role)],
                cse_concern=True,
                attributes=dict(attributes),
            )
        )

    for i in range(300):
        tid = f"V{i}"
        seen = [a for a in AGENCIES if rng.random() < 0.4]
        truth_rows.append(
            {"person_id": tid, "is_victim": "1", "known_to_any_agency": str(int(bool(seen)))}
        )
        for a in seen:
            event_rows.append({"child_person_id": tid, "cse_related": "1", "seen_by": a})
        if not seen:
            continue
        if i == 0 and len(seen) > 1:  # split: one agency's record linked to a second person
            person("P0", tid)
            person("P0b", tid)
            event(seen[0], "P0", "e0a")
            event(seen[1], "P0b", "e0b")
            continue
        person(f"P{i}", tid, tid, *(["N999"] if i == 1 else []))  # P1 merges a non-victim
        for j, a in enumerate(seen):
            event(a, f"P{i}", f"e{i}-{j}")
    for i in range(40):
        tid = f"N{i}"
        truth_rows.append({"person_id": tid, "is_victim": "0", "known_to_any_agency": ""})
        person(f"Q{i}", tid)
        event("social_care", f"Q{i}", f"q{i}", team="ASSESS", factors=["11A"])
    folder = tmp_path / "truth"
    folder.mkdir()
    for name, rows in (("persons.csv", truth_rows), ("events.csv", event_rows)):
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return Assembly(persons=persons, events=events).index(), truth_of, folder


def test_lists_definitions_and_decomposition_against_the_truth(tmp_path: Path) -> None:
    assembly, truth_of, folder = _borough(tmp_path)
    truth = load_victim_truth(tmp_path)  # the borough folder holding truth/ will do
    out = evaluate_estimate(assembly, truth_of, folder, {"method": "auto"}, latent_class=SHORT)
    assert out["true_victims"] == 300 and out["known_victims"] == len(truth.known)
    assert out["list_definitions"] == "specific" and "social_care" not in out["lists"]
    assert out["split_persons"] == 1 and out["merged_persons"] == 1
    assert out["listed_non_victims"] == 0
    police = out["lists"]["police"]
    assert police["members"] == police["true_victims"] and police["non_victims"] == 0
    assert police["victims_recorded_by_agency"] == len(truth.seen_by["police"])
    # the broad social-care definition lets in the 40 non-victims: precision 0
    broad = out["definitions"]["social_care.factor_11a"]
    assert broad["members"] == 40 and broad["precision"] == 0.0
    assert out["definitions"]["police.victim"]["precision"] == 1.0
    assert 0.95 < out["definitions"]["police.victim"]["recall"] <= 1.0
    rows = {row["lists"]: row for row in out["decomposition"]}
    as_linked = rows["broad definitions, as linked"]
    assert as_linked["n_observed"] == out["n_observed"] + 40  # the non-victims
    assert rows["specific definitions, truth linkage"]["n_observed"] == out["n_observed"] - 1
    assert out["covered"] == (out["ci_low"] <= 300 <= out["ci_high"])
    assert abs(out["relative_error"]) < 0.15  # independent lists: MSE works
