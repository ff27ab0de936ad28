"""BCa bootstrap with model re-selection, compared with the published intervals."""

from __future__ import annotations

import numpy as np
import pytest

from joinedup.estimate import CaptureTable, estimate
from joinedup.estimate.intervals import bca_interval, jackknife_acceleration


def test_bca_reduces_to_percentile_without_bias_or_acceleration() -> None:
    boot = np.arange(1, 2000, dtype=float)
    interval = bca_interval(boot, 1000.0, 0.0)
    assert abs(interval.low - np.quantile(boot, 0.025)) < 2
    assert abs(interval.high - np.quantile(boot, 0.975)) < 2


def test_jackknife_acceleration_sign() -> None:
    jack = np.array([10.0, 10.0, 10.0, 13.0])
    assert jackknife_acceleration(jack, np.ones(4)) < 0
    assert jackknife_acceleration(-jack, np.ones(4)) > 0
    assert jackknife_acceleration(np.full(3, 5.0), np.ones(3)) == 0.0


@pytest.mark.parametrize(
    ("order", "low", "high"),
    [(2, 12451, 16273), (3, 6947, 18010)],
)
def test_kosovo_bca_within_5_percent_of_published(
    kosovo: CaptureTable, order: int, low: float, high: float
) -> None:
    res = estimate(
        kosovo,
        method="bic",
        max_order=order,
        n_bootstrap=1000,
        seed=1,
        sensitivity=False,
        workers=1,
    )
    assert res.ci_method == "bca-bootstrap"
    assert abs(res.ci_low / low - 1) < 0.05
    assert abs(res.ci_high / high - 1) < 0.05
    assert res.ci_low < res.estimate < res.ci_high


def test_korea_bca_loosely_matches(korea: CaptureTable) -> None:
    res = estimate(korea, method="bic", n_bootstrap=400, seed=5, sensitivity=False, workers=1)
    assert abs(res.ci_low / 128 - 1) < 0.1
    assert abs(res.ci_high / 349 - 1) < 0.25


def test_bootstrap_is_reproducible_and_seed_dependent(korea: CaptureTable) -> None:
    a = estimate(korea, method="bic", n_bootstrap=200, seed=11, sensitivity=False, workers=1)
    b = estimate(korea, method="bic", n_bootstrap=200, seed=11, sensitivity=False, workers=2)
    c = estimate(korea, method="bic", n_bootstrap=200, seed=12, sensitivity=False, workers=1)
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)
    assert a.provenance["seed"] == 11


def test_stepwise_bootstrap_repeats_selection(neworleans: CaptureTable) -> None:
    res = estimate(neworleans, method="stepwise", n_bootstrap=120, seed=3, sensitivity=False)
    freqs = res.bootstrap["selected_model_frequencies"]
    assert len(freqs) > 1  # different replicates select different models
    assert sum(freqs.values()) <= 120
    assert res.ci_low < res.estimate < res.ci_high
