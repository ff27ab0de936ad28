"""Vocabularies load, validate and reject malformed files with a clear message."""

from __future__ import annotations

import pytest

from joinedup.model import vocab
from joinedup.model.vocab import VocabularyError


def test_every_shipped_vocabulary_loads() -> None:
    loaded = vocab.load_all()
    assert {
        "agency_kinds",
        "event_types",
        "link_types",
        "place_types",
        "purposes",
        "ethnicity",
        "sex",
        "person_categories",
    } <= set(loaded)
    assert all(v.terms for v in loaded.values())


def test_ethnicity_has_the_full_ssd_code_set() -> None:
    codes = vocab.vocabulary("ethnicity").codes
    assert {"WBRI", "APKN", "ABAN", "AIND", "MWAS", "BCRB", "REFU", "NOBT"} <= codes
    assert len(codes) == 20


def test_sex_codes_follow_ssd() -> None:
    assert vocab.vocabulary("sex").label("2") == "Female"


def test_person_categories_follow_dpa_s38() -> None:
    assert vocab.vocabulary("person_categories").codes == {
        "victim",
        "possible_victim",
        "suspect",
        "convicted",
        "witness",
        "other",
    }


def test_unknown_code_names_the_vocabulary_and_the_allowed_codes() -> None:
    with pytest.raises(
        VocabularyError, match="'teleport' is not a code of vocabulary 'event_types'"
    ):
        vocab.vocabulary("event_types").check("teleport")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "name: x\ndescription: d\nterms: [{code: a, label: A}, {code: a, label: B}]",
            "duplicate code",
        ),
        ("name: x\ndescription: d\nterms: []", "terms"),
        ("name: x\ndescription: d\nterms: [{code: a, label: A, colour: red}]", "colour"),
        ("name: x\ndescription: d\nterms: [{code: a", "not valid YAML"),
        ("name: Bad Name\ndescription: d\nterms: [{code: a, label: A}]", "name"),
    ],
)
def test_malformed_vocabulary_is_refused(text: str, fragment: str) -> None:
    with pytest.raises(VocabularyError, match=r"my\.yml") as caught:
        vocab.parse(text, where="my.yml")
    assert fragment in str(caught.value)


def test_unknown_vocabulary_name_lists_the_known_ones() -> None:
    with pytest.raises(VocabularyError, match="known: agency_kinds"):
        vocab.vocabulary("nonexistent")


def test_urgency_is_one_vocabulary_used_by_the_model() -> None:
    from pydantic import ValidationError

    from joinedup.model.safeguarding import IntelligenceSubmission

    assert vocab.vocabulary("urgencies").ordered == ("routine", "urgent", "immediate")
    fields = {"agency_id": "a", "created_by": "u", "summary": "s"}
    assert IntelligenceSubmission(**fields, urgency="immediate").urgency == "immediate"
    with pytest.raises(ValidationError, match="not a code of vocabulary 'urgencies'"):
        IntelligenceSubmission(**fields, urgency="whenever")
