"""Score candidate pairs with a trained model (all records, or new records incrementally)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from joinedup.linkage.backend import LinkageBackend, get_backend
from joinedup.linkage.train import Model, make_linker

#: Columns every scored-pairs table has (comparison ``gamma_*`` columns follow them).
PAIR_COLUMNS: tuple[str, ...] = ("record_id_l", "record_id_r", "match_weight", "match_probability")


def _tf_columns(model: Model) -> list[str]:
    columns: list[str] = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            column = level.get("tf_adjustment_column")
            if column and column not in columns:
                columns.append(column)
    return columns


def _normalise(scored: pa.Table) -> pa.Table:
    """Keep the pair columns and gamma columns; put the smaller record id on the left."""
    gammas = [c for c in scored.column_names if c.startswith("gamma_")]
    left, right = scored["record_id_l"], scored["record_id_r"]
    swap = pc.greater(left, right)
    out = {
        "record_id_l": pc.if_else(swap, right, left),
        "record_id_r": pc.if_else(swap, left, right),
        "match_weight": pc.cast(scored["match_weight"], pa.float64()),
        "match_probability": pc.cast(scored["match_probability"], pa.float64()),
    }
    for gamma in gammas:
        out[gamma] = pc.cast(scored[gamma], pa.int32())
    table = pa.table(out)
    if len(table) == 0:
        return table
    return table.sort_by([("record_id_l", "ascending"), ("record_id_r", "ascending")])


def predict_pairs(
    tables: pa.Table | Sequence[pa.Table],
    model: Model,
    *,
    threshold_probability: float = 0.01,
    backend: LinkageBackend | None = None,
) -> pa.Table:
    """Score every candidate pair the model's blocking rules generate.

    Returns a pyarrow table with :data:`PAIR_COLUMNS` plus the ``gamma_*`` comparison levels,
    keeping pairs with ``match_probability >= threshold_probability``; ``record_id_l`` is
    always the smaller id of the pair.
    """
    table_list = [tables] if isinstance(tables, pa.Table) else list(tables)
    backend = backend or get_backend("duckdb")
    linker, _ = make_linker(backend, table_list, model)
    frame = linker.inference.predict(
        threshold_match_probability=threshold_probability, warning_mode="never"
    )
    return _normalise(backend.to_arrow(frame))


def predict_incremental(
    existing: pa.Table,
    new: pa.Table,
    model: Model,
    *,
    threshold_probability: float = 0.01,
    backend: LinkageBackend | None = None,
) -> pa.Table:
    """Score only the pairs that involve a new record: new-vs-existing and new-vs-new.

    Existing-vs-existing pairs are not re-scored (their clustering is carried forward).
    Term frequencies are taken over existing and new records together.
    """
    backend = backend or get_backend("duckdb")
    combined = pa.concat_tables([existing, new])
    linker, db_api = make_linker(backend, [combined], model)
    for column in _tf_columns(model):
        linker.table_management.compute_tf_table(column)
    existing_frame = backend.register(db_api, existing, "existing_records")
    new_frame = backend.register(db_api, new, "new_records")
    options: dict[str, Any] = {
        "threshold_match_probability": threshold_probability,
        "warning_mode": "never",
    }
    parts = [
        backend.to_arrow(linker.inference.predict_between(existing_frame, new_frame, **options))
    ]
    if len(new) > 1:
        parts.append(backend.to_arrow(linker.inference.predict_within(new_frame, **options)))
    normalised = [_normalise(p) for p in parts]
    columns = [c for c in normalised[0].column_names if all(c in p.column_names for p in parts)]
    return pa.concat_tables([p.select(columns) for p in normalised])
