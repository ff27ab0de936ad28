"""Existence (Fienberg–Rinaldo) and identifiability of the extended MLE.

A term whose margin is zero (e.g. two lists with no one in common) has extended-MLE value −∞:
it is fixed there and every cell on all its lists is removed, as in the R package
MultipleSystemsEstimation. On the remaining cells the finite part of the MLE exists iff the
observed margins lie in the relative interior of the marginal cone (Fienberg & Rinaldo 2012),
and the parameters are identifiable iff the reduced design has full column rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog

from joinedup.estimate.design import cells_containing, design_for_terms
from joinedup.estimate.notation import Model

_TOL = 1e-9


@dataclass(frozen=True)
class Reduction:
    """A model restricted to the face where its zero-margin terms are −∞."""

    model: Model
    neg_inf_terms: tuple[int, ...]
    finite_terms: tuple[int, ...]
    kept: NDArray[np.bool_]  # over all cells
    design: NDArray[np.float64]  # kept cells × (intercept + finite terms)
    identifiable: bool


def reduce_model(model: Model, margins: NDArray[np.float64]) -> Reduction:
    """Fix zero-margin terms at −∞ and drop their cells; ``margins`` from ``term_totals``."""
    neg = tuple(t for t in model.ordered_terms if margins[t] <= 0)
    finite = tuple(t for t in model.ordered_terms if margins[t] > 0)
    return reduction_for(model, neg, finite)


_REDUCTIONS: dict[tuple[int, tuple[int, ...], tuple[int, ...]], Reduction] = {}


def reduction_for(model: Model, neg: tuple[int, ...], finite: tuple[int, ...]) -> Reduction:
    """Cached ``Reduction`` for a given split of the model's terms."""
    key = (model.n_lists, finite, neg)
    hit = _REDUCTIONS.get(key)
    if hit is not None and hit.model == model:
        return hit
    kept = ~cells_containing(model.n_lists, neg)
    full = design_for_terms(model.n_lists, finite)
    design = np.ascontiguousarray(full[kept])
    ident = (
        design.shape[0] >= design.shape[1] and int(np.linalg.matrix_rank(design)) == design.shape[1]
    )
    red = Reduction(model, neg, finite, kept, design, ident)
    if len(_REDUCTIONS) > 200_000:
        _REDUCTIONS.clear()
    _REDUCTIONS[key] = red
    return red


_EXISTS: dict[tuple[tuple[int, ...], bytes, bytes], bool] = {}


def mle_exists(design: NDArray[np.float64], y: NDArray[np.float64]) -> bool:
    """Whether the Poisson MLE for ``design`` (full rank) and counts ``y`` exists (is finite).

    It fails iff some ``d = X b ≠ 0`` has ``d = 0`` on positive cells and ``d ≤ 0`` on zero
    cells (a direction of recession). Solved in the null space of the positive rows, so the
    common case (that null space is trivial) needs no linear programme, nor does a null space
    of one dimension (the direction is one vector and its opposite). The answer depends only
    on the design and on which cells are zero, so it is kept for the next model search on a
    table with the same zeros (an exhaustive search asks the same question many times).
    """
    positive = y > 0
    if positive.all():
        return True
    key = (design.shape, design.tobytes(), positive.tobytes())
    known = _EXISTS.get(key)
    if known is None:
        known = _no_recession(design, positive)
        if len(_EXISTS) > 100_000:
            _EXISTS.clear()
        _EXISTS[key] = known
    return known


def _no_recession(design: NDArray[np.float64], positive: NDArray[np.bool_]) -> bool:
    xp = design[positive]
    if xp.shape[0] == 0:
        return False
    _, s, vt = np.linalg.svd(xp, full_matrices=True)
    rank = int(np.sum(s > _TOL * max(1.0, s[0] if s.size else 1.0)))
    null = vt[rank:].T
    if null.shape[1] == 0:
        return True
    xz = design[~positive] @ null
    if null.shape[1] == 1:
        return _no_recession_on_line(xz[:, 0])
    res = linprog(
        c=xz.sum(axis=0),
        A_ub=np.vstack([xz, -xz]),
        b_ub=np.concatenate([np.zeros(xz.shape[0]), np.ones(xz.shape[0])]),
        bounds=[(None, None)] * null.shape[1],
        method="highs",
    )
    if res.status != 0:
        return False
    return bool(-res.fun <= 1e-7)


def _no_recession_on_line(v: NDArray[np.float64]) -> bool:
    """With a one-dimensional null space ``d = c v`` on the zero cells: a direction of
    recession exists iff ``v`` (ignoring round-off) is nonzero and of one sign, so that
    ``c v ≤ 0`` for ``c`` of the other sign."""
    scale = float(np.abs(v).max()) if v.size else 0.0
    if scale <= _TOL:
        return True  # d = 0 on every cell: not a direction (the design has full rank)
    w = v / scale
    return bool((w > _TOL).any() and (w < -_TOL).any())


def fienberg_rinaldo_lp(design: NDArray[np.float64], y: NDArray[np.float64]) -> bool:
    """The Fienberg–Rinaldo programme as in the R reference: maximise ``s`` subject to
    ``A'm = A'y``, ``m ≥ s``; the MLE exists iff the optimum is positive."""
    n_cells, _ = design.shape
    a_eq = np.hstack([design.T, np.zeros((design.shape[1], 1))])
    b_eq = design.T @ y
    a_ub = np.hstack([-np.eye(n_cells), np.ones((n_cells, 1))])
    res = linprog(
        c=np.concatenate([np.zeros(n_cells), [-1.0]]),
        A_ub=a_ub,
        b_ub=np.zeros(n_cells),
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=[(0, None)] * (n_cells + 1),
        method="highs",
    )
    return bool(res.status == 0 and -res.fun > 1e-9)


def check_model(model: Model, counts: NDArray[np.float64], margins: NDArray[np.float64]) -> int:
    """Status as in the R reference: 0 fine, 1 no MLE, 2 not identifiable, 3 both."""
    red = reduce_model(model, margins)
    y = counts[red.kept]
    exists = (red.identifiable and mle_exists(red.design, y)) or (
        not red.identifiable and fienberg_rinaldo_lp(red.design, y)
    )
    return (0 if exists else 1) + (0 if red.identifiable else 2)
