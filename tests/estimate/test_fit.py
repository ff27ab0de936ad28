from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.estimate import CaptureTable, fit_model, parse_model
from joinedup.estimate.batch import evaluate_models, select_best
from joinedup.estimate.bootstrap import resample
from joinedup.estimate.fit import fit_poisson
from joinedup.estimate.notation import enumerate_models
from joinedup.estimate.search import exhaustive


def test_batch_engine_matches_single_fits(kosovo: CaptureTable) -> None:
    models = enumerate_models(4, 3)
    reps = resample(kosovo, 5, seed=7)
    est, crit = evaluate_models(models, reps, "bic")
    best, idx = select_best(est, crit)
    for row, value, i in zip(reps, best, idx, strict=True):
        res = exhaustive(kosovo.with_counts(row), "bic", 3)
        assert res.selected.model == models[i]
        assert abs(res.selected.estimate - value) < 1e-5 * value


def test_warm_start_reaches_same_optimum(kosovo: CaptureTable) -> None:
    model = parse_model("[123,14,34]", 4)
    cold = fit_model(kosovo, model)
    assert cold.beta is not None
    warm = fit_model(kosovo, model, beta0=cold.beta + 0.3)
    assert abs(cold.estimate - warm.estimate) < 1e-6 * cold.estimate


@settings(max_examples=40, deadline=None)
@given(st.permutations(range(4)))
def test_estimate_invariant_to_list_order(perm: list[int]) -> None:
    from .conftest import load

    table = load("kosovo_4lists")
    counts = np.zeros_like(table.counts)
    for code in range(1, 16):
        new = sum(((code >> i) & 1) << perm[i] for i in range(4))
        counts[new - 1] = table.counts[code - 1]
    permuted = CaptureTable(tuple(table.list_names[i] for i in np.argsort(perm)), counts)
    a = exhaustive(table, "bic", 2).selected.estimate
    b = exhaustive(permuted, "bic", 2).selected.estimate
    assert abs(a - b) < 1e-6 * a


def test_fit_poisson_recovers_known_coefficients() -> None:
    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(50), rng.normal(size=50)])
    mu = np.exp(x @ np.array([2.0, 0.5]))
    y = rng.poisson(mu * 100).astype(float)
    fit = fit_poisson(x, y[None, :])
    assert fit.converged[0]
    assert np.allclose(fit.beta[0], [2.0 + np.log(100), 0.5], atol=0.02)
