"""What a drop can touch, found through the drop index without reading every record.

A drop's new records are scored only against the stored records sharing a blocking key with
one of them; the clustering's later stages (attachment, the neighbourhood walk, collective
evidence) reach further only through persons, shared context and the people around them.
:func:`drop_reach` walks those steps on the index (:mod:`joinedup.linkage.drop_index`) and
the memberships, by keyed hashes and ids through the door: the stored records sharing a
blocking key, their persons' records, then per step the records appearing with any reached
record (neighbours) and those holding one of its context tokens (a token held by at most
``max_persons`` persons at the last full run, as the collective stage's rarity counts them).

This is the read a restricted drop path would make before linking that subset with the
stored statistics; it links nothing itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from joinedup.linkage.context import RecordContext
from joinedup.linkage.drop_index import blocking_digests, digest
from joinedup.linkage.train import Model
from joinedup.model.linkage import PersonLink
from joinedup.store.actor_session import ActorSession

_CHUNK = 900

__all__ = ["Reach", "drop_reach", "reach_from"]


@dataclass
class Reach:
    """The stored records a drop can touch, step by step."""

    #: stored records sharing a blocking key with a new record
    blocked: set[str]
    #: the persons reached (a new record not yet linked counts as its own person)
    persons: set[str]
    #: every record of the persons reached (new records included)
    records: set[str]
    #: records reached after the persons of the blocked records, and after each step
    by_step: list[int] = field(default_factory=list)


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _persons_of(session: ActorSession, records: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in _chunks(records):
        for rows in session.scan(PersonLink, ["record_id", "person_id"], where={"record_id": part}):
            out.update((record, person) for _id, record, person in rows)
    return out


def _members(session: ActorSession, persons: Iterable[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for part in _chunks(persons):
        for rows in session.scan(PersonLink, ["record_id", "person_id"], where={"person_id": part}):
            for _id, record, person in rows:
                out.setdefault(person, set()).add(record)
    return out


def _union(found: Mapping[str, set[str]]) -> set[str]:
    out: set[str] = set()
    for records in found.values():
        out |= records
    return out


def drop_reach(
    session: ActorSession,
    new: pa.Table,
    context: RecordContext,
    model: Model,
    statistics: Mapping[str, Any],
    *,
    steps: int = 4,
    max_persons: int = 50,
) -> Reach:
    """The records a drop of the prepared records ``new`` (with their ``context``) can
    touch within ``steps`` steps (see the module docstring); ``statistics`` are the kept
    ones (:func:`joinedup.linkage.drop_store.kept_statistics`), for each token's count."""
    secret = session.linkage_index_key()
    if secret is None:
        raise ValueError("the door has no drop index key")
    blocked = _union(session.records_holding(_union(blocking_digests(new, model, secret))))
    return reach_from(
        session,
        blocked,
        statistics,
        new=set(new["record_id"].to_pylist()),
        context=context,
        steps=steps,
        max_persons=max_persons,
    )


def reach_from(
    session: ActorSession,
    start: set[str],
    statistics: Mapping[str, Any],
    *,
    new: set[str] | None = None,
    context: RecordContext | None = None,
    steps: int = 4,
    max_persons: int = 50,
) -> Reach:
    """The records within ``steps`` steps of the persons of the stored records ``start`` and
    of the ``new`` records (not yet linked: each its own person, its context given)."""
    secret = session.linkage_index_key()
    if secret is None:
        raise ValueError("the door has no drop index key")
    fresh = set(new or ())
    context = context or RecordContext()
    counts: Mapping[str, int] = statistics.get("tokens", {}).get("counts", {})
    person_of: dict[str, str] = {r: r for r in fresh}
    members: dict[str, set[str]] = {r: {r} for r in fresh}

    def add_persons(records: set[str]) -> set[str]:
        unknown = records - person_of.keys()
        person_of.update(_persons_of(session, unknown))
        persons = {person_of.get(r, r) for r in records}
        members.update(_members(session, persons - members.keys()))
        return persons

    persons = add_persons(start) | fresh
    records = set().union(*(members.get(p, {p}) for p in persons))
    by_step = [len(records)]
    walked: set[str] = set()
    for _ in range(steps):
        frontier = records - walked
        walked |= frontier
        around = _union(session.records_holding({digest(secret, "n", r) for r in frontier}))
        for record in frontier & fresh:
            around |= context.neighbours.get(record, set())
        tokens = set().union(*session.record_keys_of(frontier - fresh, "t").values())
        for record in frontier & fresh:
            tokens |= {digest(secret, "t", t) for t in context.tokens.get(record, ())}
        holders = session.records_holding(t for t in tokens if counts.get(t, 0) <= max_persons)
        around |= _union(holders)
        persons |= add_persons(around)
        records = set().union(*(members.get(p, {p}) for p in persons))
        by_step.append(len(records))
    return Reach(start, persons, records, by_step)
