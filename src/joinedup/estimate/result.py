"""The result of an estimate and its JSON form, with provenance and disclosure control."""

from __future__ import annotations

import math
import platform
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from joinedup.estimate.bootstrap import BootstrapResult
from joinedup.estimate.diagnostics import suppress_count
from joinedup.estimate.loglinear import ModelFit
from joinedup.estimate.notation import format_term
from joinedup.estimate.table import CaptureTable


def package_version() -> str:
    """Installed version of joinedup, or ``unknown``."""
    try:
        from importlib.metadata import version

        return version("joinedup")
    except Exception:
        return "unknown"


@dataclass
class EstimateResult:
    """An estimate of the total population with its interval, model, warnings and provenance."""

    n_observed: int
    estimate: float
    ci_low: float
    ci_high: float
    ci_method: str
    ci_level: float
    model: str
    method: str
    warnings: list[str]
    se: float = math.nan
    list_names: tuple[str, ...] = ()
    fit: dict[str, Any] = field(default_factory=dict)
    search: dict[str, Any] = field(default_factory=dict)
    bootstrap: dict[str, Any] = field(default_factory=dict)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, suppress: bool = False) -> dict[str, Any]:
        """JSON-ready dictionary; ``suppress`` replaces counts of 1–4 by ``"<5"``."""
        out: dict[str, Any] = {
            "n_observed": suppress_count(self.n_observed) if suppress else self.n_observed,
            "estimate": _num(self.estimate),
            "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high),
            "ci_method": self.ci_method,
            "ci_level": self.ci_level,
            "model": self.model,
            "method": self.method,
            "warnings": list(self.warnings),
            "se": _num(self.se),
            "lists": {str(i + 1): n for i, n in enumerate(self.list_names)},
            "fit": _clean(self.fit),
            "search": _clean(self.search),
            "bootstrap": _clean(self.bootstrap),
            "diagnostics": _clean(self.diagnostics),
            "provenance": dict(self.provenance, suppressed=suppress),
        }
        if suppress:
            diag = out["diagnostics"]
            if "overlap" in diag:
                diag["overlap"] = [[suppress_count(v) for v in row] for row in diag["overlap"]]
            for row in diag.get("leave_one_list_out", []):
                row["n_observed"] = suppress_count(row.get("n_observed", 0))
        return out


def _num(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, (float, np.floating)):
        return _num(float(obj))
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def fit_summary(fit: ModelFit, table: CaptureTable) -> dict[str, Any]:
    return {
        "loglik": fit.loglik,
        "aic": fit.aic,
        "bic": fit.bic,
        "deviance": fit.deviance,
        "df": fit.df,
        "n_params": fit.model.n_params,
        "minus_infinity_terms": [format_term(t, table.n_lists) for t in fit.neg_inf_terms],
        "unobserved": fit.estimate - table.n_observed,
    }


def boot_summary(boot: BootstrapResult, n: int) -> dict[str, Any]:
    return {
        "replicates": n,
        "seed": boot.seed,
        "random_stream": boot.stream,
        "acceleration": boot.interval.details.get("acceleration"),
        "bias_correction_z0": boot.interval.details.get("z0"),
        "n_failed": boot.interval.details.get("n_failed"),
        "selected_model_frequencies": dict(list(boot.model_frequencies.items())[:10]),
        "distribution": histogram(boot.replicates),
    }


def histogram(values: NDArray[np.float64], bins: int = 24) -> dict[str, list[float]]:
    """The replicates' distribution as ``edges`` (``bins + 1``) and ``counts`` of the finite
    values (for a plot: counts of replicates, never of people)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"edges": [], "counts": []}
    counts, edges = np.histogram(finite, bins=bins)
    return {"edges": [float(e) for e in edges], "counts": [float(c) for c in counts]}


def provenance(
    table: CaptureTable,
    method: str,
    requested: str,
    seed: int | None,
    n_boot: int,
    stream: str | None = None,
) -> dict[str, Any]:
    return {
        "input_sha256": table.sha256,
        "input_file": table.source,
        "method": method,
        "method_requested": requested,
        "seed": seed,
        "random_stream": stream if seed is not None else None,
        "bootstrap_replicates": n_boot,
        "package": "joinedup",
        "version": package_version(),
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
