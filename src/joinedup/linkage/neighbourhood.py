"""Candidates from shared context: a name-only record joins the one namesake near it.

A probation associate is recorded with a name alone (often a forename alone) against the
offender it is associated with. Pairwise comparison cannot place it: blocking never pairs a
bare forename, and a full name alone is shared by a few people in a town. Its *context*
narrows the field: the person it names is usually among the people around that offender
(the offender's co-accused, the people of the same police events, those sharing a phone,
vehicle or address with them), a few dozen people rather than a borough.

For each record of a *thin* cluster (no date of birth, no identifier in any of its
records) that appears with other people (:class:`joinedup.linkage.context.RecordContext`
neighbours), this stage walks the graph of clusters (an edge where a record of one
appears with a record of the other, or where they share a phone, vehicle or address held
by at most ``max_df`` clusters) out from the clusters it appears with, and collects the
clusters within reach that are not thin and hold a compatible name:

- the forename agrees (the same canonical name, an ambiguous nickname's alternate, or one
  of three or more letters the start of the other: ``Saj``/``Sajid``);
- the surname agrees (canonical) when the record has one.

The record joins the nearest compatible cluster within ``hops_full_name`` steps (4: a
forename and surname) or ``hops_forename`` steps (2: a forename alone, since a forename is
shared by many more people) when it is the only one at its distance, or, of
several at that distance, the only one tied to the most people a step nearer
(``tie_break``). Otherwise the record is left alone (for review). A rejected decision
between the record and any record of the cluster stops the join.
Siblings and parents have different forenames, so a family is not merged this way.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyarrow as pa

from joinedup.linkage.collective import cluster_context
from joinedup.linkage.context import RecordContext
from joinedup.linkage.decisions import DecisionSet

Name = tuple[str, str, str, str]  # forename key, canonical, alternate; surname canonical


@dataclass(frozen=True)
class NeighbourhoodOptions:
    """How far from its context a name-only record looks for its person (module docstring)."""

    enabled: bool = True
    hops_full_name: int = 4
    hops_forename: int = 2
    max_df: int = 50
    min_prefix: int = 3
    nearest: bool = True
    tie_break: bool = True


@dataclass
class NeighbourhoodIndex:
    """What the stage needs of the prepared records, read once per run."""

    names: dict[str, Name]
    thin: set[str]
    context: RecordContext
    options: NeighbourhoodOptions = field(default_factory=NeighbourhoodOptions)

    @classmethod
    def build(
        cls,
        prepared: pa.Table,
        thin: set[str],
        context: RecordContext,
        options: NeighbourhoodOptions,
    ) -> NeighbourhoodIndex:
        """Names of every record (keys and canonical forms)."""
        columns = ["forename_key", "forename_canon", "forename_alt", "surname_canon"]
        present = [c for c in columns if c in prepared.column_names]
        rows = prepared.select(["record_id", *present]).to_pylist()
        names = {row["record_id"]: tuple(str(row.get(c) or "") for c in columns) for row in rows}
        return cls(names, thin, context, options)  # type: ignore[arg-type]


def forenames_agree(a: Name, b: Name, min_prefix: int = 3) -> bool:
    """Same canonical forename (alternates included) or one a prefix of the other."""
    own = {a[1], a[2]} - {""}
    other = {b[1], b[2]} - {""}
    if own & other:
        return True
    short, long_ = sorted((a[0], b[0]), key=len)
    return len(short) >= min_prefix and long_.startswith(short)


def compatible(record: Name, other: Name, min_prefix: int = 3) -> bool:
    """The forenames agree and, when ``record`` has a surname, the surnames agree."""
    if not forenames_agree(record, other, min_prefix):
        return False
    return not record[3] or record[3] == other[3]


def cluster_graph(
    clusters: Mapping[str, str], context: RecordContext, max_df: int
) -> dict[str, set[str]]:
    """Clusters joined where records appear together or share a rare value."""
    ctx = cluster_context(clusters, context, max_df)
    graph: dict[str, set[str]] = {}
    holders: dict[str, set[str]] = {}
    for cluster, tokens in ctx.by_cluster.items():
        for token in tokens:
            if token.startswith("nb:"):
                graph.setdefault(cluster, set()).add(token[3:])
                graph.setdefault(token[3:], set()).add(cluster)
            else:
                holders.setdefault(token, set()).add(cluster)
    for held in holders.values():
        if 1 < len(held) <= max_df:
            for cluster in held:
                graph.setdefault(cluster, set()).update(held - {cluster})
    return graph


def within(graph: Mapping[str, set[str]], start: set[str], hops: int) -> dict[str, int]:
    """Clusters reachable from ``start`` in at most ``hops`` steps, with their distance."""
    seen = dict.fromkeys(start, 0)
    queue = deque(start)
    while queue:
        cluster = queue.popleft()
        if seen[cluster] >= hops:
            continue
        for other in graph.get(cluster, ()):
            if other not in seen:
                seen[other] = seen[cluster] + 1
                queue.append(other)
    return seen


def propose(
    clusters: Mapping[str, str], index: NeighbourhoodIndex, decisions: DecisionSet | None = None
) -> list[tuple[str, str]]:
    """Pairs (name-only record, record of its only compatible cluster nearby) to join."""
    options = index.options
    members: dict[str, list[str]] = {}
    for record, cluster in clusters.items():
        members.setdefault(cluster, []).append(record)
    thin_cluster = {c: all(r in index.thin for r in rs) for c, rs in members.items()}
    graph = cluster_graph(clusters, index.context, options.max_df)
    rejected = decisions.rejected if decisions is not None else frozenset()
    targets: dict[str, dict[str, tuple[str, str]]] = {}
    for record in sorted(index.context.neighbours):
        own = clusters.get(record, record)
        name = index.names.get(record)
        if name is None or not name[0] or not thin_cluster.get(own, True):
            continue
        anchors = {clusters.get(o, o) for o in index.context.neighbours[record]} - {own}
        hops = options.hops_full_name if name[3] else options.hops_forename
        found: dict[str, str] = {}
        reach = within(graph, anchors, hops)
        for cluster, _ in sorted(reach.items(), key=lambda item: item[1]):
            if found and options.nearest and reach[cluster] > reach[next(iter(found))]:
                break
            if cluster in anchors or cluster == own or thin_cluster.get(cluster, True):
                continue
            for other in members.get(cluster, ()):
                if compatible(name, index.names[other], options.min_prefix):
                    found[cluster] = other
                    break
        if len(found) > 1 and options.tie_break:
            found = _best_supported(found, reach, graph)
        if len(found) != 1:
            continue
        ((cluster, other),) = found.items()
        if any(_pair(record, m) in rejected for m in members[cluster]):
            continue
        targets.setdefault(own, {})[cluster] = (record, other)
    # a thin cluster whose records point to two different persons joins neither
    return [_pair(*p) for t in targets.values() if len(t) == 1 for p in t.values()]


def _best_supported(
    found: dict[str, str], reach: Mapping[str, int], graph: Mapping[str, set[str]]
) -> dict[str, str]:
    """Of namesakes at one distance, the one tied to the most people a step nearer."""
    support = {
        c: sum(1 for n in graph.get(c, ()) if reach.get(n, -9) == reach[c] - 1) for c in found
    }
    top = max(support.values())
    best = [c for c, v in support.items() if v == top]
    return {best[0]: found[best[0]]} if len(best) == 1 else found


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def attach_in_neighbourhood(
    clusters: dict[str, str], index: NeighbourhoodIndex, decisions: DecisionSet | None = None
) -> list[tuple[str, str]]:
    """Join what :func:`propose` finds, in place (cluster keys stay the smallest record id);
    returns the joining pairs."""
    if not index.options.enabled or not index.context.neighbours:
        return []
    pairs = propose(clusters, index, decisions)
    if not pairs:
        return []
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for a, b in pairs:
        ka, kb = find(clusters.get(a, a)), find(clusters.get(b, b))
        if ka != kb:
            parent[max(ka, kb)] = min(ka, kb)
    for record, key in clusters.items():
        clusters[record] = find(key)
    return pairs
