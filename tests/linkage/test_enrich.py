"""What agencies record beside the canonical fields reaches the linkage input."""

from __future__ import annotations

import math
from typing import Any

import pyarrow as pa

from joinedup.linkage.enrich import SourceRow, linkage_rows, load_source_rules
from joinedup.linkage.prepare import prepare_records, prepare_row
from joinedup.linkage.settings import options_for, person_comparisons
from joinedup.linkage.train import exact_u_from_counts, monotone_levels

KINDS = {"pol": "police", "sc": "social_care", "edu": "education", "vol": "voluntary"}


def _row(
    agency: str,
    record_type: str,
    key: str,
    payload: dict[str, Any] | None = None,
    **normalised: Any,
) -> SourceRow:
    return SourceRow(f"{agency}-{key}", agency, record_type, key, payload or {}, normalised)


def _by_key(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["record_id"].split("-", 1)[1]: r for r in rows}


def test_police_nominal_takes_the_postcode_of_its_address() -> None:
    rows = [
        _row("pol", "locations", "LOC1", {"postcode": "DM2 6NG"}, postcode="DM2 6NG"),
        _row("pol", "persons", "N1", {"address_ref": "LOC1"}, forename="Amy", surname="Lowe"),
        _row("pol", "persons", "N2", {"address_ref": "LOC9"}, forename="Amy", surname="Lowe"),
        # another agency's location with the same reference is not this agency's address
        _row("sc", "locations", "LOC9", {}, postcode="S60 1AB"),
    ]
    out = _by_key(linkage_rows(rows, KINDS))
    assert set(out) == {"N1", "N2"}
    assert out["N1"]["postcode"] == "DM2 6NG" and out["N1"]["agency"] == "police"
    assert out["N2"]["postcode"] is None


def test_social_care_person_takes_primary_address_and_upn_from_other_tables() -> None:
    rows = [
        _row(
            "sc", "ssd_person", "1001", forename="Amy", surname="Lowe", date_of_birth="2004-03-03"
        ),
        _row(
            "sc",
            "ssd_address",
            "A1",
            {"addr_person_id": "1001", "addr_address_type": "Placement"},
            postcode="QB3 3RS",
        ),
        _row(
            "sc",
            "ssd_address",
            "A2",
            {"addr_person_id": "1001", "addr_address_type": "Primary Address"},
            postcode="DM8 3BT",
        ),
        _row(
            "sc",
            "ssd_linked_identifiers",
            "L1",
            {
                "link_person_id": "1001",
                "link_identifier_type": "Unique Pupil Number",
                "link_identifier_value": "M998401092001",
            },
        ),
    ]
    (person,) = linkage_rows(rows, KINDS)
    assert person["postcode"] == "DM8 3BT"
    assert person["upn"] == "M998401092001"


def test_client_reference_and_age_of_a_voluntary_contact() -> None:
    payload = {"client_ref": "RB00001"}
    rows = [
        _row("vol", "contacts", "C1", payload, forename="Jamie", age=14, contact_date="2005-03-18"),
        _row("vol", "contacts", "C2", payload, forename="Jamie", date_of_birth="1990-05-30"),
    ]
    out = _by_key(linkage_rows(rows, KINDS))
    assert out["C1"]["local_id"] == out["C2"]["local_id"] == "vol/contacts/RB00001"
    assert out["C1"]["birth_year_estimate"] == "1990"  # 2005 - 14 - 1
    assert out["C2"]["birth_year_estimate"] is None  # the date of birth says it
    prepared = prepare_records(list(out.values()))
    assert sorted(prepared["birth_year"].to_pylist()) == ["1990", "1990"]


def test_concern_without_upn_takes_the_only_pupil_of_that_name_on_the_roll() -> None:
    def pupil(key: str, upn: str, forename: str, entry: str, leaving: str) -> SourceRow:
        return _row(
            "edu",
            "pupils",
            key,
            {"school_urn": "100401"},
            upn=upn,
            forename=forename,
            surname="Wood",
            date_of_birth="1985-03-23",
            entry_date=entry,
            leaving_date=leaving,
        )

    def concern(key: str, forename: str, on: str, school: str = "100401") -> SourceRow:
        payload = {"school_urn": school}
        return _row(
            "edu", "concerns", key, payload, forename=forename, surname="Wood", concern_date=on
        )

    rows = [
        pupil("E1", "A998400001001", "Rebecca", "1996-09-01", "2001-07-20"),
        pupil("E2", "B998400001002", "Becky", "2003-09-01", "2008-07-20"),  # later, same name
        pupil("E3", "C998400001003", "Laura", "1996-09-01", "2001-07-20"),
        pupil("E4", "D998400001004", "Laura", "1997-09-01", "2002-07-20"),
        concern("K1", "Rebecca", "2000-12-22"),  # Becky is on the roll only later
        concern("K2", "Laura", "2000-01-10"),  # two Lauras on the roll: ambiguous
        concern("K3", "Rebecca", "2000-12-22", school="100402"),  # not on that school's roll
    ]
    out = _by_key(linkage_rows(rows, KINDS))
    assert out["K1"]["upn"] == "A998400001001"
    assert out["K1"]["school"] == "100401"
    assert out["K1"]["school_from"] == out["K1"]["school_to"] == "2000-12-22"
    assert out["K2"]["upn"] is None and out["K3"]["upn"] is None
    assert out["E1"]["school_from"] == "1996-09-01" and out["E1"]["school_to"] == "2001-07-20"


def test_shipped_rules_load() -> None:
    rules = load_source_rules()
    assert rules.local_ids["contacts"] == "client_ref"
    assert rules.lookup_types() == {"locations", "ssd_address", "ssd_linked_identifiers"}


def _extra_record(record_id: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "record_id": record_id,
        "agency": "education",
        "forename": "Amy",
        "surname": "Lowe",
        "date_of_birth": None,
        "sex": None,
        "postcode": None,
        "nhs_number": None,
        "upn": None,
        "police_id": None,
        "phone": None,
        "local_id": None,
        "school": None,
        "school_from": None,
        "school_to": None,
        "birth_year_estimate": None,
    }
    base.update(fields)
    return base


def test_optional_columns_are_prepared_and_switch_comparisons_on() -> None:
    records = [
        _extra_record("a", phone="+44 7700 900001", school="100401", school_from="2000-01-01"),
        _extra_record("b", local_id="v/contacts/RB1", birth_year_estimate=1990),
        _extra_record("c", date_of_birth="1991-02-03", birth_year_estimate="1980"),
    ]
    table = prepare_records(records)
    assert table.to_pylist() == [
        {k: prepare_row(r).get(k) for k in table.column_names} for r in records
    ]
    rows = {r["record_id"]: r for r in table.to_pylist()}
    assert rows["a"]["phone"] == "+447700900001" and rows["a"]["school_to"] is None
    assert rows["b"]["birth_year"] == "1990"
    assert rows["c"]["birth_year"] == "1991"  # a date of birth wins over an estimate
    names = [
        c.get_comparison("duckdb").output_column_name
        for c in person_comparisons(options_for(table))
    ]
    assert {"phone", "local_id", "school", "birth_year"} <= set(names)
    without = prepare_records([{k: v for k, v in records[0].items() if k != "phone"}])
    assert "phone" not in without.column_names


def test_sparse_exact_level_gets_its_u_from_value_counts() -> None:
    table = pa.table({"phone": ["1", "1", "2", "3", None]})
    levels = [
        {"sql_condition": '"phone_l" IS NULL OR "phone_r" IS NULL', "is_null_level": True},
        {"sql_condition": '"phone_l" = "phone_r"', "m_probability": 0.99},
        {"sql_condition": "ELSE", "m_probability": 0.01, "u_probability": 1.0},
    ]
    model = {"comparisons": [{"output_column_name": "phone", "comparison_levels": levels}]}
    filled = exact_u_from_counts(model, table)
    exact = filled["comparisons"][0]["comparison_levels"][1]
    assert math.isclose(exact["u_probability"], 2 / 12)  # one pair of 4 * 3 ordered
    weight = monotone_levels(filled)["comparisons"][0]["comparison_levels"][1]
    assert weight["m_probability"] / weight["u_probability"] > 5
    distinct = exact_u_from_counts(model, pa.table({"phone": ["1", "2", "3"]}))
    assert math.isclose(distinct["comparisons"][0]["comparison_levels"][1]["u_probability"], 1 / 6)
