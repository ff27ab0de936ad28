from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.estimate.notation import (
    Model,
    NotationError,
    boundary_terms,
    enumerate_models,
    format_model,
    parse_model,
    removable_terms,
)


def test_parse_and_format_examples() -> None:
    assert format_model(parse_model("[12,3]", 3)) == "[12,3]"
    assert format_model(parse_model("[34,14,123]", 4)) == "[123,14,34]"
    assert format_model(parse_model("[1,2,3,45,6,7,8]", 8)) == "[45,1,2,3,6,7,8]"
    assert format_model(parse_model("[23]", 3)) == "[23,1]"  # main effects always present
    assert format_model(parse_model("[12, 1, 2]", 3)) == "[12,3]"
    assert parse_model("[123]", 3).n_params == 8


def test_colon_notation_for_ten_or_more_lists() -> None:
    model = parse_model("[1:2,3:10,4]", 10)
    text = format_model(model)
    assert text.startswith("[1:2,3:10,")
    assert parse_model(text, 10) == model
    twelve = parse_model("[12]", 12)  # list 12, not lists 1 and 2
    assert twelve == Model.main_effects(12)
    assert parse_model("[1:12]", 12).interactions() == (1 | 1 << 11,)


@pytest.mark.parametrize("text", ["[14]", "[1a]", "[12,,3]", "[11]", "12]", "[0]", "[1:]"])
def test_bad_models_rejected(text: str) -> None:
    with pytest.raises(NotationError):
        parse_model(text, 3)


def test_model_counts_match_reference_catalogue() -> None:
    assert len(enumerate_models(3, 2)) == 8
    assert len(enumerate_models(4, 3)) == 113
    assert len(enumerate_models(5, 2)) == 1024
    assert all(m.max_order <= 3 for m in enumerate_models(4, 3))


def test_neighbours() -> None:
    m = parse_model("[12,3]", 3)
    assert sorted(boundary_terms(m, 2)) == [0b101, 0b110]
    assert removable_terms(m) == [0b011]
    assert m.without_term(0b011) == Model.main_effects(3)


@st.composite
def models(draw: st.DrawFn) -> Model:
    k = draw(st.integers(min_value=2, max_value=12))
    gens = draw(st.lists(st.integers(min_value=1, max_value=2**k - 1), max_size=5))
    return Model.from_generators(k, gens)


@given(models())
def test_format_parse_roundtrip(model: Model) -> None:
    assert parse_model(format_model(model), model.n_lists) == model


@given(models())
def test_model_is_hierarchical(model: Model) -> None:
    for term in model.terms:
        sub = term
        while sub:
            assert sub in model.terms
            sub = (sub - 1) & term
