"""Person ids that stay stable across linkage runs.

Given the previous run's ``record_id -> person_id`` and a new clustering, each new cluster
inherits the old person id it overlaps most. Matching is one-to-one and greedy over
(overlap descending, old person id, cluster key), so it is deterministic:

* a cluster holding records of exactly one old person keeps that id;
* when old persons merge, the id with the largest overlap survives (ties: smaller id) and
  the others are *retired* (reported with the id they were merged into);
* when an old person splits, the part with the largest overlap keeps the id and the other
  parts get new ids;
* clusters of only new records get new ids (uuid4 strings).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass
class StableIds:
    """The new ``record_id -> person_id`` map and what changed."""

    person_ids: dict[str, str]
    kept: set[str] = field(default_factory=set)
    created: set[str] = field(default_factory=set)
    retired: dict[str, str] = field(default_factory=dict)


class _Uuid4:
    """Random (version 4) UUID strings, drawing random bytes in blocks (uuid4 per call is
    slow for hundreds of thousands of new persons)."""

    BLOCK = 4096

    def __init__(self) -> None:
        self._buffer = b""
        self._offset = 0

    def __call__(self) -> str:
        if self._offset + 16 > len(self._buffer):
            self._buffer, self._offset = os.urandom(16 * self.BLOCK), 0
        x = self._buffer[self._offset : self._offset + 16].hex()
        self._offset += 16
        variant = "89ab"[int(x[16], 16) & 3]
        return f"{x[:8]}-{x[8:12]}-4{x[13:16]}-{variant}{x[17:20]}-{x[20:]}"


_new_uuid = _Uuid4()


def stable_person_ids(
    previous: Mapping[str, str],
    clusters: Mapping[str, str],
    *,
    new_id: Callable[[], str] = _new_uuid,
) -> StableIds:
    """Assign person ids to ``clusters`` (``record_id -> cluster key``), reusing old ones."""
    overlap: Counter[tuple[str, str]] = Counter()
    for record, cluster in clusters.items():
        old = previous.get(record)
        if old is not None:
            overlap[(cluster, old)] += 1
    candidates = sorted(overlap.items(), key=lambda item: (-item[1], item[0][1], item[0][0]))
    cluster_to_person: dict[str, str] = {}
    used: set[str] = set()
    for (cluster, old), _count in candidates:
        if cluster in cluster_to_person or old in used:
            continue
        cluster_to_person[cluster] = old
        used.add(old)
    result = StableIds(person_ids={}, kept=set(used))
    for cluster in sorted(set(clusters.values())):
        if cluster not in cluster_to_person:
            person = new_id()
            cluster_to_person[cluster] = person
            result.created.add(person)
    result.person_ids = {record: cluster_to_person[c] for record, c in clusters.items()}
    old_ids = set(previous.values())
    for (cluster, old), _count in candidates:
        if old not in used and old in old_ids and old not in result.retired:
            result.retired[old] = cluster_to_person[cluster]
    return result


def carried_links(person_ids: Mapping[str, str]) -> list[tuple[str, str]]:
    """Links that keep existing persons together (each record to its person's first)."""
    members: dict[str, list[str]] = {}
    for record, person in person_ids.items():
        members.setdefault(person, []).append(record)
    links: list[tuple[str, str]] = []
    for person in sorted(members):
        group = sorted(members[person])
        links.extend((group[0], other) for other in group[1:])
    return links
