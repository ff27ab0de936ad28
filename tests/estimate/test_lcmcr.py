"""LCMCR: the latent-class sampler recovers known populations, R's run settings, chains."""

from __future__ import annotations

import numpy as np
import pytest

from joinedup.estimate import CaptureTable
from joinedup.estimate.lcmcr import LcmcrSettings, lcmcr, r_hat
from joinedup.estimate.table import table_from_rows

FAST = LcmcrSettings(burnin=1_000, samples=400, thinning=2)


def _simulate(n: int, probs: list[list[float]], shares: list[float], seed: int) -> CaptureTable:
    """A table of ``n`` people in latent classes with per-class capture probabilities."""
    rng = np.random.default_rng(seed)
    cls = rng.choice(len(shares), size=n, p=shares)
    caught = rng.random((n, len(probs[0]))) < np.asarray(probs)[cls]
    seen = caught[caught.any(axis=1)]
    patterns, counts = np.unique(seen.astype(int), axis=0, return_counts=True)
    names = [f"list{j + 1}" for j in range(seen.shape[1])]
    return table_from_rows(
        names, [(tuple(p), int(c)) for p, c in zip(patterns, counts, strict=True)]
    )


def test_independent_lists_are_recovered() -> None:
    # this draw of 2,000 people has fewer observed than expected (1,424 against 1,454): the
    # independence model's own estimate is 1,900 [1,829, 1,978], and LCMCR must agree with it
    table = _simulate(2000, [[0.3, 0.25, 0.35, 0.2]], [1.0], seed=1)
    s = lcmcr(table, FAST).summary
    from joinedup.estimate import estimate

    independence = estimate(table, method="fixed", model="[1,2,3,4]", sensitivity=False)
    assert s["low"] <= independence.estimate <= s["high"]
    assert abs(s["median"] / independence.estimate - 1) < 0.03
    assert abs(s["median"] / 2000 - 1) < 0.08


def test_heterogeneous_children_are_recovered_where_independence_is_far_too_low() -> None:
    # a quarter known to nearly every agency, the rest rarely seen by any
    table = _simulate(3000, [[0.8, 0.7, 0.8, 0.75], [0.1, 0.08, 0.12, 0.1]], [0.25, 0.75], seed=2)
    s = lcmcr(table, FAST).summary
    assert s["low"] <= 3000 <= s["high"]
    from joinedup.estimate import estimate

    independence = estimate(table, method="fixed", model="[1,2,3,4]", sensitivity=False)
    assert independence.ci_high < 3000  # the log-linear independence model misses the truth


def test_same_seed_same_draws_and_chains_split_the_samples() -> None:
    table = _simulate(800, [[0.4, 0.3, 0.5]], [1.0], seed=3)
    settings = LcmcrSettings(burnin=200, samples=100, thinning=1, seed=9)
    a, b = lcmcr(table, settings), lcmcr(table, settings)
    assert np.array_equal(a.draws, b.draws)
    four = lcmcr(table, LcmcrSettings(burnin=200, samples=100, thinning=1, chains=4))
    assert four.draws.shape == (4, 25) and four.flat.size == 100
    assert np.all(four.flat >= table.n_observed)


def test_each_chain_can_take_its_own_table() -> None:
    small = _simulate(600, [[0.4, 0.3, 0.5]], [1.0], seed=4)
    large = small.with_counts(small.counts * 3)
    settings = LcmcrSettings(burnin=500, samples=200, thinning=2, chains=2)
    result = lcmcr(small, settings, chain_counts=np.vstack([small.counts, large.counts]))
    assert np.median(result.draws[1]) > 2.5 * np.median(result.draws[0])
    with pytest.raises(ValueError, match="chain_counts must have shape"):
        lcmcr(small, settings, chain_counts=small.counts[None, :])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"K": 0}, "K >= 1"),
        ({"samples": 10, "chains": 3}, "multiple of chains"),
        ({"a_alpha": 0.0}, "positive"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LcmcrSettings(**kwargs)  # type: ignore[arg-type]


def test_r_hat_tells_chains_apart() -> None:
    rng = np.random.default_rng(0)
    same = rng.normal(size=(4, 500))
    assert abs(r_hat(same) - 1.0) < 0.02
    apart = same + np.arange(4)[:, None] * 3.0
    assert r_hat(apart) > 1.5
    assert np.isnan(r_hat(same[:1]))


def test_kosovo_agrees_with_r_lcmcr(kosovo: CaptureTable) -> None:
    """R's LCMCR 0.4.14 at these settings (bench/estimate_lcmcr.py, seeds 1-10): posterior
    median 10,343 on average, seed-to-seed standard deviation about 310."""
    s = lcmcr(kosovo, LcmcrSettings()).summary
    assert abs(s["median"] - 10_343) < 4 * 310


def test_diabetes_agrees_with_r_lcmcr(diabetes: CaptureTable) -> None:
    """R's LCMCR 0.4.14 (seeds 1-30): posterior median 2,457 on average, seed-to-seed
    standard deviation about 150."""
    s = lcmcr(diabetes, LcmcrSettings()).summary
    assert abs(s["median"] - 2_457) < 4 * 150
