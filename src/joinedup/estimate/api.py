"""The public entry point: ``estimate(table, ...)`` → ``EstimateResult`` with provenance."""

from __future__ import annotations

import math
from functools import partial
from typing import Any

from joinedup.common.errors import InputError
from joinedup.estimate.blas import single_threaded_blas
from joinedup.estimate.bootstrap import (
    STREAMS,
    LoopSelector,
    Selector,
    batch_selector_for,
    bootstrap,
)
from joinedup.estimate.design import term_totals
from joinedup.estimate.diagnostics import (
    empty_pairs,
    estimate_warnings,
    goodness_of_fit,
    leave_one_list_out,
    overlap_matrix,
    top_models,
)
from joinedup.estimate.existence import reduce_model
from joinedup.estimate.heterogeneity import fit_heterogeneity, parse_heterogeneity
from joinedup.estimate.intervals import Interval, profile_interval
from joinedup.estimate.loglinear import ModelFit, fit_model
from joinedup.estimate.notation import Model, enumerate_models, format_model, parse_model
from joinedup.estimate.result import EstimateResult, boot_summary, fit_summary, provenance
from joinedup.estimate.search import (
    SearchResult,
    default_max_order,
    downhill,
    exhaustive,
    stepwise,
)
from joinedup.estimate.table import CaptureTable

METHODS = ("auto", "aic", "bic", "stepwise", "downhill", "fixed")


def _fixed_run(model_text: str, table: CaptureTable) -> tuple[float, str]:
    fit = fit_model(table, parse_model(model_text, table.n_lists))
    return fit.estimate, fit.notation


def _search_run(
    method: str, threshold: float, max_order: int | None, table: CaptureTable
) -> tuple[float, str]:
    res = _search(table, method, threshold, max_order)
    return res.selected.estimate, res.selected.notation


def _het_run(model_text: str, het: str, table: CaptureTable) -> tuple[float, str]:
    model = parse_model(model_text, table.n_lists)
    fit = fit_heterogeneity(table, model, parse_heterogeneity(het))
    return fit.estimate, format_model(model)


def _search(
    table: CaptureTable, method: str, threshold: float, max_order: int | None
) -> SearchResult:
    if method in ("aic", "bic"):
        return exhaustive(table, method, max_order)
    if method == "stepwise":
        return stepwise(table, threshold, 2 if max_order is None else max_order)
    if method == "downhill":
        return downhill(table, "bic", max_order)
    raise InputError(f"unknown search method {method!r}")


def resolve_method(
    method: str, n_lists: int, model: str | None, max_order: int | None
) -> tuple[str, int | None]:
    """Turn ``auto`` into a concrete method (and default max order)."""
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if method != "auto":
        return method, max_order
    if model is not None:
        return "fixed", max_order
    if n_lists <= 4:
        return "bic", max_order
    if n_lists == 5:
        return "bic", 2 if max_order is None else max_order
    return "stepwise", max_order


def estimate(
    table: CaptureTable,
    method: str = "auto",
    model: str | None = None,
    max_order: int | None = None,
    heterogeneity: str | None = None,
    threshold: float = 0.02,
    n_bootstrap: int = 0,
    seed: int = 1234,
    level: float = 0.95,
    top_k: int = 10,
    workers: int | None = None,
    sensitivity: bool = True,
    stream: str = "r",
) -> EstimateResult:
    """Estimate the total population from ``table``; see docs/estimation.md.

    ``stream="r"`` (default) draws the bootstrap resamples R draws after ``set.seed(seed)``,
    so a seed gives the R reference's replicates; ``"numpy"`` uses numpy's generator.
    """
    if stream not in STREAMS:
        raise InputError(f"unknown random stream {stream!r}; use one of {', '.join(STREAMS)}")
    with single_threaded_blas():
        return _estimate(
            table,
            method,
            model,
            max_order,
            heterogeneity,
            threshold,
            n_bootstrap,
            seed,
            level,
            top_k,
            workers,
            sensitivity,
            stream,
        )


def _estimate(
    table: CaptureTable,
    method: str,
    model: str | None,
    max_order: int | None,
    heterogeneity: str | None,
    threshold: float,
    n_bootstrap: int,
    seed: int,
    level: float,
    top_k: int,
    workers: int | None,
    sensitivity: bool,
    stream: str,
) -> EstimateResult:
    resolved, order = resolve_method(method, table.n_lists, model, max_order)
    if resolved == "fixed" and model is None and heterogeneity is None:
        raise InputError('--method fixed needs --model, e.g. --model "[12,3]"')
    if heterogeneity is not None and resolved != "fixed":
        if method == "auto" or resolved == "fixed":
            resolved = "fixed"
        else:
            raise InputError("heterogeneity models are fitted to one model: use --method fixed")
    if heterogeneity is not None:
        return _estimate_heterogeneity(
            table, model, heterogeneity, n_bootstrap, seed, level, workers, stream
        )
    warnings: list[str] = []
    search_info: dict[str, Any] = {}
    if resolved == "fixed":
        assert model is not None
        parsed = parse_model(model, table.n_lists)
        fit = fit_model(table, parsed)
        if not fit.ok:
            raise InputError(f"model {format_model(parsed)} cannot be fitted: {fit.status}")
        run: Any = partial(_fixed_run, format_model(parsed))
        selector: Selector = batch_selector_for(
            [parsed], "bic", [fit.beta] if not fit.neg_inf_terms else None
        )
        ranked = [fit]
    else:
        res = _search(table, resolved, threshold, order)
        fit = res.selected
        ranked = res.fits
        run = partial(_search_run, resolved, threshold, order)
        search_info = {
            "criterion": resolved
            if resolved in ("aic", "bic")
            else ("p-value" if resolved == "stepwise" else "bic"),
            "max_order": order
            if order is not None
            else (default_max_order(table.n_lists) if resolved in ("aic", "bic") else None),
            "threshold": threshold if resolved == "stepwise" else None,
            "n_models_considered": res.n_considered,
            "n_admissible": len(res.fits) if resolved in ("aic", "bic") else None,
            "steps": res.steps,
            "top_models": top_models(ranked, table, top_k),
        }
        if resolved in ("aic", "bic"):
            models = enumerate_models(table.n_lists, search_info["max_order"])
            by_model = {f.model: f for f in ranked}
            warm = [
                by_model[m].beta if m in by_model and not by_model[m].neg_inf_terms else None
                for m in models
            ]
            selector = batch_selector_for(models, resolved, warm)
        else:
            selector = LoopSelector(run)
    boot_info: dict[str, Any] = {}
    if n_bootstrap > 0:
        boot = bootstrap(table, selector, fit.estimate, n_bootstrap, seed, level, workers, stream)
        interval = boot.interval
        boot_info = boot_summary(boot, n_bootstrap)
        if interval.details.get("n_failed", 0) > 0:
            warnings.append(
                f"{int(interval.details['n_failed'])} bootstrap replicate(s) had no admissible "
                "model and were dropped"
            )
    else:
        interval = _profile(table, fit)
        if resolved != "fixed":
            interval = Interval(
                interval.low,
                interval.high,
                level,
                interval.method.replace(
                    "model-conditional",
                    "conditional on the selected model; ignores model-selection uncertainty",
                ),
                interval.details,
            )
            warnings.append(
                "interval ignores model-selection uncertainty: use --bootstrap 1000 for a BCa "
                "interval that repeats the selection"
            )
    warnings = estimate_warnings(table, fit, fit.estimate, interval.high) + warnings
    diagnostics: dict[str, Any] = {
        "overlap": overlap_matrix(table).tolist(),
        "empty_pairs": [list(p) for p in empty_pairs(table)],
        "goodness_of_fit": goodness_of_fit(fit, table),
    }
    if sensitivity:
        diagnostics["leave_one_list_out"] = leave_one_list_out(
            table, _sensitivity_run(resolved, run, threshold)
        )
    return EstimateResult(
        n_observed=table.n_observed,
        estimate=fit.estimate,
        ci_low=interval.low,
        ci_high=interval.high,
        ci_method=interval.method,
        ci_level=level,
        model=fit.notation,
        method=resolved,
        warnings=warnings,
        se=fit.se,
        list_names=table.list_names,
        fit=fit_summary(fit, table),
        search=search_info,
        bootstrap=boot_info,
        diagnostics=diagnostics,
        provenance=provenance(
            table, resolved, method, seed if n_bootstrap > 0 else None, n_bootstrap, stream
        ),
    )


def _sensitivity_run(resolved: str, run: Any, threshold: float) -> Any:
    """Re-run the same search without one list; a fixed model falls back to ``auto``."""
    if resolved != "fixed":
        return run

    def auto_run(reduced: CaptureTable) -> tuple[float, str]:
        method, order = resolve_method("auto", reduced.n_lists, None, None)
        return _search_run(method, threshold, order, reduced)

    return auto_run


def _profile(table: CaptureTable, fit: ModelFit) -> Interval:
    red = reduce_model(fit.model, term_totals(table.counts, table.n_lists))
    return profile_interval(red.design, table.counts[red.kept], fit.estimate)


def _estimate_heterogeneity(
    table: CaptureTable,
    model: str | None,
    het: str,
    n_bootstrap: int,
    seed: int,
    level: float,
    workers: int | None,
    stream: str,
) -> EstimateResult:
    spec = parse_heterogeneity(het)
    parsed = parse_model(model, table.n_lists) if model else Model.main_effects(table.n_lists)
    hfit = fit_heterogeneity(table, parsed, spec)
    warnings = list(hfit.warnings)
    boot_info: dict[str, Any] = {}
    if n_bootstrap > 0:
        sel = LoopSelector(partial(_het_run, format_model(parsed), spec.label()))
        boot = bootstrap(table, sel, hfit.estimate, n_bootstrap, seed, level, workers, stream)
        interval = boot.interval
        boot_info = boot_summary(boot, n_bootstrap)
    elif hfit.design is not None:
        red = reduce_model(parsed, term_totals(table.counts, table.n_lists))
        interval = profile_interval(hfit.design, table.counts[red.kept], hfit.estimate, level)
    else:
        n = table.n_observed
        z = 1.959963984540054
        c = math.exp(z * math.sqrt(math.log(1 + hfit.se**2 / (hfit.estimate - n) ** 2)))
        interval = Interval(
            n + (hfit.estimate - n) / c,
            n + (hfit.estimate - n) * c,
            level,
            "log-normal (Chao 1987; model-conditional)",
            {},
        )
    warnings = estimate_warnings(table, None, hfit.estimate, interval.high) + warnings
    return EstimateResult(
        n_observed=table.n_observed,
        estimate=hfit.estimate,
        ci_low=interval.low,
        ci_high=interval.high,
        ci_method=interval.method,
        ci_level=level,
        model=format_model(parsed),
        method="fixed",
        warnings=warnings,
        se=hfit.se,
        list_names=table.list_names,
        fit={
            "heterogeneity": spec.label(),
            "deviance": hfit.deviance,
            "df": hfit.df,
            "loglik": hfit.loglik,
        },
        bootstrap=boot_info,
        diagnostics={
            "overlap": overlap_matrix(table).tolist(),
            "empty_pairs": [list(p) for p in empty_pairs(table)],
        },
        provenance=provenance(
            table,
            f"fixed+heterogeneity:{spec.label()}",
            "fixed",
            seed if n_bootstrap > 0 else None,
            n_bootstrap,
            stream,
        ),
    )
