"""Keeping the drop index and a full run's statistics in the store (through the door).

:func:`keep_index` brings the ``linkage_key`` rows of the records a run read up to date:
a full run computes every record's fingerprint, reads the stored fingerprints (one row per
record) and rewrites only the records whose fingerprint changed (new rows in bulk, stale rows
deleted by id); a drop adds its new records' rows. :func:`keep_statistics` replaces the
kept statistics after a full run; :func:`kept_statistics` reads them for a drop, or None
when missing or stale.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from joinedup.linkage.context import RecordContext
from joinedup.linkage.drop_index import (
    borough_statistics,
    fingerprints,
    hashed,
    key_fingerprint,
    model_fingerprint,
    record_values,
)
from joinedup.model.base import utcnow
from joinedup.model.linkage import LinkageKey, LinkageStatistics
from joinedup.store.actor_session import ActorSession
from joinedup.store.bulk import ColumnRows

if TYPE_CHECKING:
    from joinedup.linkage.link import LinkRun
    from joinedup.linkage.train import Model

CHUNK = 50_000  # rows per bulk insert (and per audit row naming them)
FEW = 20_000  # changed records read by id below this, the whole index above

__all__ = ["keep_index", "keep_statistics", "kept_statistics"]


def keep_index(
    session: ActorSession,
    run: LinkRun,
    context: RecordContext | None,
    agency_of: Mapping[str, str],
    records: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Bring the index rows of ``records`` (every record of the run when None) up to date:
    only the records whose fingerprint changed are rewritten; returns counts and seconds.
    Nothing when the door has no index key."""
    secret = session.linkage_index_key()
    if secret is None:
        return {"kept": False}
    started = time.perf_counter()
    wanted = None if records is None else set(records)
    prints = fingerprints(secret, run.prepared, run.model, context, wanted)
    stored_prints = session.index_rows(wanted, "f") if wanted is None or wanted else {}
    changed = [r for r in prints if ("f", prints[r]) not in stored_prints.get(r, {})]
    values = record_values(run.prepared, run.model, context, changed)
    read = time.perf_counter()
    stored: dict[str, dict[tuple[str, str], str]] = {}
    if stored_prints and changed:  # a first build has nothing to compare with
        some = changed if len(changed) < FEW else None
        stored = session.index_rows(some)
    stale: list[str] = []
    fresh: dict[str, list[str]] = {c: [] for c in ("id", "agency_id", "record_id", "kind", "key")}
    cache: dict[tuple[str, str], str] = {}
    for record in changed:
        want = hashed(secret, values[record], cache) | {("f", prints[record])}
        have = stored.get(record, {})
        stale.extend(row_id for entry, row_id in have.items() if entry not in want)
        agency = agency_of[record]
        for kind, key in want - have.keys():
            # the row's id names its record, kind and hash (nothing the row does not hold)
            fresh["id"].append(f"{record}:{kind}{key}")
            fresh["agency_id"].append(agency)
            fresh["record_id"].append(record)
            fresh["kind"].append(kind)
            fresh["key"].append(key)
    hashed_at = time.perf_counter()
    session.drop_derived_rows(LinkageKey, stale)
    shared = {"created_by": session.actor.user_id, "created_at": utcnow()}
    added = len(fresh["id"])
    for start in range(0, added, CHUNK):
        part = {c: column[start : start + CHUNK] for c, column in fresh.items()}
        session.add_values(LinkageKey, ColumnRows(part, shared))
    done = time.perf_counter()
    return {
        "kept": True,
        "records": len(prints),
        "changed": len(changed),
        "added": added,
        "deleted": len(stale),
        "read_s": round(read - started, 2),
        "hash_s": round(hashed_at - read, 2),
        "write_s": round(done - hashed_at, 2),
    }


def keep_statistics(
    session: ActorSession, run: LinkRun, context: RecordContext | None, run_id: str
) -> dict[str, Any]:
    """Replace the kept statistics by this full run's (nothing without the index key)."""
    secret = session.linkage_index_key()
    if secret is None:
        return {"kept": False}
    started = time.perf_counter()
    body = borough_statistics(
        run.prepared,
        run.model,
        run.clustering.clusters,
        context,
        run.collective.get("model"),
        secret,
    )
    old = [row[0] for chunk in session.scan(LinkageStatistics, ["run_id"]) for row in chunk]
    session.drop_derived_rows(LinkageStatistics, old)
    session.add(LinkageStatistics(agency_id=session.actor.agency_id, run_id=run_id, body=body))
    return {"kept": True, "seconds": round(time.perf_counter() - started, 2)}


def kept_statistics(session: ActorSession, model: Model) -> dict[str, Any] | None:
    """The last full run's statistics, or None when there are none or they are stale (kept
    under another model or another index key)."""
    secret = session.linkage_index_key()
    if secret is None:
        return None
    rows = session.list(LinkageStatistics)
    if not rows:
        return None
    body = max(rows, key=lambda r: (r.created_at, r.id)).body
    if body.get("model") != model_fingerprint(model) or body.get("key") != key_fingerprint(secret):
        return None
    return body
