"""Variant tables: loading, validation and canonical keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.linkage.names import (
    VariantTableError,
    alternate_name,
    canonical_any,
    canonical_name,
    load_variant_table,
    name_key,
    parse_variant_rows,
)


def test_bundled_tables_are_valid_and_sizeable() -> None:
    assert len(load_variant_table("forename")) > 400
    assert len(load_variant_table("surname")) > 100


@pytest.mark.parametrize(
    ("raw", "kind", "canonical"),
    [
        ("Mohd", "forename", "mohammed"),
        ("MD", "forename", "mohammed"),
        ("Muhammad", "forename", "mohammed"),
        ("Ayesha", "forename", "aisha"),
        ("Yousaf", "forename", "yusuf"),
        ("Bob", "forename", "robert"),
        ("Peggy", "forename", "margaret"),
        ("Chaudhry", "surname", "choudhury"),
        ("Kahn", "surname", "khan"),
        ("Mahmood", "forename", "mahmood"),
        ("Zoë", "forename", "zoe"),
    ],
)
def test_canonical_names(raw: str, kind: str, canonical: str) -> None:
    assert canonical_name(raw, kind) == canonical  # type: ignore[arg-type]


def test_different_names_keep_different_keys() -> None:
    assert canonical_name("Mohammed", "forename") != canonical_name("Mahmood", "forename")
    assert canonical_name("Hussain", "forename") != canonical_name("Hassan", "forename")
    assert canonical_name("Aisha", "forename") != canonical_name("Asha", "forename")


def test_canonical_any_reaches_a_surname_in_the_forename_field() -> None:
    assert canonical_any("chowdhury") == "choudhury"
    assert canonical_any("yusuf") == canonical_any("yousef") == "yusuf"


def test_name_key_folds_case_accents_and_punctuation() -> None:
    assert name_key("O'Brien-Smith") == "obriensmith"
    assert name_key("  ") is None
    assert name_key(None) is None


@given(st.text(max_size=30))
def test_name_key_is_lower_ascii_letters_and_idempotent(text: str) -> None:
    key = name_key(text)
    if key is not None:
        assert key.isascii() and key.isalpha() and key.islower()
        assert name_key(key) == key


@pytest.mark.parametrize(
    "rows",
    [
        [
            {"variant": "bob", "canonical": "robert", "kind": "nickname"},
            {"variant": "bob", "canonical": "bobert", "kind": "nickname"},
        ],
        [{"variant": "Bob", "canonical": "robert", "kind": "nickname"}],
        [{"variant": "bob", "canonical": "robert", "kind": "guess"}],
        [
            {"variant": "bob", "canonical": "robert", "kind": "nickname"},
            {"variant": "robert", "canonical": "rob", "kind": "nickname"},
        ],
    ],
)
def test_malformed_tables_are_refused(rows: list[dict[str, str]]) -> None:
    with pytest.raises(VariantTableError):
        parse_variant_rows("forename", rows)


def test_an_ambiguous_nickname_has_an_alternate_canonical() -> None:
    table = load_variant_table("forename")
    assert table.canonical("sam") == "samuel" and table.alternate("sam") == "samantha"
    assert alternate_name("charlie", "forename") == "charlotte"
    assert alternate_name("robert", "forename") is None
    assert canonical_name("Lottie", "forename") == "charlotte"


def test_alternates_need_a_main_row_with_another_canonical() -> None:
    main = {"variant": "sam", "canonical": "samuel", "kind": "nickname"}
    table = parse_variant_rows(
        "forename", [main, {"variant": "sam", "canonical": "samantha", "kind": "alternate"}]
    )
    assert table.alternate("sam") == "samantha" and table.canonical("samantha") == "samantha"
    for rows in (
        [{"variant": "sam", "canonical": "samantha", "kind": "alternate"}],
        [main, {"variant": "sam", "canonical": "samuel", "kind": "alternate"}],
        [
            main,
            {"variant": "sam", "canonical": "samantha", "kind": "alternate"},
            {"variant": "sam", "canonical": "sammie", "kind": "alternate"},
        ],
    ):
        with pytest.raises(VariantTableError):
            parse_variant_rows("forename", rows)


def test_name_key_folds_letters_without_a_decomposition() -> None:
    assert name_key("Łukasz") == "lukasz"
    assert name_key("Søren") == "soren"
    assert name_key("Strauß") == "strauss"
    assert canonical_name("Łukasz", "forename") == "lucas"
