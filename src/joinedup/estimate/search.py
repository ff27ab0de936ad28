"""Model selection: exhaustive AIC/BIC, forward stepwise (p-value threshold), downhill BIC."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.stats import poisson

from joinedup.common.errors import InputError
from joinedup.estimate.design import term_column, term_totals
from joinedup.estimate.existence import check_model, reduce_model
from joinedup.estimate.loglinear import ModelFit, fit_model
from joinedup.estimate.notation import (
    Model,
    boundary_terms,
    enumerate_models,
    removable_terms,
    term_lists,
)
from joinedup.estimate.table import CaptureTable

CRITERIA = ("aic", "bic")


@dataclass(frozen=True)
class SearchResult:
    """The selected fit plus what was considered on the way."""

    selected: ModelFit
    method: str
    fits: list[ModelFit] = field(default_factory=list)  # admissible fits, best first
    n_considered: int = 0
    steps: list[dict[str, object]] = field(default_factory=list)


def default_max_order(n_lists: int) -> int:
    """The R reference's default maximum order for exhaustive BIC search."""
    return {2: 1, 3: 2, 4: 3, 5: 3}.get(n_lists, 2)


def criterion_of(fit: ModelFit, criterion: str) -> float:
    """AIC or BIC of a fit (``inf`` if the fit is unavailable)."""
    if not fit.ok:
        return math.inf
    return fit.aic if criterion == "aic" else fit.bic


def warm_start(model: Model, base: ModelFit | None) -> NDArray[np.float64] | None:
    """Start values for ``model`` from a fit of a nested model: shared terms keep their value."""
    if base is None or base.beta is None or not base.ok:
        return None
    red_terms = [t for t in base.model.ordered_terms if t not in base.neg_inf_terms]
    known = dict(zip([0, *red_terms], base.beta, strict=True))
    return np.array([known.get(0, 0.0)] + [known.get(t, 0.0) for t in model.ordered_terms])


def _fit(
    table: CaptureTable, model: Model, margins: NDArray[np.float64], base: ModelFit | None
) -> ModelFit:
    start = warm_start(model, base)
    red = reduce_model(model, margins)
    if start is not None and red.neg_inf_terms:
        start = None
    return fit_model(table, model, start, margins)


def exhaustive(
    table: CaptureTable, criterion: str = "bic", max_order: int | None = None
) -> SearchResult:
    """Fit every hierarchical model up to ``max_order`` and rank by AIC or BIC."""
    order = default_max_order(table.n_lists) if max_order is None else max_order
    order = max(1, min(order, table.n_lists))
    models = enumerate_models(table.n_lists, order)
    margins = term_totals(table.counts, table.n_lists)
    base = fit_model(table, Model.main_effects(table.n_lists), margins=margins)
    fits = [_fit(table, m, margins, base) for m in models]
    ok = sorted((f for f in fits if f.ok), key=lambda f: criterion_of(f, criterion))
    if not ok:
        raise InputError("no admissible model: every candidate failed the existence checks")
    return SearchResult(ok[0], criterion, ok, len(models))


def stepwise_pvalue(fit: ModelFit, table: CaptureTable, term: int) -> float:
    """Two-sided Poisson tail of the observed number on all lists of ``term`` given the fit."""
    assert fit.fitted is not None
    expected = float(fit.fitted @ term_column(table.n_lists, term))
    observed = float(table.counts @ term_column(table.n_lists, term))
    lower = float(poisson.cdf(observed, expected))
    upper = float(poisson.sf(observed - 1, expected))
    return min(lower, upper)


def stepwise(table: CaptureTable, threshold: float = 0.02, max_order: int = 2) -> SearchResult:
    """Forward selection from main effects (Chan, Silverman & Vincent 2021): add the admissible
    term with the smallest p-value while it is below ``threshold``."""
    margins = term_totals(table.counts, table.n_lists)
    current = fit_model(table, Model.main_effects(table.n_lists), margins=margins)
    if not current.ok:
        raise InputError(f"the main-effects model cannot be fitted: {current.status}")
    steps: list[dict[str, object]] = []
    considered = 1
    while threshold > 0:
        candidates = boundary_terms(current.model, max_order)
        if not candidates:
            break
        pvals = [stepwise_pvalue(current, table, t) for t in candidates]
        chosen: tuple[float, Model] | None = None
        # Ties go to the first pair in R's order (1:2, 1:3, …, 1:K, 2:3, …).
        ranked = sorted(range(len(candidates)), key=lambda i: (pvals[i], term_lists(candidates[i])))
        for idx in ranked:
            if pvals[idx] >= threshold:
                break
            considered += 1
            model = current.model.with_term(candidates[idx])
            if check_model(model, table.counts, margins) == 0:
                chosen = (pvals[idx], model)
                break
        if chosen is None:
            break
        nxt = _fit(table, chosen[1], margins, current)
        if not nxt.ok:
            break
        steps.append({"added": nxt.notation, "p_value": chosen[0]})
        current = nxt
    return SearchResult(current, "stepwise", [current], considered, steps)


def downhill(
    table: CaptureTable,
    criterion: str = "bic",
    max_order: int | None = None,
    max_iter: int = 20,
) -> SearchResult:
    """Greedy search from main effects, moving to the best neighbour (one term added or one
    maximal term removed) while the criterion decreases."""
    order = table.n_lists - 1 if max_order is None else max_order
    margins = term_totals(table.counts, table.n_lists)
    current = fit_model(table, Model.main_effects(table.n_lists), margins=margins)
    seen: dict[Model, ModelFit] = {current.model: current}
    steps: list[dict[str, object]] = []
    for _ in range(max_iter):
        neighbours = [current.model.with_term(t) for t in boundary_terms(current.model, order)]
        neighbours += [current.model.without_term(t) for t in removable_terms(current.model)]
        new = [m for m in neighbours if m not in seen]
        if not new:
            break
        fits = [_fit(table, m, margins, current) for m in new]
        seen.update({f.model: f for f in fits})
        best = min(fits, key=lambda f: criterion_of(f, criterion))
        if criterion_of(best, criterion) >= criterion_of(current, criterion):
            break
        steps.append({"moved_to": best.notation, criterion: criterion_of(best, criterion)})
        current = best
    ranked = sorted((f for f in seen.values() if f.ok), key=lambda f: criterion_of(f, criterion))
    return SearchResult(current, f"downhill-{criterion}", ranked, len(seen), steps)
