"""The gamma-frailty capture model and the joining of dependent lists."""

from __future__ import annotations

import math

import numpy as np
import pytest

from joinedup.common.errors import InputError
from joinedup.estimate.frailty import MIN_SHAPE, cell_probabilities, gamma_frailty, merge_lists
from joinedup.estimate.table import CaptureTable, table_from_rows

THETA = np.array([0.3, 0.6, 0.2, 0.5])
SHAPE = 2.0


def test_history_chances_sum_to_one_and_match_the_laplace_transform() -> None:
    p = cell_probabilities(THETA, SHAPE)
    assert p.shape == (16,) and p.min() > 0 and p.sum() == pytest.approx(1.0)
    # on no list: E exp(-v sum theta) for v ~ Gamma(shape, rate shape)
    assert p[0] == pytest.approx((1 + THETA.sum() / SHAPE) ** -SHAPE)
    # on list 1 only, by Monte Carlo over v
    v = np.random.default_rng(1).gamma(SHAPE, 1 / SHAPE, 400_000)
    only_1 = (1 - np.exp(-THETA[0] * v)) * np.exp(-(THETA[1:].sum()) * v)
    assert p[1] == pytest.approx(only_1.mean(), rel=0.01)


def test_the_hidden_number_is_recovered_from_the_models_expected_table() -> None:
    total = 20_000
    p = cell_probabilities(THETA, SHAPE)
    rows = [
        (tuple(int(code >> j & 1) for j in range(4)), round(total * p[code]))
        for code in range(1, 16)
    ]
    out = gamma_frailty(table_from_rows(("a", "b", "c", "d"), rows), replicates=40)
    unseen = total * p[0]
    assert out.estimate == pytest.approx(total, abs=0.02 * unseen)
    assert out.shape == pytest.approx(SHAPE, rel=0.1)
    assert out.ci_low < total < out.ci_high and out.replicates == 40
    # independence (no heterogeneity) would put the unseen lower: the model sees the tail
    independent_unseen = (
        np.prod([1 - p[[c for c in range(1, 16) if c >> j & 1]].sum() for j in range(4)]) * total
    )
    assert independent_unseen < 0.9 * unseen


def test_merge_lists_joins_dependent_lists_into_one() -> None:
    table = table_from_rows(
        ("police", "social_care", "health"),
        [((1, 0, 0), 5), ((0, 1, 0), 7), ((1, 1, 0), 2), ((0, 1, 1), 3), ((0, 0, 1), 4)],
    )
    merged = merge_lists(table, [["police", "social_care"], ["voluntary", "health"]])
    assert merged.list_names == ("police+social_care", "health")
    assert dict(merged.observed_patterns()) == {(1, 0): 14, (1, 1): 3, (0, 1): 4}
    assert merged.n_observed == table.n_observed
    assert merge_lists(table, []) is table


def test_fewer_than_three_lists_are_refused() -> None:
    table = table_from_rows(("a", "b"), [((1, 0), 3), ((0, 1), 4), ((1, 1), 2)])
    with pytest.raises(InputError, match="three lists"):
        gamma_frailty(table)


def _expected_table(theta: np.ndarray, shape: float, total: int) -> CaptureTable:
    p = cell_probabilities(theta, shape)
    k = len(theta)
    rows = [
        (tuple(int(code >> j & 1) for j in range(k)), round(total * p[code]))
        for code in range(1, 2**k)
    ]
    return table_from_rows(tuple("abcd"[:k]), rows)


def test_the_shape_is_held_at_its_bound_and_the_estimate_stays_finite() -> None:
    # visibility far more unequal than the bound allows (shape 0.3): unbounded, the fit
    # follows the tail up; bounded at 1, the estimate is the largest the bound permits
    table = _expected_table(np.array([0.4, 0.8, 0.3, 0.6]), 0.3, 5_000)
    free = gamma_frailty(table, replicates=0, min_shape=1e-3)
    held = gamma_frailty(table, replicates=10)
    assert free.shape == pytest.approx(0.3, rel=0.1) and not free.at_bound
    assert held.at_bound and held.shape == pytest.approx(MIN_SHAPE, rel=0.01)
    assert table.n_observed < held.estimate < free.estimate
    assert math.isfinite(held.ci_high) and held.ci_high < free.estimate
    assert held.shape_interval[0] == MIN_SHAPE
    # the bound says the data do not fit as well as they would below it
    assert held.deviance > free.deviance
    with pytest.raises(InputError, match="positive"):
        gamma_frailty(table, min_shape=0.0)


def test_fit_diagnostics_and_the_shape_interval() -> None:
    table = _expected_table(THETA, 4.0, 40_000)
    out = gamma_frailty(table, replicates=0)
    assert out.df == 2**4 - 2 - 5 and out.deviance == pytest.approx(0.0, abs=0.05)
    assert out.p_value > 0.99 and out.replicates == 0
    low, high = out.shape_interval
    assert low <= 4.0 <= high and not out.at_bound
    shown = out.as_dict()
    assert shown["shape_at_bound"] is False and shown["lists"] == ["a", "b", "c", "d"]
    assert shown["goodness_of_fit"]["df"] == 9  # type: ignore[index]


def test_linkage_imputations_are_averaged_and_share_the_replicates() -> None:
    table = _expected_table(THETA, SHAPE, 8_000)
    one = gamma_frailty(table, replicates=0)
    counts = table.counts.copy()
    counts[0] += 40  # an imputation that split some people on list a alone
    other = table.with_counts(counts)
    both = gamma_frailty(table, replicates=10, imputations=[table, other])
    alone = gamma_frailty(other, replicates=0)
    assert both.estimate == pytest.approx((one.estimate + alone.estimate) / 2, rel=1e-3)
    assert both.replicates == 10 and both.ci_low < both.estimate < both.ci_high
