"""Cluster scored pairs into persons, honouring review decisions.

Method (constrained single linkage, i.e. a maximum spanning forest with cannot-link):

1. Confirmed pairs are joined first (in sorted order).
2. Scored pairs at or above the threshold are joined strongest first (match weight
   descending, then record ids), with union-find.
3. A join is refused when it would put the two records of a rejected pair in one cluster,
   or values that conflict (:mod:`joinedup.linkage.conflicts`: two NHS numbers, two sexes,
   incompatible dates of birth) in one cluster.

Without rejections and conflicts this is exactly connected components at the threshold.
With them, each rejected or conflicting pair ends up separated by cutting the weakest link
on the path that joined it: the link refused is the first (weakest) one that would have
connected the two sides. A confirmed pair that contradicts rejections (A=B and B=C
confirmed, A≠C rejected) cannot all hold; the rejection wins and the confirmed pair is
reported in :attr:`Clustering.conflicts`. Confirmed pairs are joined whatever their values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from joinedup.linkage.conflicts import (
    RecordValues,
    as_record_values,
    groups_conflict,
    self_conflicting,
)
from joinedup.linkage.decisions import DecisionSet

ValuesInput = RecordValues | Mapping[str, Mapping[str, str]] | None
#: ``record_id -> {column: {value}}`` for the records of a re-clustered component
ItemValues = Mapping[str, dict[str, frozenset[str]]]


class _UnionFind:
    def __init__(self, items: Iterable[str], values: ItemValues | None = None) -> None:
        self.parent: dict[str, str] = {item: item for item in items}
        self.size: dict[str, int] = dict.fromkeys(self.parent, 1)
        self.cannot: dict[str, set[str]] = {}
        self.values: dict[str, dict[str, frozenset[str]]] = dict(values or {})
        self.last_refusal = ""

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

    def union(self, a: str, b: str, *, check_values: bool = True) -> bool | None:
        """Join; ``True`` joined, ``False`` already together, ``None`` refused."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return False
        forbidden_a, forbidden_b = self.cannot.get(root_a), self.cannot.get(root_b)
        self.last_refusal = "rejected"
        if forbidden_a and any(self.find(x) == root_b for x in forbidden_a):
            return None
        if forbidden_b and any(self.find(x) == root_a for x in forbidden_b):
            return None
        values_a, values_b = self.values.get(root_a), self.values.get(root_b)
        if check_values and values_a and values_b and groups_conflict(values_a, values_b):
            self.last_refusal = "conflict"
            return None
        if self.size[root_a] < self.size[root_b]:
            root_a, root_b = root_b, root_a
            values_a, values_b = values_b, values_a
        self.parent[root_b] = root_a
        self.size[root_a] += self.size[root_b]
        merged = self.cannot.pop(root_b, None)
        if merged:
            self.cannot.setdefault(root_a, set()).update(merged)
        if values_b:
            combined = dict(values_a or {})
            for column, found in values_b.items():
                combined[column] = combined.get(column, frozenset()) | found
            self.values[root_a] = combined
            self.values.pop(root_b, None)
        return True


@dataclass
class Clustering:
    """Result of clustering: ``record_id -> cluster key`` (the smallest record id in it)."""

    clusters: dict[str, str]
    refused_links: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    #: links refused because they would join conflicting values (not review decisions)
    conflicting_links: list[tuple[str, str]] = field(default_factory=list)
    #: pairs that joined a cluster to its only candidate (see :mod:`.corroboration`)
    attached_links: list[tuple[str, str]] = field(default_factory=list)

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
    values: ItemValues | None = None,
) -> Clustering:
    """The exact constrained single linkage of the module docstring, in Python."""
    uf = _UnionFind(ids, values)
    for a, b in sorted(decisions.rejected):
        uf.forbid(a, b)
    result = Clustering(clusters={})
    for a, b in sorted(decisions.confirmed):
        if uf.union(a, b, check_values=False) is None:
            result.conflicts.append((a, b))
    for a, b in carried_links:
        if uf.union(a, b, check_values=False) is None:
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
                if uf.last_refusal == "conflict":
                    result.conflicting_links.append((a, b))
                else:
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
    values: ValuesInput = None,
) -> Clustering:
    """Cluster records given scored pairs (:data:`joinedup.linkage.predict.PAIR_COLUMNS`).

    ``carried_links`` are joined right after confirmed pairs (used by incremental linking to
    carry forward earlier clusters); they yield to rejections like scored links do.
    ``values`` (:func:`joinedup.linkage.conflicts.record_values`, or
    ``column -> {record_id: value}``) are the values no cluster may hold in conflict.

    Connected components (scipy, over all links) give the clusters directly; only the
    components that hold a rejected pair or conflicting values are re-clustered by the
    exact constrained procedure, on their own records and links (links never cross
    components, so the result is the same as running it on everything).
    """
    decisions = decisions or DecisionSet(frozenset(), frozenset())
    record_values = as_record_values(values)
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
    aligned = record_values.aligned(id_array) if record_values else {}
    if aligned:
        split |= _conflicted_components(labels, aligned)
    if split:
        inside = np.flatnonzero(np.isin(labels, list(split)))
        subset = [ids[i] for i in inside.tolist()]
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
            _item_values(subset, inside, aligned),
        )
        result.clusters.update(exact.clusters)
        result.refused_links, result.conflicts = exact.refused_links, exact.conflicts
        result.conflicting_links = exact.conflicting_links
    return result


def _item_values(
    subset: list[str], positions: np.ndarray[Any, Any], aligned: dict[str, pa.Array]
) -> dict[str, dict[str, frozenset[str]]]:
    out: dict[str, dict[str, frozenset[str]]] = {}
    index = pa.array(positions, pa.int64())
    for column, values in aligned.items():
        for record, value in zip(subset, values.take(index).to_pylist(), strict=True):
            if value is not None:
                out.setdefault(record, {})[column] = frozenset((value,))
    return out


def _conflicted_components(labels: np.ndarray[Any, Any], aligned: dict[str, pa.Array]) -> set[int]:
    """Labels of the components whose records hold conflicting values."""
    found: set[int] = set()
    for column, values in aligned.items():
        table = pa.table({"component": pa.array(labels), "value": values}).filter(
            pc.is_valid(values)
        )
        counted = table.group_by("component").aggregate([("value", "count_distinct")])
        several = counted.filter(pc.greater(counted["value_count_distinct"], 1))["component"]
        if column != "date_of_birth":
            found.update(several.to_pylist())
            continue
        subset = table.filter(pc.is_in(table["component"], value_set=several))
        distinct = subset.group_by("component").aggregate([("value", "distinct")])
        for component, dates in zip(
            distinct["component"].to_pylist(), distinct["value_distinct"].to_pylist(), strict=True
        ):
            if self_conflicting({column: frozenset(dates)}):
                found.add(int(component))
    return found


def clusters_as_groups(clusters: dict[str, str]) -> dict[str, list[str]]:
    """cluster key → sorted member record ids."""
    groups: dict[str, list[str]] = {}
    for record, cluster in clusters.items():
        groups.setdefault(cluster, []).append(record)
    return {key: sorted(members) for key, members in sorted(groups.items())}
