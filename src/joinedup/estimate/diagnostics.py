"""Diagnostics: list overlaps, empty pairs, goodness of fit, model tables, warnings."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy.stats import chi2

from joinedup.estimate.design import term_column
from joinedup.estimate.loglinear import ModelFit
from joinedup.estimate.notation import format_term
from joinedup.estimate.table import CaptureTable

SMALL_CELL = 5


def overlap_matrix(table: CaptureTable) -> NDArray[np.int64]:
    """``K × K`` matrix: people on both list ``i`` and list ``j`` (list sizes on the diagonal)."""
    k = table.n_lists
    out = np.zeros((k, k), dtype=np.int64)
    for i in range(k):
        for j in range(i, k):
            value = round(float(table.counts @ term_column(k, (1 << i) | (1 << j))))
            out[i, j] = out[j, i] = value
    return out


def empty_pairs(table: CaptureTable) -> list[tuple[str, str]]:
    """Pairs of lists with nobody in common (their interaction is fixed at −∞)."""
    ov = overlap_matrix(table)
    names = table.list_names
    k = table.n_lists
    return [(names[i], names[j]) for i in range(k) for j in range(i + 1, k) if ov[i, j] == 0]


def goodness_of_fit(fit: ModelFit, table: CaptureTable) -> dict[str, float]:
    """Deviance, Pearson X², residual df and the deviance test p-value of a fitted model."""
    if not fit.ok or fit.fitted is None:
        return {}
    mask = fit.fitted > 0
    y, mu = table.counts[mask], fit.fitted[mask]
    pearson = float(np.sum((y - mu) ** 2 / mu))
    p = float(chi2.sf(fit.deviance, fit.df)) if fit.df > 0 else math.nan
    return {"deviance": fit.deviance, "pearson": pearson, "df": float(fit.df), "p_value": p}


def model_row(fit: ModelFit, table: CaptureTable) -> dict[str, object]:
    """One row of a models table."""
    return {
        "model": fit.notation,
        "estimate": fit.estimate,
        "aic": fit.aic,
        "bic": fit.bic,
        "deviance": fit.deviance,
        "df": fit.df,
        "minus_infinity_terms": [format_term(t, table.n_lists) for t in fit.neg_inf_terms],
    }


def top_models(fits: list[ModelFit], table: CaptureTable, k: int = 10) -> list[dict[str, object]]:
    """The first ``k`` admissible fits (already ranked)."""
    return [model_row(f, table) for f in fits[:k]]


def leave_one_list_out(
    table: CaptureTable, run: Callable[[CaptureTable], tuple[float, str]]
) -> list[dict[str, object]]:
    """Re-estimate with each list removed in turn (sensitivity to any single source)."""
    rows: list[dict[str, object]] = []
    if table.n_lists < 3:
        return rows
    for i, name in enumerate(table.list_names):
        reduced = table.drop_list(i)
        try:
            est, model = run(reduced)
            rows.append(
                {"dropped": name, "estimate": est, "model": model, "n_observed": reduced.n_observed}
            )
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            rows.append({"dropped": name, "estimate": None, "model": "", "error": str(exc)})
    return rows


def estimate_warnings(
    table: CaptureTable, fit: ModelFit | None, estimate: float, high: float
) -> list[str]:
    """Plain-language warnings about the data and an estimate."""
    out: list[str] = []
    n = table.n_observed
    pairs = empty_pairs(table)
    if pairs:
        shown = ", ".join(f"{a}&{b}" for a, b in pairs[:6])
        more = f" and {len(pairs) - 6} more" if len(pairs) > 6 else ""
        out.append(
            f"{len(pairs)} pair(s) of lists have no one in common ({shown}{more}); their "
            "interactions are fixed at minus infinity where a model includes them"
        )
    if n < 50:
        out.append(f"only {n} people observed: estimates will be very uncertain")
    if math.isfinite(estimate) and estimate > 10 * n:
        out.append(
            f"the estimate is more than ten times the number observed ({n}); it depends "
            "heavily on the model and may be effectively unbounded"
        )
    if math.isinf(high) or (math.isfinite(high) and high > 20 * n):
        out.append("the upper confidence limit is unbounded or extremely large")
    if fit is not None and fit.ok:
        gof = goodness_of_fit(fit, table)
        if gof and math.isfinite(gof["p_value"]) and gof["p_value"] < 0.05:
            out.append(
                f"the model fits the observed cells poorly (deviance {gof['deviance']:.1f} on "
                f"{int(gof['df'])} df, p = {gof['p_value']:.3g})"
            )
        if not fit.converged:
            out.append("the model fit did not fully converge")
    return out


def suppress_count(value: int | float) -> int | float | str:
    """Replace a count of 1–4 by ``"<5"`` (small-cell disclosure control)."""
    if isinstance(value, (int, float)) and math.isfinite(value) and 0 < value < SMALL_CELL:
        return f"<{SMALL_CELL}"
    return value
