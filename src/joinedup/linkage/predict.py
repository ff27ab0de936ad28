"""Score candidate pairs with a trained model (all records, or new records incrementally).

Term frequencies (how common a name or postcode is) are counted over *distinct identities*,
not records: records that repeat one person's details exactly (twenty contacts with a
voluntary project, each carrying the same name and postcode) count once. Counted over
records, a child seen often would make their own name and postcode look common, and their
records would then link to each other less readily the more often they were seen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from joinedup.linkage.backend import LinkageBackend, get_backend
from joinedup.linkage.settings import BlockingKey, key_array
from joinedup.linkage.train import Model, make_linker

#: Columns every scored-pairs table has (comparison ``gamma_*`` columns follow them).
PAIR_COLUMNS: tuple[str, ...] = ("record_id_l", "record_id_r", "match_weight", "match_probability")


def tf_columns(model: Model) -> list[str]:
    """The columns the model adjusts by term frequency (its levels' ``tf_adjustment_column``)."""
    columns: list[str] = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            column = level.get("tf_adjustment_column")
            if column and column not in columns:
                columns.append(column)
    return columns


#: Columns that together say "the same recorded details" (present ones are used).
IDENTITY_COLUMNS: tuple[str, ...] = (
    "forename_key",
    "surname_key",
    "date_of_birth",
    "sex",
    "postcode",
    "nhs_number",
    "upn",
    "police_id",
    "address",
    "locality",
    "phone",
    "local_id",
    "school",
    "birth_year",
)


def term_frequencies(tables: Sequence[pa.Table], columns: Sequence[str]) -> dict[str, pa.Table]:
    """``column -> table(column, tf_column)``: each value's share of distinct identities.

    An identity is a distinct combination of :data:`IDENTITY_COLUMNS`; the share of a value
    is the number of identities holding it over the number holding any value (Splink's
    term-frequency table format).
    """
    import duckdb

    combined = pa.concat_tables(
        [t.select([c for c in IDENTITY_COLUMNS if c in t.column_names]) for t in tables],
        promote_options="default",
    )
    con = duckdb.connect(":memory:")
    con.register("records", combined)
    identity = ", ".join(c for c in IDENTITY_COLUMNS if c in combined.column_names)
    con.execute(f"CREATE TABLE identities AS SELECT DISTINCT {identity} FROM records")
    out: dict[str, pa.Table] = {}
    for column in columns:
        out[column] = con.sql(
            f"SELECT {column}, CAST(count(*) AS DOUBLE) / "
            f"(SELECT count({column}) FROM identities) AS tf_{column} "
            f"FROM identities WHERE {column} IS NOT NULL GROUP BY {column}"
        ).to_arrow_table()
    con.close()
    return out


def register_term_frequencies(
    linker: Any, backend: LinkageBackend, db_api: Any, tables: Sequence[pa.Table], model: Model
) -> None:
    """Give the linker term frequencies over distinct identities (see the module docstring)."""
    columns = tf_columns(model)
    if not columns:
        return
    for column, table in term_frequencies(tables, columns).items():
        frame = backend.register(db_api, table, f"tf_lookup_{column}")
        linker.table_management.register_term_frequency_lookup(frame, column)


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
    linker, db_api = make_linker(backend, table_list, model)
    register_term_frequencies(linker, backend, db_api, table_list, model)
    frame = linker.inference.predict(
        threshold_match_probability=threshold_probability, warning_mode="never"
    )
    return _normalise(backend.to_arrow(frame))


#: one equality of a saved blocking rule: ``l."column" = r."column"`` (brackets optional)
_EQUALITY = re.compile(r'^\(?\s*l\."?(\w+)"?\s*=\s*r\."?(\w+)"?\s*\)?$')


def equality_keys(model: Model) -> tuple[BlockingKey, ...] | None:
    """The columns of each of the model's prediction blocking rules, when every rule is an
    equality on one or more columns (on both sides the same); ``None`` otherwise."""
    keys: list[BlockingKey] = []
    for rule in model.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, dict) and set(rule) - {"blocking_rule", "sql_dialect"}:
            return None  # salting, arrays to explode: not a plain equality
        sql = rule["blocking_rule"] if isinstance(rule, dict) else str(rule)
        columns: list[str] = []
        for part in sql.split(" AND "):
            found = _EQUALITY.match(part.strip())
            if found is None or found.group(1) != found.group(2):
                return None
            columns.append(found.group(1))
        keys.append(tuple(columns))
    return tuple(keys)


def _as_text(table: pa.Table, key: BlockingKey) -> pa.Table:
    return table.select(list(key)).cast(pa.schema([(c, pa.string()) for c in key]))


def blocked_with(existing: pa.Table, new: pa.Table, model: Model) -> pa.Table:
    """The existing records that share a prediction blocking key with a new record: the
    only ones a new-vs-existing pair can involve (all of ``existing`` when a rule is not a
    plain equality or names a column either table lacks)."""
    keys = equality_keys(model)
    if keys is None or not keys:
        return existing
    mask: pa.ChunkedArray | pa.Array | None = None
    for key in keys:
        if not set(key) <= set(existing.column_names) & set(new.column_names):
            return existing
        wanted = pc.drop_null(pc.unique(key_array(_as_text(new, key), key)))
        hit = pc.fill_null(pc.is_in(key_array(_as_text(existing, key), key), wanted), False)
        mask = hit if mask is None else pc.or_(mask, hit)
    return existing.filter(mask)


def predict_incremental(
    existing: pa.Table,
    new: pa.Table,
    model: Model,
    *,
    threshold_probability: float = 0.01,
    backend: LinkageBackend | None = None,
    restrict: bool = True,
) -> pa.Table:
    """Score only the pairs that involve a new record: new-vs-existing and new-vs-new.

    Existing-vs-existing pairs are not re-scored (their clustering is carried forward).
    Term frequencies are taken over existing and new records together; the scoring reads
    only the existing records that share a blocking key with a new record
    (:func:`blocked_with`; ``restrict=False``: all of them, the same pairs more slowly).
    """
    backend = backend or get_backend("duckdb")
    combined = pa.concat_tables([existing, new])
    linker, db_api = make_linker(backend, [combined], model)
    register_term_frequencies(linker, backend, db_api, [existing, new], model)
    candidates = blocked_with(existing, new, model) if restrict else existing
    existing_frame = backend.register(db_api, candidates, "existing_records")
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
