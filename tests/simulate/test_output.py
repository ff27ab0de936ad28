"""Manifests, determinism, and consistency of the truth with the exports."""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import CliRunner

from joinedup.cli.simulate import simulate as command
from joinedup.model.vocab import vocabulary
from joinedup.simulate import AGENCIES, simulate
from joinedup.simulate.layouts import LAYOUTS, markdown

from .helpers import manifest, rows, truth

DOCS = Path(__file__).resolve().parents[2] / "docs" / "simulator.md"


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    simulate(tmp_path / "a", seed=11, scale=0.01)
    simulate(tmp_path / "b", seed=11, scale=0.01)
    simulate(tmp_path / "c", seed=12, scale=0.01)
    a, b, c = _digest(tmp_path / "a"), _digest(tmp_path / "b"), _digest(tmp_path / "c")
    assert a == b
    assert a != c


def test_manifests(borough) -> None:  # type: ignore[no-untyped-def]
    out, _ = borough
    kinds = vocabulary("agency_kinds").codes
    for agency in AGENCIES:
        m = manifest(out, agency)
        assert m["agency"] == agency and m["kind"] in kinds
        for entry in m["files"]:
            raw = (out / agency / entry["path"]).read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf") == (entry["encoding"] == "utf-8-sig")
            text = raw.decode(entry["encoding"])
            header = text.splitlines()[0].lstrip("\ufeff").split(entry["delimiter"])
            assert header == entry["columns"]
            assert len(rows(out, agency, entry["path"])) == entry["rows"]
    assert {manifest(out, a)["files"][0]["encoding"] for a in AGENCIES} >= {
        "utf-8",
        "cp1252",
        "utf-8-sig",
    }


def test_every_person_bearing_row_is_in_records(borough) -> None:  # type: ignore[no-untyped-def]
    out, result = borough
    people = {p["person_id"] for p in truth(out, "persons.csv")}
    records = truth(out, "records.csv")
    assert {r["person_id"] for r in records} <= people
    keyed = {(r["agency"], r["file"], r["record_key"]) for r in records}
    identity = {
        "persons.csv",
        "ssd_person.csv",
        "pupils.csv",
        "attendances.csv",
        "contacts.csv",
        "drivers.csv",
        "supervision.csv",
        "ssd_contacts.csv",
        "ssd_missing.csv",
        "attendance.csv",
    }
    for lay in LAYOUTS:
        if lay.file in identity:
            for row in rows(out, lay.agency, lay.file):
                assert (lay.agency, lay.file, row[lay.key]) in keyed
    assert result.person_rows == len(records)


def test_truth_ids_resolve(borough) -> None:  # type: ignore[no-untyped-def]
    out, _ = borough
    locations = {loc["location_id"] for loc in truth(out, "locations.csv")}
    objects = {o["object_id"] for o in truth(out, "objects.csv")}
    assert {r["location_id"] for r in truth(out, "location_records.csv")} <= locations
    assert {r["object_id"] for r in truth(out, "object_records.csv")} <= objects
    assert {h["location_id"] for h in truth(out, "hotspots.csv")} <= locations
    badges = truth(out, "badges.csv")
    drivers = {d["badge_number"] for d in rows(out, "licensing", "drivers.csv")}
    assert {b["badge_number"] for b in badges} <= drivers
    assert any(b["is_offender"] == "1" for b in badges)


def test_ssd_uses_code_sets(borough) -> None:  # type: ignore[no-untyped-def]
    out, _ = borough
    eth = vocabulary("ethnicity").codes
    assert {r["pers_ethnicity"] for r in rows(out, "social_care", "ssd_person.csv")} <= eth
    factors = " ".join(
        r["cinf_assessment_factors_json"]
        for r in rows(out, "social_care", "ssd_assessment_factors.csv")
    )
    assert '"11A"' in factors
    events = {r["event_type"] for r in rows(out, "police", "events.csv")}
    assert events <= vocabulary("event_types").codes


def test_docs_list_every_layout() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for agency in AGENCIES:
        assert markdown(agency) in text, f"docs/simulator.md is out of date for {agency}"


def test_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(command, ["--out", str(tmp_path), "--seed", "2", "--scale", "0.01"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "truth" / "persons.csv").is_file()
    bad = CliRunner().invoke(command, ["--out", str(tmp_path), "--scenario", "nope"])
    assert bad.exit_code != 0 and "no scenario named" in bad.output
