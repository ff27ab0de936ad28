"""Heterogeneous catchability models as in Rcapture (Rivest & Baillargeon 2007; Rivest 2011).

A column that depends only on the number of lists a person is on is added to a log-linear
model: Chao lower bound (``lb``: ``(k - j + 1)_+`` for ``j = 3..K``, negative coefficients
dropped), ``poisson`` (``θ^k − 1``, θ = 2), ``darroch`` (``k²/2``), ``gamma`` (``−log(θ + k) +
log θ``, θ = 3.5) and ``normal`` (a normal random effect integrated by 20-point
Gauss–Hermite quadrature). In all of them N̂ = n_observed + exp(intercept).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from joinedup.common.errors import InputError
from joinedup.estimate.design import cell_order, term_totals
from joinedup.estimate.existence import reduce_model
from joinedup.estimate.fit import deviance, fit_poisson, information
from joinedup.estimate.notation import Model
from joinedup.estimate.table import CaptureTable

KINDS = ("lb", "poisson", "darroch", "gamma", "normal")
_ALIASES = {"chao": "lb", "poisson2": "poisson"}


@dataclass(frozen=True)
class Heterogeneity:
    """Which heterogeneity model, and its θ where it has one."""

    kind: str
    theta: float | None = None

    def label(self) -> str:
        """``gamma:3.5`` style label."""
        return f"{self.kind}:{self.theta:g}" if self.theta is not None else self.kind


def parse_heterogeneity(text: str) -> Heterogeneity:
    """Parse ``lb``, ``poisson``, ``darroch``, ``gamma:THETA`` or ``normal``."""
    name, _, value = text.strip().lower().partition(":")
    kind = _ALIASES.get(name, name)
    if kind not in KINDS:
        raise InputError(f"unknown heterogeneity model {text!r}; use one of {', '.join(KINDS)}")
    theta: float | None = None
    if kind in ("poisson", "gamma"):
        try:
            theta = float(value) if value else (2.0 if kind == "poisson" else 3.5)
        except ValueError:
            raise InputError(f"θ in {text!r} must be a number") from None
        if not theta > 0:
            raise InputError(f"θ in {text!r} must be positive")
    elif value:
        raise InputError(f"heterogeneity model {kind!r} takes no θ")
    return Heterogeneity(kind, theta)


def heterogeneity_columns(
    spec: Heterogeneity, k: NDArray[np.float64], n_lists: int
) -> NDArray[np.float64]:
    """Columns added to the design for capture counts ``k`` (empty for ``normal``)."""
    if spec.kind == "lb":
        cols = [np.maximum(k - j + 1.0, 0.0) for j in range(3, n_lists + 1)]
        return np.column_stack(cols) if cols else np.zeros((k.size, 0))
    if spec.kind == "poisson":
        assert spec.theta is not None
        return (spec.theta**k - 1.0)[:, None]
    if spec.kind == "darroch":
        return (k**2 / 2.0)[:, None]
    if spec.kind == "gamma":
        assert spec.theta is not None
        return (-np.log(spec.theta + k) + math.log(spec.theta))[:, None]
    return np.zeros((k.size, 0))


@dataclass(frozen=True)
class HeterogeneityFit:
    """Result of a heterogeneity model fit."""

    spec: Heterogeneity
    estimate: float
    se: float
    deviance: float
    df: int
    loglik: float
    coefficients: NDArray[np.float64]
    warnings: list[str] = field(default_factory=list)
    design: NDArray[np.float64] | None = None  # log-linear design used (None for normal)


def fit_heterogeneity(table: CaptureTable, model: Model, spec: Heterogeneity) -> HeterogeneityFit:
    """Fit ``model`` plus the heterogeneity term ``spec`` to ``table``."""
    red = reduce_model(model, term_totals(table.counts, table.n_lists))
    y = table.counts[red.kept]
    k = cell_order(table.n_lists)[red.kept].astype(np.float64)
    base = red.design
    n = float(table.counts.sum())
    warnings: list[str] = []
    if spec.kind == "normal":
        return _fit_normal(base, y, k, n, spec)
    extra = heterogeneity_columns(spec, k, table.n_lists)
    keep = list(range(extra.shape[1]))
    while True:
        x = np.hstack([base, extra[:, keep]])
        if np.linalg.matrix_rank(x) < x.shape[1]:
            raise ValueError("model with heterogeneity term is not identifiable")
        fit = fit_poisson(x, y[None, :])
        beta, mu = fit.beta[0], fit.mu[0]
        eta = beta[base.shape[1] :]
        negative = [i for i, v in enumerate(eta) if v < 0]
        if spec.kind != "lb" or not negative:
            break
        warnings.append(f"lower-bound column eta{keep[negative[0]] + 3} < 0 removed")
        keep.pop(negative[0])
    unobserved = math.exp(beta[0])
    cov = np.linalg.inv(information(x, mu))
    se = math.sqrt(unobserved + unobserved**2 * float(cov[0, 0]))
    return HeterogeneityFit(
        spec,
        n + unobserved,
        se,
        deviance(y, mu),
        int(x.shape[0] - x.shape[1]),
        float(fit.loglik[0]),
        beta,
        warnings,
        x,
    )


def _normal_mu(
    params: NDArray[np.float64], x: NDArray[np.float64], k: NDArray[np.float64]
) -> NDArray[np.float64]:
    nodes, weights = np.polynomial.hermite.hermgauss(20)
    beta, sigma = params[:-1], params[-1]
    lin = x @ beta
    shifts = nodes * math.sqrt(2.0) * sigma  # (20,)
    # C_i: probability of not being observed at random-effect node i
    tot = np.exp(lin[None, :] + k[None, :] * shifts[:, None]).sum(axis=1)
    c = math.exp(beta[0]) / (math.exp(beta[0]) + tot)
    kmax = int(k.max())
    phi = np.array(
        [
            math.log(float(np.sum(weights * np.exp(j * shifts) * c) / np.sum(weights * c)))
            for j in range(1, kmax + 1)
        ]
    )
    return np.asarray(np.exp(lin + phi[k.astype(int) - 1]), dtype=np.float64)


def _fit_normal(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    k: NDArray[np.float64],
    n: float,
    spec: Heterogeneity,
) -> HeterogeneityFit:
    darroch = fit_poisson(np.hstack([x, (k**2 / 2.0)[:, None]]), y[None, :])
    start = np.concatenate([darroch.beta[0][: x.shape[1]], [0.2]])

    def objective(params: NDArray[np.float64]) -> float:
        with np.errstate(over="ignore", invalid="ignore"):
            mu = _normal_mu(params, x, k)
        if not np.all(np.isfinite(mu)) or np.any(mu <= 0):
            return 1e300
        return deviance(y, mu)

    res = minimize(objective, start, method="BFGS", options={"gtol": 1e-7, "maxiter": 2000})
    params = np.asarray(res.x, dtype=np.float64)
    mu = _normal_mu(params, x, k)
    grad_norm = float(np.linalg.norm(res.jac)) if res.jac is not None else math.inf
    warnings = [] if res.success or grad_norm < 1e-3 else [f"normal model: {res.message}"]
    if params[-1] <= 0:
        warnings.append("sigma estimate not positive: no evidence of heterogeneity")
    hess = _numeric_hessian(objective, params) / 2.0
    try:
        var0 = float(np.linalg.inv(hess)[0, 0])
    except np.linalg.LinAlgError:
        var0 = math.nan
    unobserved = math.exp(params[0])
    se = math.sqrt(unobserved + unobserved**2 * var0) if var0 >= 0 else math.nan
    loglik = float(np.sum(y * np.log(mu) - mu) - np.sum([math.lgamma(v + 1) for v in y]))
    return HeterogeneityFit(
        spec,
        n + unobserved,
        se,
        deviance(y, mu),
        int(y.size - params.size),
        loglik,
        params,
        warnings,
    )


def _numeric_hessian(f: object, x0: NDArray[np.float64]) -> NDArray[np.float64]:
    assert callable(f)
    p = x0.size
    h = 1e-4 * np.maximum(1.0, np.abs(x0))
    out = np.zeros((p, p))
    for i in range(p):
        for j in range(i, p):
            ei, ej = np.eye(p)[i] * h[i], np.eye(p)[j] * h[j]
            val = (f(x0 + ei + ej) - f(x0 + ei - ej) - f(x0 - ei + ej) + f(x0 - ei - ej)) / (
                4 * h[i] * h[j]
            )
            out[i, j] = out[j, i] = val
    return out
