"""Confidence intervals: BCa from bootstrap replicates, and profile likelihood for one model."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2, norm

from joinedup.estimate.fit import fit_poisson


@dataclass(frozen=True)
class Interval:
    """A confidence interval; ``method`` says how it was computed."""

    low: float
    high: float
    level: float
    method: str
    details: dict[str, float]


def jackknife_acceleration(jack: NDArray[np.float64], weights: NDArray[np.float64]) -> float:
    """BCa acceleration from delete-one estimates, each weighted by its cell count."""
    use = weights > 0
    j, w = jack[use], weights[use]
    if not np.all(np.isfinite(j)):
        return math.nan
    mean = float(np.sum(w * j) / np.sum(w))
    d = mean - j
    denom = float(np.sum(w * d**2))
    if denom <= 0:
        return 0.0
    return float(np.sum(w * d**3) / (6.0 * denom**1.5))


def bca_interval(
    boot: NDArray[np.float64], estimate: float, acceleration: float, level: float = 0.95
) -> Interval:
    """Bias-corrected and accelerated percentile interval (Efron 1987), as the R reference's
    ``bcaconfvalues``: z0 from the share of finite replicates strictly below ``estimate``,
    limits at the adjusted levels by R's quantile type 8 (median-unbiased). Deliberate
    difference: if every replicate lies on one side, R's z0 is infinite and its limits NaN;
    here the share is clamped to [0.5/B, 1 − 0.5/B] so the limits are the extreme replicates.
    """
    finite = boot[np.isfinite(boot)]
    if finite.size == 0 or not math.isfinite(acceleration):
        return Interval(math.nan, math.nan, level, "bca-bootstrap", {"n_valid": 0.0})
    prop = float(np.mean(finite < estimate))
    prop = min(max(prop, 0.5 / finite.size), 1.0 - 0.5 / finite.size)
    z0 = float(norm.ppf(prop))
    alpha = (1.0 - level) / 2.0
    za = norm.ppf(np.array([alpha, 1.0 - alpha]))
    za0 = z0 + za
    zq = norm.cdf(z0 + za0 / (1.0 - acceleration * za0))
    low, high = np.quantile(finite, zq, method="median_unbiased")
    return Interval(
        float(low),
        float(high),
        level,
        "bca-bootstrap",
        {
            "z0": z0,
            "acceleration": acceleration,
            "n_valid": float(finite.size),
            "n_failed": float(boot.size - finite.size),
        },
    )


def profile_loglik(
    design: NDArray[np.float64],
    y: NDArray[np.float64],
    total: float,
    start: NDArray[np.float64] | None = None,
) -> tuple[float, NDArray[np.float64]]:
    """Multinomial profile log-likelihood of population size ``total`` (up to a constant)."""
    n = float(y.sum())
    n0 = total - n
    x_aug = np.vstack([design, np.eye(1, design.shape[1])])
    y_aug = np.concatenate([y, [n0]])
    fit = fit_poisson(x_aug, y_aug[None, :], start)
    mu = fit.mu[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        logp = np.where(y_aug > 0, y_aug * np.log(mu / total), 0.0)
    value = float(gammaln(total + 1.0) - gammaln(n0 + 1.0) + logp.sum())
    return value, fit.beta[0]


def profile_interval(
    design: NDArray[np.float64],
    y: NDArray[np.float64],
    estimate: float,
    level: float = 0.95,
    max_factor: float = 50.0,
) -> Interval:
    """Profile-likelihood interval for N under one fixed model (model-conditional).

    ``design`` is the model's design on the observable (kept) cells with the intercept first;
    the unobserved cell has only the intercept. ``high`` is ``inf`` if the likelihood does not
    drop enough below ``max_factor × estimate``.
    """
    n = float(y.sum())
    state: dict[str, NDArray[np.float64] | None] = {"beta": None}

    def ell(total: float) -> float:
        value, beta = profile_loglik(design, y, total, state["beta"])
        state["beta"] = beta
        return value

    upper_search = max(estimate * max_factor, n + 10.0)
    opt = minimize_scalar(
        lambda t: -ell(t),
        bounds=(n, max(estimate * 3.0, n + 5.0)),
        method="bounded",
        options={"xatol": 1e-6 * max(1.0, estimate)},
    )
    n_max, l_max = float(opt.x), -float(opt.fun)
    cut = l_max - chi2.ppf(level, 1) / 2.0

    def g(t: float) -> float:
        return float(ell(t) - cut)

    low = n if g(n) > 0 else float(brentq(g, n, n_max, xtol=1e-4))
    high = math.inf if g(upper_search) > 0 else float(brentq(g, n_max, upper_search, xtol=1e-4))
    return Interval(low, high, level, "profile-likelihood (model-conditional)", {"mle": n_max})
