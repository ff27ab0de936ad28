"""Saying less: credible models, the headline range and reasons; false-positive adjustment."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.estimate.credible import (
    ModelSummary,
    headline,
    point_estimate,
    remove_false_positives,
)
from joinedup.estimate.table import CaptureTable, table_from_rows


def test_models_that_agree_give_the_preferred_estimate() -> None:
    out = headline(
        [ModelSummary("latent", 1000, 900, 1150), ModelSummary("loglinear", 980, 920, 1060)]
    )
    assert out["headline"] == "estimate" and out["preferred"] == "latent"
    assert out["range"] == [900.0, 1150.0] and out["reasons"] == []


def test_disagreement_or_a_poor_fit_makes_a_range_with_reasons() -> None:
    apart = headline([ModelSummary("a", 1000, 900, 1100), ModelSummary("b", 1500, 1300, 1800)])
    assert apart["headline"] == "range" and apart["range"] == [900.0, 1800.0]
    assert "disagree" in apart["reasons"][0]
    poor = headline(
        [
            ModelSummary("a", 1000, 900, 1100),
            ModelSummary("b", 700, 650, 760, credible=False, note="fits poorly"),
        ]
    )
    assert poor["headline"] == "range" and poor["credible_models"] == ["a"]
    assert poor["range"] == [900.0, 1100.0] and poor["reasons"] == ["b set aside: fits poorly"]
    none = headline([ModelSummary("b", 700, 650, math.inf, credible=False, note="no fit")])
    assert none["range"] == [650.0, None] and "no model fits" in none["reasons"][-1]
    with pytest.raises(ValueError):
        headline([])


def _table() -> CaptureTable:
    return table_from_rows(
        ["police", "health", "social_care"],
        [((1, 0, 0), 50), ((0, 1, 0), 30), ((0, 0, 1), 5), ((1, 1, 0), 20), ((1, 1, 1), 10)],
    )


def test_false_positives_come_off_the_single_list_cells() -> None:
    table = _table()
    out = remove_false_positives(table, {"police": 0.9, "social_care": 0.5})
    # police holds 80: 8 come off its 50 alone; social care 15: 7.5 -> 8, capped at its 5
    assert out.counts[0] == 42 and out.counts[3] == 0 and out.counts[1] == 30
    assert np.array_equal(out.counts[[2, 4, 5, 6]], table.counts[[2, 4, 5, 6]])
    with pytest.raises(ValueError, match="not in the table"):
        remove_false_positives(table, {"probation": 0.9})
    with pytest.raises(ValueError, match="must be in"):
        remove_false_positives(table, {"police": 0.0})


@given(st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3))
def test_adjustment_only_ever_lowers_single_list_cells(precisions: list[float]) -> None:
    table = _table()
    names = ("police", "health", "social_care")
    out = remove_false_positives(table, dict(zip(names, precisions, strict=True)))
    before = table.counts
    assert np.all(out.counts <= before) and np.all(out.counts >= 0)
    singles = [0, 1, 3]
    others = [i for i in range(7) if i not in singles]
    assert np.array_equal(out.counts[others], before[others])


def test_the_point_is_the_stated_weighted_average_of_the_credible_models() -> None:
    latent = ModelSummary("latent", 1000, 900, 1150, weight=0.5)
    frailty = ModelSummary("frailty", 1300, 1100, 1700, weight=0.5)
    loglinear = ModelSummary("loglinear", 950, 920, 990)  # in the range, not the point
    out = point_estimate([latent, frailty, loglinear])
    assert out["estimate"] == 1150.0 and out["weights"] == {"latent": 0.5, "frailty": 0.5}
    assert (out["low"], out["high"]) == (900, 1700)
    # a weighted model set aside: the weights are renormalised over the credible ones
    poor = ModelSummary("frailty", 1300, 1100, 1700, credible=False, note="poor", weight=0.5)
    alone = point_estimate([latent, poor, loglinear])
    assert alone["estimate"] == 1000 and alone["weights"] == {"latent": 1.0}
    assert (alone["low"], alone["high"]) == (900, 1150)
    # no weights at all: the first credible model, as the headline's preferred one
    first = point_estimate([ModelSummary("a", 10, 8, 12), ModelSummary("b", 20, 15, 30)])
    assert first == {"estimate": 10, "low": 8, "high": 12, "weights": {"a": 1.0}}
    assert latent.as_dict()["weight"] == 0.5
    with pytest.raises(ValueError):
        point_estimate([])
