"""The gamma-frailty model beside LCMCR and the log-linear models in the hidden number.

The directly dependent agency lists of ``data/list_dependence.yml`` are joined first (the
model assumes the lists independent given a child's visibility), the shape is bounded below
(:data:`joinedup.estimate.frailty.MIN_SHAPE`, the reason in that module), and the interval
is a parametric bootstrap spread over the linkage imputations. The model is credible unless
it fits the observed cells poorly (deviance test p < 0.05) or cannot be fitted (fewer than
three lists once joined); a shape on its bound is noted (the upper end then rests on it).
"""

from __future__ import annotations

import math
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from joinedup.common.documents import packaged, parse_document
from joinedup.common.errors import JoinedupError
from joinedup.estimate.credible import ModelSummary
from joinedup.estimate.frailty import MIN_SHAPE, gamma_frailty, merge_lists
from joinedup.estimate.table import CaptureTable

DEPENDENCE_FILE = "list_dependence.yml"
GOOD_FIT_P = 0.05
FRAILTY_REPLICATES = 200
QUICK_FRAILTY_REPLICATES = 50  # a first look (the demonstration, the web's quick run)


class ListDependenceError(JoinedupError, ValueError):
    """The list dependence file is invalid; the message names the file and the problem."""


class JoinedLists(BaseModel):
    """Agency lists one of which produces the other's records, with the reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lists: tuple[str, ...] = Field(min_length=2)
    basis: str = Field(min_length=10)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    joined: tuple[JoinedLists, ...] = ()


def parse_dependence(text: str, where: str = DEPENDENCE_FILE) -> tuple[JoinedLists, ...]:
    """Parse a list dependence document (errors name ``where`` and the problem)."""
    parsed = parse_document(
        _File, text, where=where, what="list dependence", error=ListDependenceError
    )
    return parsed.joined


@cache
def dependent_lists() -> tuple[tuple[str, ...], ...]:
    """The shipped groups of directly dependent lists (``data/list_dependence.yml``)."""
    text = packaged("joinedup.assemble", DEPENDENCE_FILE).read_text(encoding="utf-8")
    return tuple(group.lists for group in parse_dependence(text))


def frailty_summary(
    table: CaptureTable,
    imputations: list[CaptureTable] | None = None,
    *,
    groups: tuple[tuple[str, ...], ...] | None = None,
    replicates: int = FRAILTY_REPLICATES,
    seed: int = 1234,
    min_shape: float = MIN_SHAPE,
) -> ModelSummary | None:
    """The model's summary for the headline rule, or None when it cannot be fitted (fewer
    than three lists once the dependent ones are joined)."""
    joined = groups if groups is not None else dependent_lists()
    merged = merge_lists(table, joined)
    if merged.n_lists < 3:
        return None
    imputed = [merge_lists(t, joined) for t in imputations] if imputations else None
    fit = gamma_frailty(merged, replicates, seed, min_shape=min_shape, imputations=imputed)
    fits = not fit.p_value < GOOD_FIT_P
    notes = []
    if not fits:
        notes.append(
            f"fits the observed cells poorly (deviance {fit.deviance:.1f} on {fit.df} df, "
            f"p = {fit.p_value:.2g})"
        )
    if fit.at_bound:
        notes.append(
            f"the fitted shape is at its lower bound {min_shape:g}: the data would have "
            "visibility more unequal still, and the upper end rests on the bound"
        )
    what = f"over {len(imputed)} imputations of the linkage" if imputed else "one linkage"
    joined_names = [n for n in merged.list_names if "+" in n]
    return ModelSummary(
        f"gamma frailty (shape >= {min_shape:g})",
        fit.estimate,
        fit.ci_low if math.isfinite(fit.ci_low) else float(fit.n_observed),
        fit.ci_high if math.isfinite(fit.ci_high) else math.inf,
        fits,
        "; ".join(notes),
        {
            "ci_method": f"parametric bootstrap, {fit.replicates} replicates ({what})",
            "joined_lists": joined_names,
            **{
                k: v for k, v in fit.as_dict().items() if k not in ("estimate", "ci_low", "ci_high")
            },
        },
    )
