"""Vectorised evaluation of many models on many count vectors (bootstrap, jackknife).

For each model the replicates are grouped by which of its terms have a zero margin (so the
same reduced design applies to the group); existence is checked per distinct support pattern
(cached) and all admissible replicates are fitted together by a batched, warm-started Newton.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from joinedup.estimate.blas import single_threaded_blas
from joinedup.estimate.design import term_totals
from joinedup.estimate.existence import mle_exists, reduction_for
from joinedup.estimate.fit import fit_poisson
from joinedup.estimate.notation import Model

_EXISTS_CACHE: dict[tuple[int, tuple[int, ...], tuple[int, ...], bytes], bool] = {}


def exists_batch(design: NDArray[np.float64], positive: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """MLE existence for one full-rank design and several support patterns (u, cells).

    If the positive rows alone give a full-rank design the MLE exists; only the remaining
    patterns need the null-space linear programme of ``mle_exists``.
    """
    gram = np.einsum("uc,ci,cj->uij", positive.astype(np.float64), design, design)
    eig = np.linalg.eigvalsh(gram)
    scale = np.maximum(eig[:, -1], 1.0)
    out: NDArray[np.bool_] = eig[:, 0] > 1e-9 * scale
    for i in np.flatnonzero(~out):
        out[i] = mle_exists(design, positive[i].astype(np.float64))
    return out


def _admissible_patterns(
    model: Model,
    neg: tuple[int, ...],
    finite: tuple[int, ...],
    design: NDArray[np.float64],
    positive: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    keys = [(model.n_lists, finite, neg, np.packbits(row).tobytes()) for row in positive]
    todo = [i for i, key in enumerate(keys) if key not in _EXISTS_CACHE]
    if todo:
        if len(_EXISTS_CACHE) > 500_000:
            _EXISTS_CACHE.clear()
        found = exists_batch(design, positive[todo])
        for i, value in zip(todo, found, strict=True):
            _EXISTS_CACHE[keys[i]] = bool(value)
    return np.array([_EXISTS_CACHE[key] for key in keys], dtype=bool)


def evaluate_models(
    models: Sequence[Model],
    counts: NDArray[np.float64],
    criterion: str = "bic",
    warm: Sequence[NDArray[np.float64] | None] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Estimates and criterion values, each ``(R, M)``, of ``M`` models on ``R`` count vectors.

    Which terms are −∞, which cells are kept and whether the MLE exists depend only on the
    support (the set of positive cells), so they are settled once per distinct support.
    Inadmissible (non-existent, non-identifiable, non-converged) fits are NaN.
    """
    with single_threaded_blas():
        return _evaluate(models, counts, criterion, warm)


def _evaluate(
    models: Sequence[Model],
    counts: NDArray[np.float64],
    criterion: str,
    warm: Sequence[NDArray[np.float64] | None] | None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    y_all = np.atleast_2d(np.asarray(counts, dtype=np.float64))
    r = y_all.shape[0]
    n_lists = models[0].n_lists
    supports, which = np.unique(y_all > 0, axis=0, return_inverse=True)
    which = which.ravel()
    support_margins = term_totals(supports.astype(np.float64), n_lists) > 0
    n_obs = y_all.sum(axis=1)
    log_n = np.log(np.maximum(n_obs, 1.0))
    est = np.full((r, len(models)), math.nan)
    crit = np.full((r, len(models)), math.nan)
    for mi, model in enumerate(models):
        terms = model.ordered_terms
        zero = ~support_margins[:, list(terms)]
        patterns, group_of = np.unique(zero, axis=0, return_inverse=True)
        group_of = group_of.ravel()
        for g, pattern in enumerate(patterns):
            neg = tuple(t for t, z in zip(terms, pattern, strict=True) if z)
            finite = tuple(t for t, z in zip(terms, pattern, strict=True) if not z)
            red = reduction_for(model, neg, finite)
            if not red.identifiable:
                continue
            members = np.flatnonzero(group_of == g)
            ok = _admissible_patterns(
                model, neg, finite, red.design, supports[members][:, red.kept]
            )
            if not ok.any():
                continue
            rows = np.flatnonzero(np.isin(which, members[ok]))
            start = warm[mi] if warm is not None and not neg else None
            fit = fit_poisson(red.design, y_all[rows][:, red.kept], start)
            good = fit.converged & np.isfinite(fit.loglik)
            sel = rows[good]
            est[sel, mi] = n_obs[sel] + np.exp(fit.beta[good, 0])
            penalty = 2.0 * model.n_params if criterion == "aic" else model.n_params * log_n[sel]
            crit[sel, mi] = penalty - 2.0 * fit.loglik[good]
    return est, crit


def select_best(
    est: NDArray[np.float64], crit: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Per row, the estimate of the model with the smallest criterion (NaN / -1 if none)."""
    filled = np.where(np.isnan(crit), np.inf, crit)
    best = np.argmin(filled, axis=1)
    rows = np.arange(est.shape[0])
    none = ~np.isfinite(filled[rows, best])
    out = est[rows, best]
    out[none] = math.nan
    idx = best.astype(np.int64)
    idx[none] = -1
    return out, idx
