"""Language on ingest: every free-text note checked, one flag per phrase, owned by the note's
agency, no duplicates on re-check, and the report of flagged notes per agency and author."""

from __future__ import annotations

import secrets

import pytest

from joinedup.model.base import new_id
from joinedup.model.organisation import Batch
from joinedup.model.records import SourceRecord
from joinedup.safeguarding import flags
from joinedup.safeguarding.notes import check_notes, language_report
from tests.conftest import Store

BLAMING = "Amy missing again. She is putting herself at risk and is promiscuous."
GOOD = "Amy is being groomed by adults who give her alcohol; CSE referral made."


def _batch(
    store: Store, agency: str, fmt: str, table: str, rows: list[dict[str, str]], note: str
) -> str:
    """A batch of records whose ``note`` column is encrypted as ingest does."""
    with store.door.session("joinedup-service", "data_ingest") as s:
        batch = s.add(
            Batch(
                agency_id=agency,
                file_name=f"{table}.csv",
                file_sha256=secrets.token_hex(32),
                format=fmt,
                record_type=table,
            )
        )
        records = []
        for i, row in enumerate(rows):
            rid = new_id()
            payload = dict(row)
            if row[note]:  # as ingest: empty values are not encrypted
                payload[note] = store.cipher.encrypt(
                    row[note], table="source_record", column=f"payload.{note}", row_id=rid
                )
            records.append(
                SourceRecord(
                    id=rid,
                    agency_id=agency,
                    batch_id=batch.id,
                    record_type=table,
                    agency_key=f"{table}-{i}",
                    payload=payload,
                )
            )
        s.add_all(records)
    return batch.id


@pytest.fixture
def noted(store: Store) -> Store:
    police = store.agency("Dunmere police", "police")
    social = store.agency("Dunmere social care", "social_care")
    _batch(
        store, police, "police_pole", "events", [{"summary": BLAMING}, {"summary": GOOD}], "summary"
    )
    _batch(
        store,
        social,
        "ssd",
        "case_notes",
        [
            {"note_text": BLAMING, "note_worker_id": "W001"},
            {"note_text": GOOD, "note_worker_id": "W002"},
            {"note_text": "", "note_worker_id": "W002"},
            {"note_text": "  ", "note_worker_id": "W003"},
        ],
        "note_text",
    )
    return store


def test_every_note_is_checked_and_each_phrase_flagged_once(noted: Store) -> None:
    with noted.door.session("joinedup-service", "analysis") as s:
        report = check_notes(s)
    assert (report.notes, report.flagged_notes, report.findings) == (4, 2, 4)
    assert report.flags_created == 4
    assert report.by_entry == {"promiscuous": 2, "putting-self-at-risk": 2}
    with noted.door.session("joinedup-service", "analysis") as s:
        again = check_notes(s)
        held = flags.list_flags(s)
    assert again.flags_created == 0 and again.findings == 4
    assert len(held) == 4
    police = noted.agencies["Dunmere police"]
    social = noted.agencies["Dunmere social care"]
    assert {f.agency_id for f in held} == {police, social}
    by_agency = {f.agency_id: f for f in held if f.rule_id == "language.promiscuous"}
    evidence = by_agency[social].evidence
    assert evidence["phrase"] == "promiscuous"
    assert evidence["author"] == "W001"
    assert evidence["column"] == "note_text"
    assert evidence["suggestion"] and evidence["reason"]
    assert BLAMING not in str(evidence)  # the note itself is never copied into the flag
    assert by_agency[police].evidence["author"] == "(not recorded)"
    assert by_agency[police].subject_type == "source_record"


def test_only_the_given_batches_are_checked(noted: Store) -> None:
    with noted.door.session("joinedup-service", "analysis") as s:
        batches = [b.id for b in s.list(Batch) if b.record_type == "events"]
        report = check_notes(s, batch_ids=batches)
    assert (report.notes, report.flagged_notes) == (2, 1)


def test_one_record_of_a_batch_can_be_checked_alone(noted: Store) -> None:
    with noted.door.session("joinedup-service", "analysis") as s:
        (batch,) = [b.id for b in s.list(Batch) if b.record_type == "events"]
        good = next(r for r in s.list(SourceRecord) if r.agency_key == "events-1")
        clean = check_notes(s, batch_ids=[batch], record_id=good.id)
        blaming = next(r for r in s.list(SourceRecord) if r.agency_key == "events-0")
        flagged = check_notes(s, batch_ids=[batch], record_id=blaming.id)
        held = flags.list_flags(s)
    assert (clean.notes, clean.flagged_notes) == (1, 0)
    assert (flagged.notes, flagged.flagged_notes, flagged.flags_created) == (1, 1, 2)
    assert {f.subject_id for f in held} == {blaming.id}


def test_report_of_flagged_notes_per_agency_and_author(noted: Store) -> None:
    with noted.door.session("joinedup-service", "analysis") as s:
        check_notes(s)
        summary = language_report(s).to_dict()
        without = language_report(s, totals=False).to_dict()
    # totals count stored notes without decrypting them: the blank one is counted
    assert summary["total"] == {"notes": 5, "flagged_notes": 2, "findings": 4}
    assert summary["by_agency"]["Dunmere police"] == {"notes": 2, "flagged_notes": 1, "findings": 2}
    rows = {(r["agency"], r["author"]): r for r in summary["by_author"]}
    assert rows[("Dunmere social care", "W001")]["flagged_notes"] == 1
    assert rows[("Dunmere social care", "W002")] == {
        "agency": "Dunmere social care",
        "author": "W002",
        "notes": 1,
        "flagged_notes": 0,
        "findings": 0,
    }
    assert without["total"] == {"notes": 2, "flagged_notes": 2, "findings": 4}


def test_a_resolved_language_flag_leaves_the_report(noted: Store) -> None:
    noted.user("sw", "Dunmere social care", "social_worker")
    with noted.door.session("joinedup-service", "analysis") as s:
        check_notes(s)
    with noted.door.session("sw", "safeguarding") as s:
        mine = flags.list_flags(s)
        assert {f.agency_id for f in mine} == {noted.agencies["Dunmere social care"]}
        for flag in mine:
            flags.resolve(s, flag.id, "note corrected with an addendum")
    with noted.door.session("joinedup-service", "analysis") as s:
        summary = language_report(s).to_dict()
    assert summary["total"]["flagged_notes"] == 1
