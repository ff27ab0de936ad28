"""The search index behind app.people.search: keys of a record, tolerant name keys,
intersection of postings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from joinedup.app.people_index import SearchIndex, name_keys, record_keys, ref_key


def test_variant_spellings_share_a_key() -> None:
    assert name_keys("Mohammed") == name_keys("Muhammad") == name_keys("Mohd")
    assert name_keys("Ayesha") == name_keys("Aisha")
    assert name_keys("Jean-Paul Smith") == name_keys("jean paul SMITH")
    assert name_keys("") == set() and name_keys(None) == set()


def test_record_keys() -> None:
    keys = set(
        record_keys(
            "n 0001",
            {
                "forename": "Aisha",
                "surname": "Khan",
                "date_of_birth": "2010-03-04",
                "vrm": "AB12CDE",
                "phone": "+447700900123",
                "nhs_number": "943 476 5919",
            },
        )
    )
    assert {"date_of_birth:2010-03-04", "vrm:AB12CDE", "phone:+447700900123"} <= keys
    assert {"ref:N0001", "ref:9434765919"} <= keys
    assert {k for k in keys if k.startswith("n:")} == {f"n:{k}" for k in name_keys("Aisha Khan")}


def test_all_of_needs_every_key() -> None:
    index = SearchIndex()
    index.add("r1", iter(["n:aisha", "n:khan"]))
    index.add("r2", iter(["n:aisha", "n:begum"]))
    index.add("r3", iter(["n:khan"]))
    assert index.all_of(["n:aisha", "n:khan"]) == ["r1"]
    assert index.all_of(["n:aisha"]) == ["r1", "r2"]
    assert index.all_of(["n:aisha", "n:nobody"]) == []
    assert index.all_of([]) == []


@given(
    st.lists(st.sets(st.sampled_from("abcdef"), max_size=4), max_size=20),
    st.sets(st.sampled_from("abcdef"), min_size=1, max_size=3),
)
def test_all_of_is_the_records_holding_every_key(records: list[set[str]], wanted: set[str]) -> None:
    index = SearchIndex()
    for i, keys in enumerate(records):
        index.add(f"r{i}", iter(keys))
    expected = [f"r{i}" for i, keys in enumerate(records) if wanted <= keys]
    assert index.all_of(sorted(wanted)) == expected


def test_ref_key() -> None:
    assert ref_key(" ab 12 ") == "AB12" and ref_key(None) == ""
