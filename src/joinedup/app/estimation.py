"""Use cases: the hidden number of victims (multiple systems estimation), from a table or
from the agency lists in the store, and beside a simulator's truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from joinedup.app.context import Caller, runtime, session
from joinedup.assemble.hidden import DEFAULT_LCMCR, QUICK_LCMCR, NotEstimable
from joinedup.assemble.hidden_frailty import FRAILTY_REPLICATES, QUICK_FRAILTY_REPLICATES
from joinedup.assemble.hidden_store import estimate_lists, read_lists
from joinedup.assemble.hidden_truth import evaluate_stored_estimate
from joinedup.estimate import api
from joinedup.estimate.table import TableError, read_table

__all__ = [
    "NotEstimable",
    "TableError",
    "estimate_against_truth",
    "estimate_from_store",
    "estimate_from_table",
]


def estimate_from_table(
    path: Path | str, options: dict[str, Any], suppress: bool
) -> dict[str, Any]:
    """Multiple systems estimation from a pattern -> count table in a file."""
    table = read_table(path)
    try:
        result: dict[str, Any] = api.estimate(table, **options).to_dict(suppress=suppress)
    except TableError:
        raise
    except ValueError as exc:
        raise TableError(f"{path}: {exc}") from None
    return result


def estimate_from_store(
    who: Caller,
    options: dict[str, Any],
    *,
    stratify: str | None = None,
    suppress: bool = False,
    definitions: str = "specific",
    imputations: int = 10,
    shared: bool = False,
    quick: bool = False,
) -> dict[str, Any]:
    """The hidden number from the agency lists of linked victims in what ``who`` may see;
    with ``shared``, across the agencies of ``who``'s live aggregate information-sharing
    agreements (the result holds counts only); ``quick``: shorter latent-class and
    gamma-frailty runs (a first look, as the demonstration's)."""
    rt = runtime()
    seed = int(options.get("seed") or 1234)
    with session(who, rt, shared=shared) as opened:
        lists = read_lists(opened, definitions, imputations, seed)
    # the computing runs after the session closes (on SQLite a session holds the write lock)
    return estimate_lists(
        lists,
        options,
        stratify=stratify,
        suppress=suppress,
        selection=definitions,
        latent_class=QUICK_LCMCR if quick else DEFAULT_LCMCR,
        frailty_replicates=QUICK_FRAILTY_REPLICATES if quick else FRAILTY_REPLICATES,
    )


def estimate_against_truth(
    who: Caller,
    truth_dir: Path,
    *,
    definitions: str = "specific",
    n_bootstrap: int = 0,
    imputations: int = 10,
    decomposition: bool = True,
    quick: bool = False,
) -> dict[str, Any]:
    """The estimate and its interval beside the true number of victims, per list (``quick``:
    the shorter runs of :func:`estimate_from_store`'s)."""
    rt = runtime()
    options = {"method": "auto", "n_bootstrap": n_bootstrap}
    with session(who, rt) as opened:
        return evaluate_stored_estimate(
            opened,
            truth_dir,
            options,
            definitions,
            imputations,
            decomposition,
            latent_class=QUICK_LCMCR if quick else DEFAULT_LCMCR,
            frailty_replicates=QUICK_FRAILTY_REPLICATES if quick else FRAILTY_REPLICATES,
        )
