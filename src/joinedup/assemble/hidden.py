"""The hidden number of victims, estimated from the agency lists held in the store.

Builds the capture histories of :mod:`joinedup.assemble.lists` from an assembly (what the
acting user may see) and runs :func:`joinedup.estimate.api.estimate` on the whole population
and, when asked, on each stratum. A stratum held by fewer than two lists, or whose table has
no estimate, is reported with its observed count and the reason instead of an estimate.
"""

from __future__ import annotations

from typing import Any

from joinedup.assemble.lists import ListMember, capture_histories
from joinedup.estimate import api
from joinedup.estimate.table import table_from_rows

SOURCE = "database: linked victims and possible victims per agency"


class NotEstimable(ValueError):
    """No estimate can be made for the whole population (the message says why)."""


def _one(
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


def estimate_hidden(
    members: list[ListMember],
    options: dict[str, Any],
    *,
    stratify: str | None = None,
    suppress: bool = False,
) -> dict[str, Any]:
    """The estimate (as :meth:`EstimateResult.to_dict`) for ``members``, with ``strata``.

    ``options`` are :func:`joinedup.estimate.api.estimate`'s keyword arguments. Raises
    :class:`NotEstimable` when there is nobody on any list or no estimate for the whole.
    """
    if not members:
        raise NotEstimable("no victims or possible victims on any agency's list in scope")
    names, rows = capture_histories(members)["all"]
    total = _one(names, rows, options, suppress)
    if "estimate" not in total:
        raise NotEstimable(f"cannot estimate: {total['warnings'][0]}")
    if stratify is not None:
        total["stratified_by"] = stratify
        total["strata"] = {
            stratum: _one(*table, options, suppress)
            for stratum, table in capture_histories(members, stratify).items()
        }
    return total
