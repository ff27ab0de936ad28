"""Dated drops: the union of an agency's drops is its whole export, each drop is complete
(manifest with the right row counts, marker last) and a row never arrives before a row it
refers to."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from joinedup.ingest.manifest import read_manifest
from joinedup.ingest.plan import plan
from joinedup.simulate import simulate
from joinedup.simulate.drops import DATING, period_end, write_drops
from joinedup.simulate.layouts import LAYOUTS


@pytest.fixture(scope="module")
def dropped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dropped")
    simulate(out, seed=5, scale=0.02, end_date=date(2026, 1, 1))
    write_drops(out, "weekly", start=date(2025, 1, 1))
    return out


def _rows(path: Path, entry: dict[str, str]) -> tuple[list[str], Counter[tuple[str, ...]]]:
    with path.open(encoding=entry["encoding"], newline="") as handle:
        reader = csv.reader(handle, delimiter=entry["delimiter"])
        header = next(reader)
        return header, Counter(tuple(row) for row in reader)


def test_every_file_the_simulator_writes_has_a_dating() -> None:
    assert {(lay.agency, lay.file) for lay in LAYOUTS} == set(DATING)


def test_periods_end_on_sunday_or_the_months_last_day() -> None:
    assert period_end(date(2025, 3, 5), "weekly") == date(2025, 3, 9)
    assert period_end(date(2025, 3, 9), "weekly") == date(2025, 3, 9)
    assert period_end(date(2024, 2, 3), "monthly") == date(2024, 2, 29)


def test_the_union_of_an_agencys_drops_is_its_whole_export(dropped: Path) -> None:
    drops = sorted((dropped / "drops").iterdir())
    assert len(drops) >= 50  # a year of weeks, and the history's last day
    assert drops[0].name == "2025-01-05" and drops[-1].name == "2026-01-01"
    for agency_folder in sorted(p for p in dropped.iterdir() if (p / "manifest.json").is_file()):
        whole = json.loads((agency_folder / "manifest.json").read_text(encoding="utf-8"))
        for entry in whole["files"]:
            header, rows = _rows(agency_folder / entry["path"], entry)
            assert sum(rows.values()) == entry["rows"]
            parts: Counter[tuple[str, ...]] = Counter()
            for drop in drops:
                path = drop / agency_folder.name / entry["path"]
                if path.exists():
                    drop_header, drop_rows = _rows(path, entry)
                    assert drop_header == header
                    parts.update(drop_rows)
            assert parts == rows, f"{agency_folder.name}/{entry['path']}"


def test_each_drop_has_a_valid_manifest_with_its_row_counts_and_a_marker(dropped: Path) -> None:
    folders = sorted((dropped / "drops").glob("*/*"))
    assert folders
    for folder in folders:
        assert (folder / ".done").is_file()
        manifest = read_manifest(folder)
        assert manifest.files, folder
        for entry in manifest.files:
            conventions = {
                "encoding": entry.encoding or "utf-8",
                "delimiter": entry.delimiter or ",",
            }
            _, rows = _rows(folder / entry.path, conventions)
            assert sum(rows.values()) == entry.rows
    jobs = plan([folders[0].parent], None, None, None)  # what `joinedup ingest DIR` plans
    assert jobs and all(job.rows for job in jobs)


def _index(out: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    with (out / "truth" / "drops.csv").open(encoding="utf-8", newline="") as handle:
        return {
            (r["agency"], r["file"], r["record_key"]): (r["recorded"], r["drop"])
            for r in csv.DictReader(handle)
        }


def test_rows_are_in_the_drop_of_their_recording_date_and_after_what_they_refer_to(
    dropped: Path,
) -> None:
    index = _index(dropped)
    first, last = "2025-01-05", "2026-01-01"
    for (agency, file, _), (recorded, drop) in index.items():
        if recorded and first < recorded <= last:
            expected = min(period_end(date.fromisoformat(recorded), "weekly").isoformat(), last)
            assert drop == expected, (agency, file, recorded, drop)
        elif recorded and recorded <= first:
            assert drop == first
    links = _rows(dropped / "police" / "links.csv", {"encoding": "utf-8", "delimiter": ","})[1]
    checked = 0
    for row in links:
        link = index[("police", "links.csv", row[0])]
        if row[3] == "event":
            event = index[("police", "events.csv", row[4])]
            assert link[1] >= event[1] and link[0] >= event[0]
            checked += 1
        if row[1] == "object":
            assert index[("police", "objects.csv", row[2])][1] <= link[1]
    assert checked > 0


def test_undated_rows_go_with_the_first_row_that_refers_to_them(dropped: Path) -> None:
    index = _index(dropped)
    persons = {k[2]: v for k, v in index.items() if k[:2] == ("social_care", "ssd_person.csv")}
    assert persons and all(drop for _, drop in persons.values())
    with (dropped / "social_care" / "ssd_contacts.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            contact = index[("social_care", "ssd_contacts.csv", row["cont_contact_id"])]
            assert persons[row["cont_person_id"]][1] <= contact[1]
