"""A gamma-frailty capture model: heterogeneous visibility with a stated parametric form.

Each person has a visibility ``v`` drawn from a gamma distribution with mean 1 and shape
``k`` (smaller ``k``: more unequal); list ``j`` records a person of visibility ``v`` with
probability ``1 - exp(-theta_j v)``, the lists independently given ``v``. The chance of a
capture history follows in closed form from the gamma's Laplace transform
``L(s) = (1 + s/k)**-k`` by inclusion-exclusion over the lists the history holds:

    P(x) = sum over T subset of S(x) of (-1)**|T| L(theta outside S(x) + theta in T)

and the chance of being on no list is ``L(sum theta)``. ``theta`` and ``k`` are fitted by
maximum likelihood conditional on being observed; ``N = n / (1 - P(0))``. The interval is a
parametric bootstrap (observed count binomial at the fitted chance of being observed, cells
multinomial, the model refitted), spread over the tables of a linkage imputation if given.

**The shape is bounded below** (``min_shape``, default 1). Below 1 the gamma density is
infinite at ``v = 0``: the model then asserts a mass of children with next to no chance of any
record, the group that no multiple systems estimate can count and that the estimate's
population leaves out (docs/estimation.md); it is also where the likelihood is flat and ``N``
runs to infinity. At ``k = 1`` (an exponential visibility) ``N`` is finite for any ``theta``.
When the fitted shape sits on the bound, the data would have visibility more unequal than
the bound allows and the estimate is the largest the bound permits: ``at_bound`` says so.
``shape_interval`` is the profile-likelihood interval of the shape (within the bound).

Unlike a finite mixture (LCMCR), the gamma's left tail says how many children have little
chance of being recorded, so the estimate rests on that assumption: it is shown beside the
other models as a sensitivity to how unequal visibility is, not instead of them. Lists that
are directly dependent (one agency's record produces the other's) break the model's
independence given ``v``; :func:`merge_lists` joins them into one list first.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq, minimize
from scipy.stats import chi2

from joinedup.common.errors import InputError
from joinedup.estimate.table import CaptureTable

MIN_SHAPE = 1.0
MAX_SHAPE = 1e6  # visibility all but equal: the model is then the independence model
_PROFILE_GRID = np.geomspace(1.0, 1e3, 13)
_REFIT_TOLERANCE = 1e-4  # bootstrap refits start at the fit: a looser stop is enough


@dataclass(frozen=True)
class FrailtyResult:
    """The fitted model: estimate, interval, the shape ``k`` and the list rates ``theta``."""

    estimate: float
    ci_low: float
    ci_high: float
    shape: float
    theta: tuple[float, ...]
    n_observed: int
    replicates: int
    min_shape: float = MIN_SHAPE
    at_bound: bool = False
    shape_interval: tuple[float, float] = (math.nan, math.nan)
    deviance: float = math.nan
    df: int = 0
    p_value: float = math.nan
    lists: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (an unbounded end of the shape's interval is None)."""

        def num(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "shape": self.shape,
            "min_shape": self.min_shape,
            "shape_at_bound": self.at_bound,
            "shape_interval": [num(self.shape_interval[0]), num(self.shape_interval[1])],
            "theta": list(self.theta),
            "lists": list(self.lists),
            "n_observed": self.n_observed,
            "replicates": self.replicates,
            "goodness_of_fit": {
                "deviance": num(self.deviance),
                "df": self.df,
                "p_value": num(self.p_value),
            },
        }


@functools.lru_cache(maxsize=8)
def _terms(n_lists: int) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Inclusion-exclusion terms: ``masks`` (terms, J) of the rates summed, ``signs`` and the
    cell (``code - 1``; ``-1`` for the empty history) each term belongs to."""
    masks, signs, cells = [], [], []
    for code in range(2**n_lists):
        held = [j for j in range(n_lists) if code >> j & 1]
        outside = [j for j in range(n_lists) if not code >> j & 1]
        for r in range(len(held) + 1):
            for chosen in itertools.combinations(held, r):
                mask = np.zeros(n_lists)
                mask[outside + list(chosen)] = 1.0
                masks.append(mask)
                signs.append(-1.0 if r % 2 else 1.0)
                cells.append(code - 1)
    return np.array(masks), np.array(signs), np.array(cells, dtype=np.int64)


def cell_probabilities(theta: NDArray[np.float64], shape: float) -> NDArray[np.float64]:
    """``P(x)`` for every history, indexed ``code`` (index 0: on no list)."""
    masks, signs, cells = _terms(len(theta))
    values = signs * (1.0 + masks @ theta / shape) ** (-shape)
    return np.asarray(
        np.bincount(cells + 1, weights=values, minlength=2 ** len(theta)), dtype=np.float64
    )


def _nll(counts: NDArray[np.float64], theta: NDArray[np.float64], shape: float) -> float:
    """Minus the log-likelihood of the observed cells, conditional on being observed."""
    p = cell_probabilities(theta, shape)
    observed = 1.0 - p[0]
    if not observed > 0:
        return math.inf
    seen = counts > 0
    cell = np.clip(p[1:][seen], 1e-300, None) / observed
    return float(-(counts[seen] * np.log(cell)).sum())


def _shape_of(z: float, min_shape: float) -> float:
    return min_shape + math.exp(min(z, math.log(MAX_SHAPE)))


def _fit(
    counts: NDArray[np.float64],
    n_lists: int,
    min_shape: float = MIN_SHAPE,
    start: NDArray[np.float64] | None = None,
    tolerance: float = 1e-7,
) -> tuple[NDArray[np.float64], float, float, float]:
    """``theta``, shape, the chance of being on no list and the minimised nll (Nelder-Mead
    over log theta and log(shape - min_shape), from three starting shapes or ``start``)."""
    options = {"maxiter": 20_000, "xatol": tolerance, "fatol": tolerance * 1e-2}

    def nll(z: NDArray[np.float64]) -> float:
        return _nll(counts, np.exp(z[:n_lists]), _shape_of(z[n_lists], min_shape))

    codes = np.arange(1, 2**n_lists)
    sizes = np.array([counts[(codes >> j & 1) == 1].sum() for j in range(n_lists)])
    share = np.clip(sizes / max(counts.sum(), 1.0), 0.01, 0.95)
    rates = np.log(-np.log1p(-share))
    starts = (
        [start] if start is not None else [np.r_[rates, math.log(k0)] for k0 in (0.5, 2.0, 10.0)]
    )
    best = None
    for z0 in starts:
        fit = minimize(nll, z0, method="Nelder-Mead", options=options)
        if best is None or fit.fun < best.fun:
            best = fit
    assert best is not None
    theta, shape = np.exp(best.x[:n_lists]), _shape_of(best.x[n_lists], min_shape)
    return theta, shape, float(cell_probabilities(theta, shape)[0]), float(best.fun)


def _profile_nll(counts: NDArray[np.float64], shape: float, theta0: NDArray[np.float64]) -> float:
    """The nll at a fixed shape, ``theta`` refitted."""
    fit = minimize(
        lambda z: _nll(counts, np.exp(z), shape),
        np.log(theta0),
        method="Nelder-Mead",
        options={"maxiter": 5_000, "xatol": 1e-4, "fatol": 1e-6},
    )
    return float(fit.fun)


def shape_interval(
    counts: NDArray[np.float64],
    theta: NDArray[np.float64],
    shape: float,
    best_nll: float,
    min_shape: float = MIN_SHAPE,
    level: float = 0.95,
) -> tuple[float, float]:
    """The profile-likelihood interval of the shape within ``min_shape`` .. 1,000 (its ends
    found by bisection on log shape); an end beyond 1,000 is infinite (the data do not bound
    the shape from above: visibility may be all but equal)."""
    cut = best_nll + float(chi2.ppf(level, 1)) / 2.0

    def excess(log_k: float) -> float:
        return _profile_nll(counts, math.exp(log_k), theta) - cut

    fitted = math.log(min(max(shape, min_shape), _PROFILE_GRID[-1] * min_shape))
    bottom = math.log(min_shape)
    if excess(fitted) > 0:  # the profile missed the optimum: no interval to report
        return (math.nan, math.nan)
    if fitted - bottom < 1e-9 or excess(bottom) <= 0:
        low = min_shape
    else:
        low = math.exp(brentq(excess, bottom, fitted, xtol=1e-3))
    high = math.inf
    previous = fitted
    for k in _PROFILE_GRID * min_shape:
        if math.log(k) <= fitted:
            continue
        if excess(math.log(k)) > 0:
            high = math.exp(brentq(excess, previous, math.log(k), xtol=1e-3))
            break
        previous = math.log(k)
    return (low, high)


def _deviance(counts: NDArray[np.float64], probs: NDArray[np.float64]) -> float:
    seen = counts > 0
    expected = counts.sum() * probs[seen]
    return float(2.0 * (counts[seen] * np.log(counts[seen] / expected)).sum())


def gamma_frailty(
    table: CaptureTable,
    replicates: int = 200,
    seed: int = 1234,
    level: float = 0.95,
    min_shape: float = MIN_SHAPE,
    imputations: Sequence[CaptureTable] | None = None,
) -> FrailtyResult:
    """Fit the model to ``table`` (see the module docstring). With ``imputations`` (tables of
    a linkage imputation, same lists), the estimate is the mean of their fits and the
    bootstrap replicates are spread over them, so the interval carries the linkage error."""
    if table.n_lists < 3:
        raise InputError("the gamma-frailty model needs at least three lists")
    if not min_shape > 0:
        raise InputError(f"the shape's lower bound must be positive, not {min_shape}")
    counts = np.asarray(table.counts, dtype=float)
    n = float(counts.sum())
    if n <= 0:
        raise InputError("nobody is observed")
    k = table.n_lists
    theta, shape, p0, best = _fit(counts, k, min_shape)
    tables = [np.asarray(t.counts, dtype=float) for t in imputations or ()] or [counts]
    fits = [(theta, shape, p0)] if len(tables) == 1 else []
    z_fit = np.r_[np.log(theta), math.log(max(shape - min_shape, 1e-6))]
    for other in tables if len(tables) > 1 else ():
        th, sh, q0, _ = _fit(other, k, min_shape, z_fit)
        fits.append((th, sh, q0))
    estimates = [float(c.sum()) / (1.0 - f[2]) for c, f in zip(tables, fits, strict=True)]
    rng = np.random.default_rng(seed)
    draws = []
    for r in range(replicates):
        th, sh, q0 = fits[r % len(fits)]
        n_star = rng.binomial(round(estimates[r % len(fits)]), 1.0 - q0)
        if n_star <= 0:
            continue
        cells = cell_probabilities(th, sh)[1:] / (1.0 - q0)
        sample = rng.multinomial(n_star, cells / cells.sum()).astype(float)
        z0 = np.r_[np.log(th), math.log(max(sh - min_shape, 1e-6))]
        _, _, q_star, _ = _fit(sample, k, min_shape, z0, _REFIT_TOLERANCE)
        draws.append(n_star / (1.0 - q_star))
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(draws, [alpha, 1.0 - alpha]) if draws else (math.nan, math.nan)
    probs = cell_probabilities(theta, shape)[1:] / (1.0 - p0)
    deviance = _deviance(counts, probs)
    df = max(0, 2**k - 2 - (k + 1))
    return FrailtyResult(
        float(np.mean(estimates)),
        float(low),
        float(high),
        float(shape),
        tuple(float(t) for t in theta),
        round(n),
        len(draws),
        min_shape,
        shape <= min_shape * 1.01,
        shape_interval(counts, theta, shape, best, min_shape, level),
        deviance,
        df,
        float(chi2.sf(deviance, df)) if df else math.nan,
        table.list_names,
    )


def merge_lists(table: CaptureTable, groups: Sequence[Sequence[str]]) -> CaptureTable:
    """The table with each group of lists joined into one (a person is on the joined list
    when on any of its lists), named ``a+b``; lists in no group are kept as they are."""
    names = list(table.list_names)
    index = {name: i for i, name in enumerate(names)}
    joined: list[list[int]] = []
    used: set[int] = set()
    for group in groups:
        members = [index[g] for g in group if g in index]
        if len(members) > 1:
            joined.append(members)
            used.update(members)
    if not joined:
        return table
    parts = [[i] for i in range(len(names)) if i not in used] + joined
    parts.sort(key=min)
    new_names = tuple("+".join(names[i] for i in part) for part in parts)
    out = np.zeros(2 ** len(parts) - 1)
    for code, count in zip(table.codes, table.counts, strict=True):
        new = sum(1 << p for p, part in enumerate(parts) if any(code >> i & 1 for i in part))
        out[new - 1] += count
    return CaptureTable(new_names, out, table.sha256, table.source)
