"""Cluster scored pairs into persons, honouring review decisions.

Method (constrained single linkage, i.e. a maximum spanning forest with cannot-link):

1. Confirmed pairs are joined first (in sorted order).
2. Scored pairs at or above the threshold are joined strongest first (match weight
   descending, then record ids), with union-find.
3. A join is refused when it would put the two records of a rejected pair in one cluster.

Without rejections this is exactly connected components at the threshold. With them, each
rejected pair ends up separated by cutting the weakest link on the path that joined it: the
link refused is the first (weakest) one that would have connected the two sides. A confirmed
pair that contradicts rejections (A=B and B=C confirmed, A≠C rejected) cannot all hold; the
rejection wins and the confirmed pair is reported in :attr:`Clustering.conflicts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from joinedup.linkage.decisions import DecisionSet


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent: dict[str, str] = {item: item for item in items}
        self.size: dict[str, int] = dict.fromkeys(self.parent, 1)
        self.cannot: dict[str, set[str]] = {}

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def forbid(self, a: str, b: str) -> None:
        self.cannot.setdefault(self.find(a), set()).add(b)
        self.cannot.setdefault(self.find(b), set()).add(a)

    def union(self, a: str, b: str) -> bool | None:
        """Join; ``True`` joined, ``False`` already together, ``None`` refused."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return False
        forbidden_a, forbidden_b = self.cannot.get(root_a), self.cannot.get(root_b)
        if forbidden_a and any(self.find(x) == root_b for x in forbidden_a):
            return None
        if forbidden_b and any(self.find(x) == root_a for x in forbidden_b):
            return None
        if self.size[root_a] < self.size[root_b]:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.size[root_a] += self.size[root_b]
        merged = self.cannot.pop(root_b, None)
        if merged:
            self.cannot.setdefault(root_a, set()).update(merged)
        return True


@dataclass
class Clustering:
    """Result of clustering: ``record_id -> cluster key`` (the smallest record id in it)."""

    clusters: dict[str, str]
    refused_links: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def cluster_count(self) -> int:
        """Number of clusters (singletons included)."""
        return len(set(self.clusters.values()))


def cluster_pairs(
    record_ids: Iterable[str],
    pairs: pa.Table,
    *,
    threshold: float,
    decisions: DecisionSet | None = None,
    carried_links: Iterable[tuple[str, str]] = (),
) -> Clustering:
    """Cluster records given scored pairs (:data:`joinedup.linkage.predict.PAIR_COLUMNS`).

    ``carried_links`` are joined right after confirmed pairs (used by incremental linking to
    carry forward earlier clusters); they yield to rejections like scored links do.
    """
    decisions = decisions or DecisionSet(frozenset(), frozenset())
    ids = list(dict.fromkeys(record_ids))
    known = set(ids)
    for a, b in decisions.decided:
        for record in (a, b):
            if record not in known:
                ids.append(record)
                known.add(record)
    uf = _UnionFind(ids)
    for a, b in sorted(decisions.rejected):
        uf.forbid(a, b)
    result = Clustering(clusters={})
    for a, b in sorted(decisions.confirmed):
        if uf.union(a, b) is None:
            result.conflicts.append((a, b))
    for a, b in carried_links:
        if uf.union(a, b) is None:
            result.refused_links.append((a, b))
    strong = pairs.filter(pc.greater_equal(pairs["match_probability"], threshold))
    if len(strong):
        strong = strong.sort_by(
            [
                ("match_weight", "descending"),
                ("record_id_l", "ascending"),
                ("record_id_r", "ascending"),
            ]
        )
        lefts = strong["record_id_l"].to_pylist()
        rights = strong["record_id_r"].to_pylist()
        for a, b in zip(lefts, rights, strict=True):
            if a not in known or b not in known:
                continue
            if uf.union(a, b) is None:
                result.refused_links.append((a, b))
    smallest: dict[str, str] = {}
    for record in ids:
        root = uf.find(record)
        if root not in smallest or record < smallest[root]:
            smallest[root] = record
    result.clusters = {record: smallest[uf.find(record)] for record in ids}
    return result


def clusters_as_groups(clusters: dict[str, str]) -> dict[str, list[str]]:
    """cluster key → sorted member record ids."""
    groups: dict[str, list[str]] = {}
    for record, cluster in clusters.items():
        groups.setdefault(cluster, []).append(record)
    return {key: sorted(members) for key, members in sorted(groups.items())}
