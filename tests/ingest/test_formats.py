"""The format files: valid, documented, and the very layouts the simulator writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.common.values import BadValue
from joinedup.ingest.canonical import clean_ethnicity, clean_sex
from joinedup.ingest.formats import FormatError, formats, get_format, layout_for_file, markdown
from joinedup.simulate.layouts import LAYOUTS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "formats.md"


def test_every_agency_kind_of_the_simulator_has_a_format() -> None:
    kinds = {f.agency_kind for f in formats().values()}
    assert kinds == {
        "police",
        "social_care",
        "education",
        "health",
        "probation",
        "licensing",
        "voluntary",
    }
    assert {lay.agency for lay in LAYOUTS} == kinds


@pytest.mark.parametrize("name", sorted(formats()))
def test_formats_are_documented_verbatim(name: str) -> None:
    assert markdown(get_format(name)) in DOCS.read_text(encoding="utf-8")


def test_ssd_format_covers_the_cse_tables() -> None:
    ssd = get_format("ssd")
    tables = {f.table for f in ssd.files}
    assert {
        "ssd_person",
        "ssd_assessment_factors",
        "ssd_missing",
        "ssd_cla_episodes",
        "ssd_cla_placement",
        "ssd_cp_plans",
        "ssd_involvements",
        "ssd_contacts",
        "ssd_address",
    } <= tables
    person = layout_for_file("ssd", "ssd_person.csv")
    assert person.key == "pers_person_id"
    assert {c.canonical for c in person.columns} >= {
        "forename",
        "surname",
        "date_of_birth",
        "nhs_number",
        "sex",
    }
    # ethnicity (special category) is stored only encrypted: it feeds no normalised field
    ethnicity = next(c for c in person.columns if c.name == "pers_ethnicity")
    assert ethnicity.encrypt and ethnicity.canonical is None


def test_free_text_columns_are_encrypted() -> None:
    for fmt in formats().values():
        for entry in fmt.files:
            encrypted = {c.name for c in entry.columns if c.encrypt}
            assert encrypted == ({entry.notes} if entry.notes else set()), entry.file


def test_unknown_format_or_file_is_named() -> None:
    with pytest.raises(FormatError, match="unknown format 'nhs'"):
        get_format("nhs")
    with pytest.raises(FormatError, match=r"has no file 'x\.csv'"):
        layout_for_file("ssd", "x.csv")


def test_codes_map_to_the_ssd_code_sets() -> None:
    assert clean_ethnicity("A2") == "APKN"
    assert clean_ethnicity("wbri") == "WBRI"
    assert clean_sex("F") == clean_sex("female") == "2"
    with pytest.raises(BadValue):
        clean_ethnicity("ZZ")
