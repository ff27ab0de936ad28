"""Linkage through the door: read person records, link, store memberships and the review queue.

One run of ``joinedup link``:

1. reads every person record in the actor's scope, the persisted memberships
   (``record -> person``), the review decisions and the latest run's model;
2. links incrementally when a model exists and only new records arrived (new records are
   scored against existing ones; existing persons keep their ids), otherwise re-links
   everything (training a model when there is none, or when ``retrain`` is asked);
3. stores one membership row per record (added or altered only when it changed), the
   uncertain pairs as review items, and a run row with the model and counts;
4. logs every changed membership as *combination* (s.62) through the door.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from joinedup.common.errors import InputError
from joinedup.linkage.context import RecordContext
from joinedup.linkage.decisions import ReviewDecision
from joinedup.model.base import new_id, utcnow
from joinedup.model.linkage import LinkageRun, MatchReview, PersonLink
from joinedup.model.records import SourceRecord
from joinedup.store.actor_session import ActorSession

if TYPE_CHECKING:  # the model and Splink load only when linkage runs, not on every import
    from joinedup.linkage.link import LinkConfig, LinkRun
    from joinedup.linkage.train import Model

Progress = Callable[[str], None]
AUDIT_CHUNK = 5_000


@dataclass
class LinkOutcome:
    """What a run did (``joinedup link --json`` prints this)."""

    run_id: str
    backend: str
    incremental: bool
    records: int
    new_records: int
    persons: int
    changed: int
    review_items: int
    decisions_honoured: int
    timings: dict[str, float] = field(default_factory=dict)
    #: pairs the collective stage linked, its rounds and relational levels
    collective: dict[str, Any] = field(default_factory=dict)
    #: what the run kept of the drop index and the statistics (:mod:`.drop_store`)
    index: dict[str, Any] = field(default_factory=dict)
    #: stored records whose person changed (a merge or a split; not new records): what an
    #: incremental re-assessment must take again (not in :meth:`as_dict`)
    moved: set[str] = field(default_factory=set, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (for JSON)."""
        out = asdict(self)
        del out["moved"]
        return out


def load_person_ids(session: ActorSession) -> dict[str, str]:
    """``record_id -> person_id`` for every membership the session may see."""
    out: dict[str, str] = {}
    for chunk in session.scan(PersonLink, ["record_id", "person_id"]):
        for _id, record_id, person_id in chunk:
            out[record_id] = person_id
    return out


def _memberships(session: ActorSession) -> dict[str, tuple[str, str]]:
    """``record_id -> (membership row id, person_id)``."""
    out: dict[str, tuple[str, str]] = {}
    for chunk in session.scan(PersonLink, ["record_id", "person_id"]):
        for row_id, record_id, person_id in chunk:
            out[record_id] = (row_id, person_id)
    return out


def load_decisions(session: ActorSession) -> list[ReviewDecision]:
    """Every confirmed or rejected review item in scope, as linkage decisions."""
    decided = [m for m in session.list(MatchReview) if m.status in ("confirmed", "rejected")]
    decided.sort(key=lambda m: (m.decided_at or m.created_at, m.id))
    return [
        ReviewDecision(
            m.record_a,
            m.record_b,
            "confirmed" if m.status == "confirmed" else "rejected",
            reason=m.reason or "",
            decided_by=m.decided_by or "",
        )
        for m in decided
    ]


def latest_run(session: ActorSession) -> LinkageRun | None:
    """The most recent completed run in scope (its model drives incremental runs)."""
    runs = [r for r in session.list(LinkageRun) if r.completed_at is not None]
    return max(runs, key=lambda r: (r.completed_at, r.id)) if runs else None


def _link(
    records: list[dict[str, Any]],
    previous: Mapping[str, str],
    decisions: list[ReviewDecision],
    model: Model | None,
    config: LinkConfig,
    progress: Progress | None,
    context: RecordContext | None = None,
) -> LinkRun:
    from joinedup.linkage.link import link_new_records, link_records

    known = [r for r in records if r["record_id"] in previous]
    new = [r for r in records if r["record_id"] not in previous]
    if model is not None and known and new:
        return link_new_records(
            known,
            {r["record_id"]: previous[r["record_id"]] for r in known},
            new,
            model,
            decisions=decisions,
            config=config,
            progress=progress,
            context=context,
        )
    return link_records(
        records,
        model=model,
        decisions=decisions,
        previous_person_ids=previous,
        config=config,
        progress=progress,
        context=context,
    )


def run_linkage(
    session: ActorSession,
    config: LinkConfig | None = None,
    *,
    retrain: bool = False,
    progress: Progress | None = None,
) -> LinkOutcome:
    """Link every person record in scope and store the result (see the module docstring)."""
    from joinedup.linkage.link import LinkConfig
    from joinedup.linkage.sources import person_records_with_context

    session.require("linkage.run")
    config = config or LinkConfig()
    records, context = person_records_with_context(session)
    if not records:
        raise InputError("there are no person records to link: ingest agency exports first")
    agency_of = {r["record_id"]: r["agency_id"] for r in records}
    existing = _memberships(session)
    previous = {record: person for record, (_row, person) in existing.items()}
    decisions = load_decisions(session)
    last = None if retrain else latest_run(session)
    model = last.model if last is not None and last.model else None
    new_records = sum(1 for r in records if r["record_id"] not in previous)
    run = _link(records, previous, decisions, model, config, progress, context)
    run_id = new_id()
    if progress:
        progress("storing persons and the review queue")
    moved: set[str] = set()
    changed = _store_memberships(session, run, existing, agency_of, run_id, moved)
    queued = _store_review_queue(session, run, agency_of, run_id)
    index = (
        _keep_index(session, run, context, agency_of, previous, run_id, progress)
        if config.keep_drop_index
        else {}
    )
    outcome = LinkOutcome(
        run_id=run_id,
        backend=config.backend,
        incremental=run.incremental,
        records=len(records),
        new_records=new_records,
        persons=run.cluster_count,
        changed=changed,
        review_items=queued,
        decisions_honoured=len(decisions),
        timings={k: round(v, 2) for k, v in run.timings.items()},
        index=index,
        collective=run.collective,
        moved=moved,
    )
    session.add(
        LinkageRun(
            id=run_id,
            agency_id=session.actor.agency_id,
            backend=config.backend,
            incremental=run.incremental,
            records=len(records),
            persons=run.cluster_count,
            changed=changed,
            review_items=queued,
            model=run.model,
            stats=outcome.as_dict(),
            completed_at=utcnow(),
        )
    )
    return outcome


def _keep_index(
    session: ActorSession,
    run: LinkRun,
    context: RecordContext,
    agency_of: Mapping[str, str],
    previous: Mapping[str, str],
    run_id: str,
    progress: Progress | None,
) -> dict[str, Any]:
    """The drop index for the records the run read (a drop: its new records only) and,
    after a full run, the borough's statistics (:mod:`joinedup.linkage.drop_store`)."""
    from joinedup.linkage.drop_store import keep_index, keep_statistics

    if progress:
        progress("keeping the drop index")
    if run.incremental:
        fresh = [r for r in run.person_ids if r not in previous]
        return keep_index(session, run, context, agency_of, fresh)
    kept = keep_index(session, run, context, agency_of)
    kept["statistics"] = keep_statistics(session, run, context, run_id)
    return kept


def _store_memberships(
    session: ActorSession,
    run: LinkRun,
    existing: Mapping[str, tuple[str, str]],
    agency_of: Mapping[str, str],
    run_id: str,
    moved: set[str],
) -> int:
    now = utcnow()
    added: list[dict[str, Any]] = []
    changed_records: list[str] = []
    for record_id, person_id in run.person_ids.items():
        current = existing.get(record_id)
        if current is None:
            added.append(
                {
                    "id": new_id(),
                    "agency_id": agency_of[record_id],
                    "created_by": session.actor.user_id,
                    "created_at": now,
                    "record_id": record_id,
                    "person_id": person_id,
                    "run_id": run_id,
                }
            )
            changed_records.append(record_id)
        elif current[1] != person_id:
            session.update(PersonLink, current[0], person_id=person_id, run_id=run_id)
            changed_records.append(record_id)
            moved.add(record_id)
    for start in range(0, len(added), 50_000):
        session.add_values(PersonLink, added[start : start + 50_000])
    for start in range(0, len(changed_records), AUDIT_CHUNK):
        session.combine(SourceRecord, changed_records[start : start + AUDIT_CHUNK])
    return len(changed_records)


def _store_review_queue(
    session: ActorSession, run: LinkRun, agency_of: Mapping[str, str], run_id: str
) -> int:
    """Add the run's uncertain pairs not yet queued; re-date the ones still uncertain."""
    queue = run.review_queue
    if queue.num_rows == 0:
        return 0
    known = {(m.record_a, m.record_b): m for m in session.list(MatchReview)}
    now = utcnow()
    fresh: list[dict[str, Any]] = []
    names = ["record_id_l", "record_id_r", "match_probability", "match_weight"]
    columns = [queue[c].to_pylist() for c in names]
    held = queue["evidence"].to_pylist() if "evidence" in queue.column_names else []
    evidence = [json.loads(e) if e else None for e in held] or [None] * queue.num_rows
    for a, b, probability, weight, found in zip(*columns, evidence, strict=True):
        pair = (a, b) if a < b else (b, a)
        item = known.get(pair)
        if item is not None:
            if item.status == "open" and item.run_id != run_id:
                session.update(
                    MatchReview,
                    item.id,
                    run_id=run_id,
                    match_probability=probability,
                    match_weight=None if weight is None else float(weight),
                    evidence=found,
                )
            continue
        fresh.append(
            {
                "id": new_id(),
                "agency_id": agency_of[pair[0]],
                "created_by": session.actor.user_id,
                "created_at": now,
                "record_a": pair[0],
                "record_b": pair[1],
                "match_probability": float(probability),
                "match_weight": None if weight is None else float(weight),
                "run_id": run_id,
                "status": "open",
                "reason": None,
                "decided_by": None,
                "decided_at": None,
                "evidence": found,
            }
        )
    session.add_values(MatchReview, fresh)
    return int(queue.num_rows)
