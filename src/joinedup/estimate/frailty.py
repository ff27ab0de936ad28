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
multinomial, the model refitted).

Unlike a finite mixture (LCMCR), the gamma's left tail says how many children have almost no
chance of being recorded, so the estimate rests on that assumption: it is shown beside the
other models as a sensitivity to how unequal visibility is, not instead of them. Lists that
are directly dependent (one agency's record produces the other's) break the model's
independence given ``v``; :func:`merge_lists` joins them into one list first.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from joinedup.common.errors import InputError
from joinedup.estimate.table import CaptureTable


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

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "shape": self.shape,
            "theta": list(self.theta),
            "n_observed": self.n_observed,
            "replicates": self.replicates,
        }


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


def _fit(
    counts: NDArray[np.float64], n_lists: int, start: NDArray[np.float64] | None = None
) -> tuple[NDArray[np.float64], float, float]:
    """``theta``, shape and the chance of being on no list, by conditional likelihood
    (Nelder-Mead from three starting shapes, or from ``start``: log theta and log shape)."""
    masks, signs, cells = _terms(n_lists)
    seen = counts > 0

    def nll(z: NDArray[np.float64]) -> float:
        theta, shape = np.exp(z[:n_lists]), math.exp(z[n_lists])
        p = np.bincount(
            cells + 1,
            weights=signs * (1.0 + masks @ theta / shape) ** (-shape),
            minlength=2**n_lists,
        )
        observed = 1.0 - p[0]
        if not observed > 0:
            return math.inf
        cell = np.clip(p[1:][seen], 1e-300, None) / observed
        return float(-(counts[seen] * np.log(cell)).sum())

    codes = np.arange(1, 2**n_lists)
    sizes = np.array([counts[(codes >> j & 1) == 1].sum() for j in range(n_lists)])
    share = np.clip(sizes / max(counts.sum(), 1.0), 0.01, 0.95)
    starts = (
        [start]
        if start is not None
        else [np.r_[np.log(-np.log1p(-share)), math.log(k0)] for k0 in (0.5, 2.0, 10.0)]
    )
    best = None
    for z0 in starts:
        fit = minimize(
            nll, z0, method="Nelder-Mead", options={"maxiter": 20_000, "xatol": 1e-7, "fatol": 1e-9}
        )
        if best is None or fit.fun < best.fun:
            best = fit
    assert best is not None
    theta, shape = np.exp(best.x[:n_lists]), math.exp(best.x[n_lists])
    return theta, shape, float(cell_probabilities(theta, shape)[0])


def gamma_frailty(
    table: CaptureTable, replicates: int = 200, seed: int = 1234, level: float = 0.95
) -> FrailtyResult:
    """Fit the model to ``table`` (see the module docstring)."""
    if table.n_lists < 3:
        raise InputError("the gamma-frailty model needs at least three lists")
    counts = np.asarray(table.counts, dtype=float)
    n = float(counts.sum())
    if n <= 0:
        raise InputError("nobody is observed")
    theta, shape, p0 = _fit(counts, table.n_lists)
    estimate = n / (1.0 - p0)
    rng = np.random.default_rng(seed)
    cells = cell_probabilities(theta, shape)[1:] / (1.0 - p0)
    draws = []
    for _ in range(replicates):
        n_star = rng.binomial(round(estimate), 1.0 - p0)
        if n_star <= 0:
            continue
        sample = rng.multinomial(n_star, cells).astype(float)
        _, _, p0_star = _fit(sample, table.n_lists, np.r_[np.log(theta), math.log(shape)])
        draws.append(n_star / (1.0 - p0_star))
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(draws, [alpha, 1.0 - alpha]) if draws else (math.nan, math.nan)
    return FrailtyResult(
        float(estimate),
        float(low),
        float(high),
        float(shape),
        tuple(float(t) for t in theta),
        round(n),
        len(draws),
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
