"""Keeping the drop index and a full run's statistics in the store (through the door).

:func:`keep_index` brings the ``linkage_key`` rows of the records a run read up to date:
a full run computes every record's hashes, compares them with the stored rows and writes
only the difference (new rows in bulk, stale rows deleted by id); a drop adds its new
records' rows. :func:`keep_statistics` replaces the kept statistics after a full run;
:func:`kept_statistics` reads them for a drop, or None when missing or stale.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from joinedup.linkage.context import RecordContext
from joinedup.linkage.drop_index import (
    borough_statistics,
    key_fingerprint,
    model_fingerprint,
    record_digests,
)
from joinedup.model.base import new_id, utcnow
from joinedup.model.linkage import LinkageKey, LinkageStatistics
from joinedup.store.actor_session import ActorSession

if TYPE_CHECKING:
    from joinedup.linkage.link import LinkRun
    from joinedup.linkage.train import Model

CHUNK = 50_000  # rows per bulk insert (and per audit row naming them)

__all__ = ["keep_index", "keep_statistics", "kept_statistics"]


def keep_index(
    session: ActorSession,
    run: LinkRun,
    context: RecordContext | None,
    agency_of: Mapping[str, str],
    records: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Bring the index rows of ``records`` (every record of the run when None) up to date;
    returns counts and seconds. Nothing when the door has no index key."""
    secret = session.linkage_index_key()
    if secret is None:
        return {"kept": False}
    started = time.perf_counter()
    wanted = None if records is None else set(records)
    digests = record_digests(run.prepared, run.model, context, secret, wanted)
    hashed = time.perf_counter()
    stored = session.index_rows(wanted)
    read = time.perf_counter()
    stale: list[str] = []
    for record, rows in stored.items():
        current = digests.get(record, set())
        stale.extend(row_id for key, row_id in rows.items() if key not in current)
    now = utcnow()
    fresh = [
        {
            "id": new_id(),
            "agency_id": agency_of[record],
            "created_by": session.actor.user_id,
            "created_at": now,
            "record_id": record,
            "key": key,
        }
        for record, keys in digests.items()
        for key in keys - stored.get(record, {}).keys()
    ]
    session.drop_derived_rows(LinkageKey, stale)
    for start in range(0, len(fresh), CHUNK):
        session.add_values(LinkageKey, fresh[start : start + CHUNK])
    done = time.perf_counter()
    return {
        "kept": True,
        "records": len(digests),
        "added": len(fresh),
        "deleted": len(stale),
        "hash_s": round(hashed - started, 2),
        "read_s": round(read - hashed, 2),
        "write_s": round(done - read, 2),
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
