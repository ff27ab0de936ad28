"""Fitting one hierarchical model to a capture-history table: N̂ = n_observed + exp(intercept)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from joinedup.estimate.design import term_totals
from joinedup.estimate.existence import Reduction, mle_exists, reduce_model
from joinedup.estimate.fit import deviance, fit_poisson, information
from joinedup.estimate.notation import Model, format_model
from joinedup.estimate.table import CaptureTable

OK = "ok"
NOT_IDENTIFIABLE = "not identifiable"
NO_MLE = "MLE does not exist"


@dataclass(frozen=True)
class ModelFit:
    """A fitted model, or the reason it could not be fitted (``status``)."""

    model: Model
    status: str
    estimate: float = math.nan
    se: float = math.nan
    loglik: float = math.nan
    aic: float = math.nan
    bic: float = math.nan
    deviance: float = math.nan
    df: int = 0
    beta: NDArray[np.float64] | None = None
    fitted: NDArray[np.float64] | None = None  # over all cells, 0 where removed
    neg_inf_terms: tuple[int, ...] = ()
    converged: bool = False

    @property
    def ok(self) -> bool:
        """Whether the model was fitted."""
        return self.status == OK

    @property
    def notation(self) -> str:
        """The model in generating-class notation."""
        return format_model(self.model)

    @property
    def unobserved(self) -> float:
        """Estimated number never observed, exp(intercept)."""
        return self.estimate - (float(np.sum(self.fitted)) if self.fitted is not None else math.nan)


def information_criteria(loglik: float, n_params: int, n_obs: float) -> tuple[float, float]:
    """AIC and BIC as the R reference computes them (all parameters counted, n = individuals)."""
    return 2.0 * n_params - 2.0 * loglik, n_params * math.log(n_obs) - 2.0 * loglik


def fit_model(
    table: CaptureTable,
    model: Model,
    beta0: NDArray[np.float64] | None = None,
    margins: NDArray[np.float64] | None = None,
) -> ModelFit:
    """Fit ``model`` to ``table`` after the existence and identifiability checks."""
    if margins is None:
        margins = term_totals(table.counts, table.n_lists)
    red = reduce_model(model, margins)
    y = table.counts[red.kept]
    if not red.identifiable:
        return ModelFit(model, NOT_IDENTIFIABLE, neg_inf_terms=red.neg_inf_terms)
    if not mle_exists(red.design, y):
        return ModelFit(model, NO_MLE, neg_inf_terms=red.neg_inf_terms)
    return fit_reduced(table, red, beta0)


def fit_reduced(
    table: CaptureTable, red: Reduction, beta0: NDArray[np.float64] | None = None
) -> ModelFit:
    """Fit a model already reduced and checked."""
    y = table.counts[red.kept]
    start = beta0 if beta0 is not None and beta0.shape == (red.design.shape[1],) else None
    res = fit_poisson(red.design, y[None, :], start)
    beta = res.beta[0]
    mu = res.mu[0]
    loglik = float(res.loglik[0])
    unobserved = math.exp(beta[0])
    try:
        cov = np.linalg.inv(information(red.design, mu))
        var0 = float(cov[0, 0])
    except np.linalg.LinAlgError:
        var0 = math.nan
    se = math.sqrt(unobserved + unobserved**2 * var0) if var0 >= 0 else math.nan
    aic, bic = information_criteria(loglik, red.model.n_params, float(table.counts.sum()))
    fitted = np.zeros(table.counts.shape[0])
    fitted[red.kept] = mu
    return ModelFit(
        model=red.model,
        status=OK,
        estimate=float(table.counts.sum()) + unobserved,
        se=se,
        loglik=loglik,
        aic=aic,
        bic=bic,
        deviance=deviance(y, mu),
        df=int(red.design.shape[0] - red.design.shape[1]),
        beta=beta,
        fitted=fitted,
        neg_inf_terms=red.neg_inf_terms,
        converged=bool(res.converged[0]),
    )
