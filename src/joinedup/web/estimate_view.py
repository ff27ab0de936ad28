"""What the estimate page shows of a kept estimate: the headline (the range over the credible
models when they disagree, as the CLI leads with), the models, the search, and the two
charts with the tables of their data."""

from __future__ import annotations

import math
from typing import Any

from joinedup.web.charts import ModelPoint, bootstrap_chart, models_chart


def _finite(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def _points(out: dict[str, Any]) -> list[ModelPoint]:
    """The models compared (with intervals), then the search's top models (estimates)."""
    points = []
    for m in out.get("models", []):
        if (estimate := _finite(m.get("estimate"))) is not None:
            low, high = _finite(m.get("ci_low")), _finite(m.get("ci_high"))
            points.append(ModelPoint(m["name"], estimate, low, high, bool(m.get("credible"))))
    for row in (out.get("search") or {}).get("top_models") or []:
        if (estimate := _finite(row.get("estimate"))) is not None:
            points.append(ModelPoint(f"log-linear {row['model']}", estimate))
    return points


def _bins(distribution: dict[str, list[float]]) -> list[dict[str, Any]]:
    edges, counts = distribution.get("edges") or [], distribution.get("counts") or []
    return [
        {"low": low, "high": high, "count": int(count)}
        for low, high, count in zip(edges, edges[1:], counts, strict=False)
    ]


def estimate_context(result: dict[str, Any]) -> dict[str, Any]:
    """The template's values for a kept estimate (``result`` as the run kept it)."""
    out: dict[str, Any] = result.get("estimate") or {}
    points = _points(out)
    boot = out.get("bootstrap") or {}
    distribution = boot.get("distribution") or {}
    bins = _bins(distribution)
    # the bootstrap is the log-linear model's (the headline may be another model's)
    loglinear = out.get("loglinear") or {
        k: out.get(k) for k in ("estimate", "ci_low", "ci_high", "ci_method")
    }
    chart = None
    if bins:
        chart = bootstrap_chart(
            distribution["edges"],
            distribution["counts"],
            _finite(loglinear.get("estimate")),
            (_finite(loglinear.get("ci_low")), _finite(loglinear.get("ci_high"))),
        )
    return {
        "out": out,
        "loglinear": loglinear,
        "definitions": result.get("definitions") or [],
        "points": points,
        "models_svg": models_chart(points) if points else None,
        "bins": bins,
        "boot_svg": chart,
        "level": round(100 * float(out.get("ci_level") or 0.95)),
    }
