"""The hidden number of victims, estimated from the agency lists held in the store.

Builds the capture histories of :mod:`joinedup.assemble.lists` (the ``specific`` list
definitions unless told otherwise) and runs two kinds of model side by side: the log-linear
models of :func:`joinedup.estimate.api.estimate` (selected by BIC, a BCa interval with
``n_bootstrap``) and the latent-class model LCMCR (:mod:`joinedup.estimate.lcmcr`), which
allows for children who differ in how visible they are. Then:

- *false positives*: the estimate again with each list's expected non-victims taken out at
  the lowest precision its definitions assume plausible (``false_positives``);
- *linkage error*: with ``linkage`` (member lists of a multiple imputation of the link
  decisions, :mod:`joinedup.assemble.hidden_linkage`), LCMCR runs one chain per imputation
  and its interval carries the linkage uncertainty;
- *unequal visibility*: the gamma-frailty model (:mod:`joinedup.assemble.hidden_frailty`),
  whose gamma tail states how many children had little chance of any record, beside them;
- *saying less* (:func:`joinedup.estimate.credible.headline`): when the models disagree or one
  fits poorly, ``headline`` is ``range`` and ``ci_low``/``ci_high`` are the range over the
  credible models, with ``reasons``;
- *the point* (:func:`joinedup.estimate.credible.point_estimate`): the average of the two
  models of unequal visibility, LCMCR and the gamma frailty, with equal weights
  (:data:`POINT_WEIGHTS`); the log-linear models count in the range, not in the point.

Strata are estimated with the log-linear models only; a stratum held by fewer than two lists,
or whose table has no estimate, is reported with its observed count and the reason instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from joinedup.assemble.hidden_frailty import FRAILTY_REPLICATES, frailty_summary
from joinedup.assemble.lists import ListMember, capture_histories, precision_floor
from joinedup.common.errors import JoinedupError
from joinedup.estimate import api
from joinedup.estimate.credible import (
    ModelSummary,
    headline,
    remove_false_positives,
)
from joinedup.estimate.credible import (
    point_estimate as model_average,
)
from joinedup.estimate.diagnostics import suppress_count
from joinedup.estimate.lcmcr import LcmcrSettings, lcmcr
from joinedup.estimate.table import CaptureTable, table_from_rows

SOURCE = "database: linked victims and possible victims per agency"
QUICK_LCMCR = LcmcrSettings(burnin=2_000, samples=500, thinning=5)
DEFAULT_LCMCR = LcmcrSettings()
GOOD_FIT_P = 0.05
POPULATION = (
    "children who had some chance of being on at least one of these lists; children no "
    "agency could have recorded at all are outside any multiple systems estimate"
)
MAX_R_HAT = 1.1
# The point estimate's weights (docs/estimation.md, "The headline"): the two models of
# unequal visibility count equally, since the lists cannot tell a finite set of classes from
# a continuous tail (Link 2003); the log-linear models (homogeneous within their cells) are
# in the range only. Renormalised over the credible ones.
POINT_WEIGHTS = {"lcmcr": 0.5, "frailty": 0.5, "loglinear": 0.0}
POINT_WEIGHTS_TEXT = "equal; the log-linear models in the range only"


class NotEstimable(JoinedupError, ValueError):
    """No estimate can be made for the whole population (the message says why)."""


def _loglinear(
    names: tuple[str, ...],
    rows: list[tuple[tuple[int, ...], int]],
    options: dict[str, Any],
    suppress: bool,
) -> dict[str, Any]:
    observed = sum(count for _, count in rows)
    if len(names) < 2:
        return {
            "n_observed": observed,
            "warnings": [f"only {len(names)} list(s) hold these {observed}"],
        }
    try:
        out: dict[str, Any] = api.estimate(table_from_rows(names, rows), **options).to_dict(
            suppress=suppress
        )
    except ValueError as exc:
        return {"n_observed": observed, "warnings": [str(exc)]}
    out["provenance"]["source"] = SOURCE
    return out


def _finite(value: float | None) -> float | None:
    """JSON has no infinity: unbounded or undefined figures are None."""
    return float(value) if value is not None and math.isfinite(value) else None


def _loglinear_summary(out: dict[str, Any]) -> ModelSummary:
    gof = out.get("diagnostics", {}).get("goodness_of_fit") or {}
    p = gof.get("p_value")
    fits = p is None or not math.isfinite(p) or p >= GOOD_FIT_P
    note = (
        ""
        if fits
        else (
            f"fits the observed cells poorly (deviance {gof['deviance']:.1f} on "
            f"{int(gof['df'])} df, p = {p:.2g})"
        )
    )
    return ModelSummary(
        f"log-linear {out['model']} ({out['method']})",
        out["estimate"],
        out["ci_low"] if out["ci_low"] is not None else float(out["n_observed"]),
        out["ci_high"] if out["ci_high"] is not None else math.inf,
        fits,
        note,
        {"ci_method": out["ci_method"]},
        POINT_WEIGHTS["loglinear"],
    )


def _lcmcr_summary(
    table: CaptureTable, settings: LcmcrSettings, imputations: list[CaptureTable] | None
) -> ModelSummary:
    if imputations:
        chains = len(imputations)
        per_chain = max(1, settings.samples // chains)
        settings = replace(settings, chains=chains, samples=per_chain * chains)
        counts = np.vstack([t.counts for t in imputations])
        result = lcmcr(table, settings, chain_counts=counts)
    else:
        result = lcmcr(table, settings)
    s = result.summary
    converged = settings.chains == 1 or not s["r_hat"] > MAX_R_HAT
    what = f"{len(imputations)} imputations of the linkage" if imputations else "one linkage"
    return ModelSummary(
        f"latent-class LCMCR (K={settings.K})",
        s["median"],
        s["low"],
        s["high"],
        converged,
        "" if converged else f"chains have not converged (R-hat {s['r_hat']:.2f})",
        {
            "ci_method": f"posterior median and 95% equal-tailed credible interval ({what})",
            "posterior_mean": s["mean"],
            "r_hat": None if math.isnan(s["r_hat"]) else s["r_hat"],
            "settings": {
                "K": settings.K,
                "a_alpha": settings.a_alpha,
                "b_alpha": settings.b_alpha,
                "burnin": settings.burnin,
                "samples": settings.samples,
                "thinning": settings.thinning,
                "chains": settings.chains,
                "seed": settings.seed,
            },
        },
        POINT_WEIGHTS["lcmcr"],
    )


def _table(members: Sequence[ListMember], names: tuple[str, ...]) -> CaptureTable:
    rows: dict[tuple[int, ...], int] = {}
    for m in members:
        key = tuple(int(n in m.lists) for n in names)
        if any(key):
            rows[key] = rows.get(key, 0) + 1
    return table_from_rows(names, sorted(rows.items()))


def _false_positives(
    table: CaptureTable, precision: dict[str, float], settings: LcmcrSettings | None
) -> dict[str, Any]:
    """LCMCR on the table with the expected non-victims out (the log-linear search is not
    repeated: it is the slow part, and the figure is a sensitivity, not the estimate)."""
    floor = {n: p for n, p in precision.items() if n in table.list_names and p < 1.0}
    if not floor:
        return {"precision": {}, "note": "every list's definitions are assumed exact"}
    adjusted = remove_false_positives(table, floor)
    latent = lcmcr(adjusted, settings or QUICK_LCMCR).summary
    return {
        "precision": floor,
        "n_observed": adjusted.n_observed,
        "lcmcr_estimate": latent["median"],
        "lcmcr_interval": [latent["low"], latent["high"]],
        "note": "the estimate if each list held as many non-victims as its assumed precision "
        "allows, all of them on that list alone",
    }


def estimate_hidden(
    members: list[ListMember],
    options: dict[str, Any],
    *,
    stratify: str | None = None,
    suppress: bool = False,
    selection: str = "specific",
    latent_class: LcmcrSettings | None = DEFAULT_LCMCR,
    linkage: list[list[ListMember]] | None = None,
    precision: dict[str, float] | None = None,
    frailty_replicates: int = FRAILTY_REPLICATES,
) -> dict[str, Any]:
    """The estimate for ``members`` with the models side by side (see the module docstring).

    ``options`` are :func:`joinedup.estimate.api.estimate`'s keyword arguments;
    ``latent_class=None`` leaves LCMCR out, ``frailty_replicates=0`` the gamma-frailty model
    (otherwise its bootstrap replicates).
    Raises :class:`NotEstimable` when there is nobody on any list or no estimate for the
    whole.
    """
    if not members:
        raise NotEstimable("no victims or possible victims on any agency's list in scope")
    names, rows = capture_histories(members)["all"]
    total = _loglinear(names, rows, options, suppress)
    if "estimate" not in total:
        raise NotEstimable(f"cannot estimate: {total['warnings'][0]}")
    table = table_from_rows(names, rows)
    models = [_loglinear_summary(total)]
    imputed = [_table(ms, names) for ms in linkage] if linkage else None
    if frailty_replicates > 0:
        seed = int(options.get("seed") or 1234)
        gamma = frailty_summary(table, imputed, replicates=frailty_replicates, seed=seed)
        if gamma is not None:
            models.insert(0, replace(gamma, weight=POINT_WEIGHTS["frailty"]))
    if latent_class is not None:
        models.insert(0, _lcmcr_summary(table, latent_class, imputed))
    verdict = headline(models)
    point = model_average(models)
    total["loglinear"] = {k: total[k] for k in ("estimate", "ci_low", "ci_high", "ci_method")}
    total["models"] = [m.as_dict() for m in models]
    total.update(verdict)
    total["point_weights"] = point["weights"]
    total["estimate"] = _finite(point["estimate"])
    total["ci_low"], total["ci_high"] = _finite(point["low"]), _finite(point["high"])
    if len(point["weights"]) == 1:
        only = next(m for m in models if m.name in point["weights"])
        total["ci_method"] = str(only.details.get("ci_method", ""))
    else:
        averaged = " and ".join(point["weights"])
        total["preferred"] = f"the average of {averaged} (weights {POINT_WEIGHTS_TEXT})"
        total["ci_method"] = f"the hull of the averaged models' intervals ({averaged})"
    if verdict["headline"] == "range":
        total["ci_low"], total["ci_high"] = verdict["range"]
        total["ci_method"] = "range over the credible models' intervals (see reasons)"
    total["list_definitions"] = selection
    total["population"] = POPULATION
    quick = latent_class if latent_class and latent_class.burnin < QUICK_LCMCR.burnin else None
    total["false_positives"] = _false_positives(
        table, precision if precision is not None else precision_floor(selection), quick
    )
    if suppress and "n_observed" in total["false_positives"]:
        fp = total["false_positives"]
        fp["n_observed"] = suppress_count(fp["n_observed"])
    if stratify is not None:
        total["stratified_by"] = stratify
        total["strata"] = {
            stratum: _loglinear(*table_, options, suppress)
            for stratum, table_ in capture_histories(members, stratify).items()
        }
    return total


def point_estimate(
    members: list[ListMember],
    options: dict[str, Any],
    latent_class: LcmcrSettings | None = QUICK_LCMCR,
) -> dict[str, Any]:
    """Point estimates (log-linear, and LCMCR unless ``latent_class`` is None) for comparisons;
    ``estimate`` is LCMCR's posterior median when it runs."""
    if not members:
        return {"estimate": None, "note": "nobody listed"}
    names, rows = capture_histories(members)["all"]
    if len(names) < 2:
        return {"estimate": None, "note": f"only {len(names)} list(s)"}
    table = table_from_rows(names, rows)
    loglin = api.estimate(table, sensitivity=False, **options)
    out: dict[str, Any] = {
        "estimate": _finite(loglin.estimate),
        "loglinear_estimate": _finite(loglin.estimate),
        "loglinear_model": loglin.model,
    }
    if latent_class is not None:
        latent = lcmcr(table, latent_class).summary
        out.update(estimate=latent["median"], interval=[latent["low"], latent["high"]])
    return out
