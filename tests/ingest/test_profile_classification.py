"""A mapping profile's free text and special category fields are stored only encrypted
without being marked (issue 13, point 13); marking one `encrypt: false` is refused."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from joinedup.ingest.batch import ingest_file
from joinedup.ingest.plan import plan
from joinedup.ingest.profile import ProfileError, load_profile
from joinedup.model.records import SourceRecord
from joinedup.store.guarded import is_token
from tests.ingest.conftest import IngestStore
from tests.ingest.test_encrypted_nowhere import _in_clear

NOTE = "the young person described an older man who drives a grey car"


def _write(tmp_path: Path, fields: str, rows: list[list[str]]) -> tuple[Path, Path]:
    profile = tmp_path / "profile.yml"
    profile.write_text(
        f"format: youth_service\nrecord_type: contacts\nkey: Ref\nfields:\n{fields}",
        encoding="utf-8",
    )
    path = tmp_path / "contacts.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return profile, path


def test_unmarked_free_text_and_ethnicity_of_a_profile_are_stored_only_encrypted(
    ing: IngestStore, tmp_path: Path
) -> None:
    fields = (
        "  forename: {column: Name}\n"
        "  ethnicity: {column: Eth}\n"
        "  worker_comments: {column: Comments}\n"
        "  seen_on: {column: Seen, type: date}\n"
    )
    profile, path = _write(
        tmp_path,
        fields,
        [["Ref", "Name", "Eth", "Comments", "Seen"], ["Y1", "Ola", "WIRT", NOTE, "2026-01-05"]],
    )
    job = plan([path], "Police", None, profile)[0]
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        report = ingest_file(s, job.path, job.agency, job.layout, opener=job.opener)
    assert report.accepted == 1
    assert _in_clear(ing, [NOTE, "WIRT", "older man"]) == []
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        (record,) = s.list(SourceRecord)
    assert is_token(record.payload["Comments"]) and is_token(record.payload["Eth"])
    # an identifier and a date stay usable in clear
    assert record.normalised == {"forename": "Ola", "seen_on": "2026-01-05"}


def test_a_profile_marking_a_special_category_field_not_encrypted_is_refused(
    tmp_path: Path,
) -> None:
    profile, _ = _write(tmp_path, "  ethnicity: {column: Ethnic Group, encrypt: false}\n", [])
    with pytest.raises(ProfileError, match="Ethnic Group"):
        load_profile(profile)
    profile, _ = _write(tmp_path, "  notes: {column: Comments, encrypt: false}\n", [])
    with pytest.raises(ProfileError, match=r"'Comments'.*free text"):
        load_profile(profile)
