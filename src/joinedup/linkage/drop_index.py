"""The drop index and a full run's statistics: what a drop needs to read only what it touches.

A weekly drop's new records can only be scored against stored records sharing a blocking
key with one of them (:func:`joinedup.linkage.predict.blocked_with`), and the clustering's
later stages only reach further through persons, shared context and neighbours. To find those
records without reading every one, each linkage run keeps, per stored person record, keyed
hashes (HMAC-SHA256 with the key of ``keys/linkage-index.key``, cut to 96 bits) of:

- each of its prediction blocking-key values (kind ``b``: the rule and the value Splink
  blocks on, the saved model's equality rules, :func:`joinedup.linkage.predict.equality_keys`);
- each of its context tokens (kind ``t``: a phone, vehicle or address token);
- each neighbour's record id (kind ``n``: searching the hash of a record's id finds the
  records that appear with it);
- one fingerprint of all of these (kind ``f``).

The hashes are what ``linkage_key`` stores, with their kind; a value is never stored, and
without the key a hash cannot be tested against a guessed name or postcode. A full run reads
the fingerprints and rewrites the rows of the records whose fingerprint changed (new rows in
bulk, stale ones deleted by id); a drop adds its new records' rows.

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
import pyarrow.compute as pc

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
    "fingerprints",
    "hashed",
    "key_fingerprint",
    "model_fingerprint",
    "record_values",
]


def digest(secret: bytes, kind: str, value: str) -> str:
    """The keyed hash of one value of one kind (``b``, ``t``, ``n``, ``f``, ``tf:<column>``)."""
    message = f"{kind}\x1f{value}".encode()
    return hmac.digest(secret, message, "sha256").hex()[:DIGEST_HEX]


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


def _only(prepared: pa.Table, records: Iterable[str] | None) -> pa.Table:
    if records is None:
        return prepared
    wanted = set(records)
    return prepared.filter(
        pa.array([r in wanted for r in prepared["record_id"].to_pylist()], pa.bool_())
    )


Entry = tuple[str, str]  # (kind, value or hash): "b" blocking key, "t" token, "n" neighbour


def _blocking_values(prepared: pa.Table, model: Model) -> dict[str, set[Entry]]:
    """``record_id -> ("b", rule + value)`` of each prediction blocking key it has (none
    when a rule of the model is not a plain equality)."""
    keys = equality_keys(model) or ()
    ids = prepared["record_id"].to_pylist()
    out: dict[str, set[Entry]] = {record: set() for record in ids}
    for key in keys:
        if not set(key) <= set(prepared.column_names):
            continue
        rule = _rule_name(key)
        values = key_array(_text(prepared, key), key).to_pylist()
        for record, value in zip(ids, values, strict=True):
            if value is not None:
                out[record].add(("b", f"{rule}\x1f{value}"))
    return out


def record_values(
    prepared: pa.Table,
    model: Model,
    context: RecordContext | None,
    records: Iterable[str] | None = None,
) -> dict[str, set[Entry]]:
    """The values the index keeps (hashed) for each record of ``prepared`` (or of
    ``records``): blocking keys, context tokens, neighbours' ids. In memory only."""
    out = _blocking_values(_only(prepared, records), model)
    if context is not None:
        for record, found in out.items():
            found.update(("t", t) for t in context.tokens.get(record, ()))
            found.update(("n", o) for o in context.neighbours.get(record, ()))
    return out


def fingerprints(
    secret: bytes,
    prepared: pa.Table,
    model: Model,
    context: RecordContext | None,
    records: Iterable[str] | None = None,
) -> dict[str, str]:
    """``record_id -> one keyed hash of all the values the index keeps for it`` (its
    blocking keys rule by rule, its tokens, its neighbours): a full run rewrites a record's
    rows only when this changed. Joined in Arrow, without the per-value sets."""
    prepared = _only(prepared, records)
    keys = [k for k in equality_keys(model) or () if set(k) <= set(prepared.column_names)]
    ids = prepared["record_id"].to_pylist()
    header = "\x1e".join(_rule_name(k) for k in keys)
    if keys:
        parts = [pc.fill_null(key_array(_text(prepared, k), k), "\x00") for k in keys]
        joined = pc.binary_join_element_wise(*parts, "\x1e").to_pylist()
    else:
        joined = [""] * len(ids)
    tokens = context.tokens if context is not None else {}
    around = context.neighbours if context is not None else {}
    out: dict[str, str] = {}
    for record, line in zip(ids, joined, strict=True):
        text = f"{header}\x1d{line}\x1d" + "\x1e".join(sorted(tokens.get(record, ())))
        text += "\x1d" + "\x1e".join(sorted(around.get(record, ())))
        out[record] = digest(secret, "f", text)
    return out


def hashed(
    secret: bytes, values: Iterable[Entry], cache: dict[Entry, str] | None = None
) -> set[Entry]:
    """``(kind, hash)`` of each ``(kind, value)``."""
    cache = {} if cache is None else cache
    out: set[Entry] = set()
    for entry in values:
        found = cache.get(entry)
        if found is None:
            found = cache[entry] = digest(secret, *entry)
        out.add((entry[0], found))
    return out


def blocking_digests(prepared: pa.Table, model: Model, secret: bytes) -> dict[str, set[str]]:
    """``record_id -> hashes of its blocking-key values``: what a drop's new records look
    up in the index."""
    cache: dict[Entry, str] = {}
    return {
        record: {h for _k, h in hashed(secret, values, cache)}
        for record, values in _blocking_values(prepared, model).items()
    }


def context_digests(context: RecordContext, secret: bytes, record: str) -> dict[str, set[str]]:
    """A record's context as the index holds it: ``{"t": token hashes, "n": hashes of its
    neighbours' ids, "self": the hash other records hold when it is their neighbour}``."""
    return {
        "t": {digest(secret, "t", t) for t in context.tokens.get(record, ())},
        "n": {digest(secret, "n", o) for o in context.neighbours.get(record, ())},
        "self": {digest(secret, "n", record)},
    }


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
