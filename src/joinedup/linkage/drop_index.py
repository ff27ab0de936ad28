"""The drop index and a full run's statistics: what a drop needs to read only what it touches.

A weekly drop's new records can only be scored against stored records sharing a blocking
key with one of them (:func:`joinedup.linkage.predict.blocked_with`), and the clustering's
later stages only reach further through persons, shared context and neighbours. To find those
records without reading every one, each linkage run keeps, per stored person record, keyed
hashes (HMAC-SHA256 with the key of ``keys/linkage-index.key``, cut to 96 bits) of:

- each of its prediction blocking-key values (``b:<rule>`` + the value Splink blocks on: the
  saved model's equality rules, :func:`joinedup.linkage.predict.equality_keys`);
- each of its context tokens (``t:`` + a phone, vehicle or address token);
- each neighbour's record id (``n:`` + the id: searching ``n:<id>`` finds the records that
  appear with that record).

The hashes are what ``linkage_key`` stores; a value is never stored, and without the key a
hash cannot be tested against a guessed name or postcode. A full run rewrites the rows that
changed (new rows in bulk, stale ones deleted by id); a drop adds its new records' rows.

A full run also keeps the whole borough's statistics a drop would otherwise recompute from
every record (``linkage_statistics``, :func:`borough_statistics`): Splink's term-frequency
counts over distinct identities per column, keyed by the hash of the value; each context
token's count of persons holding it (its rarity) and the number of persons; the collective
stage's relational model (``m``, ``u`` per level); and fingerprints of the model and of the
key, so a drop can tell that they are stale.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

from joinedup.linkage.context import RecordContext
from joinedup.linkage.predict import IDENTITY_COLUMNS, equality_keys, tf_columns
from joinedup.linkage.settings import BlockingKey, key_array
from joinedup.linkage.train import Model

DIGEST_HEX = 24  # 96 bits: no two of a borough's few million values share one by chance

__all__ = [
    "DIGEST_HEX",
    "blocking_digests",
    "borough_statistics",
    "context_digests",
    "digest",
    "key_fingerprint",
    "model_fingerprint",
    "record_digests",
]


def digest(secret: bytes, kind: str, value: str) -> str:
    """The keyed hash of one value of one kind (``b:<rule>``, ``t``, ``n``, ``tf:<column>``)."""
    message = f"{kind}\x1f{value}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:DIGEST_HEX]


def key_fingerprint(secret: bytes) -> str:
    """Names the key without revealing it (a drop finds the index stale when it changed)."""
    return hmac.new(secret, b"joinedup linkage index fingerprint", hashlib.sha256).hexdigest()[:16]


def model_fingerprint(model: Model) -> str:
    """Names a saved model (statistics kept with one model are stale under another)."""
    text = json.dumps(model, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _rule_name(key: BlockingKey) -> str:
    return "+".join(key)


def _text(table: pa.Table, key: BlockingKey) -> pa.Table:
    return table.select(list(key)).cast(pa.schema([(c, pa.string()) for c in key]))


def blocking_digests(prepared: pa.Table, model: Model, secret: bytes) -> dict[str, set[str]]:
    """``record_id -> hashes of its blocking-key values`` (empty when a rule of the model is
    not a plain equality: then a drop cannot be restricted by the index)."""
    keys = equality_keys(model) or ()
    ids = prepared["record_id"].to_pylist()
    out: dict[str, set[str]] = {record: set() for record in ids}
    for key in keys:
        if not set(key) <= set(prepared.column_names):
            continue
        kind = f"b:{_rule_name(key)}"
        values = key_array(_text(prepared, key), key).to_pylist()
        cache: dict[str, str] = {}
        for record, value in zip(ids, values, strict=True):
            if value is None:
                continue
            found = cache.get(value)
            if found is None:
                found = cache[value] = digest(secret, kind, value)
            out[record].add(found)
    return out


def context_digests(
    context: RecordContext | None, secret: bytes, records: Iterable[str] | None = None
) -> dict[str, set[str]]:
    """``record_id -> hashes of its context tokens and of its neighbours' ids``."""
    out: dict[str, set[str]] = {}
    if context is None:
        return out
    wanted = None if records is None else set(records)
    for record, tokens in context.tokens.items():
        if wanted is None or record in wanted:
            out.setdefault(record, set()).update(digest(secret, "t", t) for t in tokens)
    for record, others in context.neighbours.items():
        if wanted is None or record in wanted:
            out.setdefault(record, set()).update(digest(secret, "n", o) for o in others)
    return out


def record_digests(
    prepared: pa.Table,
    model: Model,
    context: RecordContext | None,
    secret: bytes,
    records: Iterable[str] | None = None,
) -> dict[str, set[str]]:
    """Every hash the index keeps for each record of ``prepared`` (or of ``records``)."""
    if records is not None:
        wanted = set(records)
        mask = pa.array([r in wanted for r in prepared["record_id"].to_pylist()])
        prepared = prepared.filter(mask)
    out = blocking_digests(prepared, model, secret)
    for record, found in context_digests(context, secret, out).items():
        out.setdefault(record, set()).update(found)
    return out


def _term_counts(prepared: pa.Table, model: Model, secret: bytes) -> dict[str, Any]:
    """Per term-frequency column: identities holding each value (keyed by its hash) and
    holding any value (:func:`joinedup.linkage.predict.term_frequencies`'s counts)."""
    import duckdb

    columns = tf_columns(model)
    present = [c for c in IDENTITY_COLUMNS if c in prepared.column_names]
    con = duckdb.connect(":memory:")
    con.register("records", prepared.select(present))
    con.execute(f"CREATE TABLE identities AS SELECT DISTINCT {', '.join(present)} FROM records")
    out: dict[str, Any] = {}
    for column in columns:
        if column not in present:
            continue
        rows = con.execute(
            f"SELECT CAST({column} AS VARCHAR), count(*) FROM identities "
            f"WHERE {column} IS NOT NULL GROUP BY 1"
        ).fetchall()
        counts = {digest(secret, f"tf:{column}", str(v)): int(n) for v, n in rows}
        out[column] = {"total": sum(counts.values()), "counts": counts}
    con.close()
    return out


def _token_counts(
    clusters: Mapping[str, str], context: RecordContext | None, secret: bytes
) -> dict[str, Any]:
    """Each context token's number of persons holding it, and the number of persons (the
    collective stage's rarity, :func:`joinedup.linkage.collective.cluster_context`, without
    the neighbour tokens, which name persons and are counted where a drop reaches them)."""
    persons = len(set(clusters.values()))
    counts: Counter[str] = Counter()
    if context is not None:
        by_person: dict[str, set[str]] = {}
        for record, tokens in context.tokens.items():
            by_person.setdefault(clusters.get(record, record), set()).update(tokens)
        for tokens in by_person.values():
            counts.update(tokens)
    return {
        "persons": persons,
        "counts": {digest(secret, "t", t): n for t, n in counts.items()},
    }


def borough_statistics(
    prepared: pa.Table,
    model: Model,
    clusters: Mapping[str, str],
    context: RecordContext | None,
    relational: Mapping[str, Any] | None,
    secret: bytes,
) -> dict[str, Any]:
    """The statistics a full run keeps for the drops after it (see the module docstring):
    counts keyed by hashes, never a value."""
    return {
        "version": 1,
        "model": model_fingerprint(model),
        "key": key_fingerprint(secret),
        "records": len(prepared),
        "term_frequencies": _term_counts(prepared, model, secret),
        "tokens": _token_counts(clusters, context, secret),
        "relational_model": dict(relational or {}),
    }
