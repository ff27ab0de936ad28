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
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

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


def _constrained(
    ids: list[str],
    known: set[str],
    strong: pa.Table,
    decisions: DecisionSet,
    carried_links: Iterable[tuple[str, str]],
) -> Clustering:
    """The exact constrained single linkage of the module docstring, in Python."""
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


def _indices(ids: pa.Array, values: pa.Array | list[str]) -> np.ndarray[Any, Any]:
    found = pc.index_in(pa.array(values, pa.string()), value_set=ids)
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _components(n: int, lefts: np.ndarray[Any, Any], rights: np.ndarray[Any, Any]) -> Any:
    keep = (lefts >= 0) & (rights >= 0)
    lefts, rights = lefts[keep], rights[keep]
    graph = coo_matrix((np.ones(len(lefts), dtype=np.int32), (lefts, rights)), shape=(n, n))
    _, labels = connected_components(graph.tocsr(), directed=False)
    return labels


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

    Connected components (scipy, over all links) give the clusters directly; only the
    components that hold a rejected pair are re-clustered by the exact constrained
    procedure, on their own records and links (links never cross components, so the
    result is the same as running it on everything).
    """
    decisions = decisions or DecisionSet(frozenset(), frozenset())
    carried = list(carried_links)
    ids = list(dict.fromkeys(record_ids))
    known = set(ids)
    for a, b in decisions.decided:
        for record in (a, b):
            if record not in known:
                ids.append(record)
                known.add(record)
    id_array = pa.array(ids, pa.string())
    strong = pairs.filter(pc.greater_equal(pairs["match_probability"], threshold))
    for column in ("record_id_l", "record_id_r"):
        index = strong.schema.get_field_index(column)
        strong = strong.set_column(index, column, pc.cast(strong[column], pa.string()))
    links = [*sorted(decisions.confirmed), *carried]
    lefts = np.concatenate(
        [_indices(id_array, [a for a, _ in links]), _indices(id_array, strong["record_id_l"])]
    )
    rights = np.concatenate(
        [_indices(id_array, [b for _, b in links]), _indices(id_array, strong["record_id_r"])]
    )
    labels = _components(len(ids), lefts, rights)
    order = np.asarray(pc.sort_indices(id_array).to_numpy(), dtype=np.int64)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    first = np.full(int(labels.max()) + 1 if len(ids) else 0, len(ids), dtype=np.int64)
    np.minimum.at(first, labels, rank)
    keys = id_array.take(pa.array(order[first[labels]])).to_pylist()
    result = Clustering(clusters=dict(zip(ids, keys, strict=True)))
    position = {record: i for i, record in enumerate(ids)} if decisions.rejected else {}
    split = {
        int(labels[position[a]])
        for a, b in decisions.rejected
        if labels[position[a]] == labels[position[b]]
    }
    if split:
        inside = set(np.flatnonzero(np.isin(labels, list(split))).tolist())
        subset = [record for i, record in enumerate(ids) if i in inside]
        members = set(subset)
        in_subset = pc.is_in(strong["record_id_l"], value_set=pa.array(subset, pa.string()))
        exact = _constrained(
            subset,
            members,
            strong.filter(in_subset),
            DecisionSet(
                frozenset(p for p in decisions.confirmed if set(p) <= members),
                frozenset(p for p in decisions.rejected if set(p) <= members),
            ),
            [(a, b) for a, b in carried if a in members and b in members],
        )
        result.clusters.update(exact.clusters)
        result.refused_links, result.conflicts = exact.refused_links, exact.conflicts
    return result


def clusters_as_groups(clusters: dict[str, str]) -> dict[str, list[str]]:
    """cluster key → sorted member record ids."""
    groups: dict[str, list[str]] = {}
    for record, cluster in clusters.items():
        groups.setdefault(cluster, []).append(record)
    return {key: sorted(members) for key, members in sorted(groups.items())}
