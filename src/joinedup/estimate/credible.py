"""Saying less when the data cannot support more: credible models, their range, the reasons.

Each estimator's result is summarised as a :class:`ModelSummary`. A model is *credible* unless
it fits the observed cells poorly (a log-linear model whose deviance test gives p < 0.05; a
latent-class model whose chains have not converged, R-hat > 1.1). When the credible models
agree (every pair of intervals overlaps and each point estimate lies in the other's interval)
the headline is the preferred model's estimate and interval; otherwise, or when some model had
to be set aside, the headline is the *range* over the credible models' intervals, with the
reasons, and no single number is put first.

The point estimate (:func:`point_estimate`) is a model average with weights stated up front
(``ModelSummary.weight``), over the credible models that carry one, never the model that
happens to be closest to anything: see docs/estimation.md for the weights used and why.

Also here: the false-positive adjustment of a table (list members who are not cases).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from joinedup.common.errors import InputError
from joinedup.estimate.table import CaptureTable


@dataclass(frozen=True)
class ModelSummary:
    """One estimator's answer: point, interval, and whether it is credible (and why not)."""

    name: str
    estimate: float
    low: float
    high: float
    credible: bool = True
    note: str = ""
    details: dict[str, object] = field(default_factory=dict)
    weight: float = 0.0  # stated weight in the point estimate (0: in the range only)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (non-finite numbers as None)."""
        return {
            "name": self.name,
            "estimate": _num(self.estimate),
            "ci_low": _num(self.low),
            "ci_high": _num(self.high),
            "credible": self.credible,
            "note": self.note,
            "weight": self.weight,
            **self.details,
        }


def _num(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _agree(a: ModelSummary, b: ModelSummary) -> bool:
    overlap = a.low <= b.high and b.low <= a.high
    return overlap and a.low <= b.estimate <= a.high and b.low <= a.estimate <= b.high


def headline(models: Sequence[ModelSummary]) -> dict[str, Any]:
    """``{"headline": "estimate"|"range", "preferred", "range", "reasons"}`` for ``models``
    (the first credible model is the preferred one)."""
    if not models:
        raise ValueError("no model results to summarise")
    credible = [m for m in models if m.credible]
    reasons = [f"{m.name} set aside: {m.note}" for m in models if not m.credible]
    if not credible:
        credible = list(models)
        reasons.append("no model fits well; the range is over every model tried")
    for i, a in enumerate(credible):
        for b in credible[i + 1 :]:
            if not _agree(a, b):
                reasons.append(
                    f"{a.name} ({a.estimate:,.0f}, {a.low:,.0f}-{a.high:,.0f}) and {b.name} "
                    f"({b.estimate:,.0f}, {b.low:,.0f}-{b.high:,.0f}) disagree"
                )
    low = min(m.low for m in credible)
    high = max(m.high for m in credible)
    return {
        "headline": "range" if reasons else "estimate",
        "preferred": credible[0].name,
        "range": [_num(low), _num(high)],
        "credible_models": [m.name for m in credible],
        "reasons": reasons,
    }


def point_estimate(models: Sequence[ModelSummary]) -> dict[str, Any]:
    """The weighted average of the credible models with a weight (weights renormalised over
    them), with the hull of their intervals; when none has a weight, the first credible
    model's point and interval (or the first model's, when none is credible)."""
    if not models:
        raise ValueError("no model results to summarise")
    credible = [m for m in models if m.credible] or list(models)
    weighted = [m for m in credible if m.weight > 0 and math.isfinite(m.estimate)]
    if not weighted:
        first = credible[0]
        return {
            "estimate": first.estimate,
            "low": first.low,
            "high": first.high,
            "weights": {first.name: 1.0},
        }
    total = sum(m.weight for m in weighted)
    return {
        "estimate": sum(m.weight * m.estimate for m in weighted) / total,
        "low": min(m.low for m in weighted),
        "high": max(m.high for m in weighted),
        "weights": {m.name: m.weight / total for m in weighted},
    }


def remove_false_positives(table: CaptureTable, precision: Mapping[str, float]) -> CaptureTable:
    """The table with the expected non-cases taken out: ``(1 - precision) x list size`` from
    the cell of people on that list alone (capped at its count).

    The assumption, stated: a person on two or more agencies' lists is a case; the non-cases
    a definition lets in are known to that agency only. That holds when agencies record
    concerns independently of each other's false alarms; where one agency's concern is passed
    on to another, some non-cases sit in the overlaps and this under-corrects.
    """
    unknown = set(precision) - set(table.list_names)
    if unknown:
        raise InputError(
            f"precision given for lists not in the table: {', '.join(sorted(unknown))}"
        )
    counts = table.counts.copy()
    sizes = table.list_sizes()
    for i, name in enumerate(table.list_names):
        p = precision.get(name, 1.0)
        if not 0.0 < p <= 1.0:
            raise InputError(f"precision for {name} must be in (0, 1], not {p}")
        alone = (1 << i) - 1
        counts[alone] = max(0.0, counts[alone] - np.floor((1.0 - p) * sizes[i] + 0.5))
    if counts.sum() <= 0:
        raise InputError("no one left on any list after removing the expected non-cases")
    return table.with_counts(counts)
