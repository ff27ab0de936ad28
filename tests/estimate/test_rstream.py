"""R's random stream: the numbers below were printed by R 4.2.2 (Mersenne-Twister, default
``set.seed`` kinds), e.g. ``set.seed(1234); runif(3)``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.estimate import CaptureTable
from joinedup.estimate.bootstrap import r_cell_order, resample
from joinedup.estimate.rstream import RStream, conditional_shares, r_multinomial


def test_uniforms_match_r_after_set_seed() -> None:
    s = RStream(1234)
    assert [s.unif() for _ in range(3)] == [
        0.11370341130532324,
        0.62229940481483936,
        0.60927473288029432,
    ]
    negative = RStream(-5)
    assert [negative.unif() for _ in range(2)] == [0.73459476791322231, 0.33969277143478394]


@pytest.mark.parametrize(
    ("n", "p", "expected"),
    [(1000, 0.3, [301, 299, 283, 268, 325]), (20, 0.3, [5, 5, 6, 9, 4])],
)
def test_binomials_match_r(n: int, p: float, expected: list[int]) -> None:
    s = RStream(1)  # set.seed(1); rbinom(5, n, p)
    assert [s.binomial(n, p) for _ in range(5)] == expected


def test_binomial_rejection_branches_match_r() -> None:
    # set.seed(42); x <- rbinom(20000, 1000, 0.3): draw 5087 is accepted by the Stirling
    # bound of the BTPE sampler, the finest branch; the sum checks the rest of the stream.
    s = RStream(42)
    x = [s.binomial(1000, 0.3) for _ in range(20000)]
    assert x[5084:5088] == [275, 288, 276, 298]
    assert sum(x) == 6000005
    s = RStream(7)
    assert sum(s.binomial(100000, 0.4) for _ in range(5000)) == 200007755
    assert sum(s.binomial(61, 0.6) for _ in range(5000)) == 182821
    assert sum(s.binomial(4400, 0.999) for _ in range(3000)) == 13186847


def test_multinomial_matches_r() -> None:
    # set.seed(1234); t(rmultinom(3, 123, c(5, 5, 41, 54, 6, 12)))  (the Korea cells)
    draws = r_multinomial(1234, 123, np.array([5.0, 5, 41, 54, 6, 12]), 3)
    assert draws.tolist() == [[2, 6, 32, 71, 3, 9], [6, 5, 39, 57, 7, 9], [4, 4, 44, 55, 4, 12]]


def test_r_cell_order_is_tidylists_order() -> None:
    # Cells are indexed by bitmask code - 1, bit i = list i + 1.
    codes = [int(c) + 1 for c in r_cell_order(3)]
    assert codes == [0b001, 0b010, 0b100, 0b011, 0b101, 0b110, 0b111]


def test_resample_skips_empty_cells_and_keeps_totals(korea: CaptureTable) -> None:
    reps = resample(korea, 50, 1234)
    assert np.all(reps.sum(axis=1) == korea.counts.sum())
    assert np.all(reps[:, korea.counts == 0] == 0)
    # The Korea table is given in R's order, so the draws are R's for those cells.
    order = r_cell_order(3)
    positive = order[korea.counts[order] > 0]
    expected = r_multinomial(1234, 123, korea.counts[positive], 3)
    assert reps[:3, positive].tolist() == expected.tolist()
    with pytest.raises(ValueError, match="unknown random stream"):
        resample(korea, 5, 1, stream="mt")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 60), min_size=2, max_size=12).filter(lambda c: sum(c) > 0),
    st.integers(0, 2**31 - 1),
)
def test_multinomial_draws_sum_to_size_within_support(counts: list[int], seed: int) -> None:
    prob = np.array(counts, dtype=float)
    shares = conditional_shares(prob)
    assert all(0.0 <= s <= 1.0 for s in shares)
    draws = r_multinomial(seed, 97, prob, 4)
    assert np.all(draws.sum(axis=1) == 97)
    assert np.all(draws[:, prob == 0] == 0)
    assert np.all(draws >= 0)
