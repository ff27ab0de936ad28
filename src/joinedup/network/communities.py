"""Groups of suspected offenders (and clusters of children at risk) found by Leiden.

Two homogeneous networks are projected from the window's network:

- **offender-offender**: two suspected offenders are tied by events they both took part in,
  children at risk they are both connected to (a child tied to *k* offenders adds
  ``1/(k-1)`` to each of their pairs, so a child abused by many does not swamp the rest),
  recorded links between them, vehicles or phones they share and places of concern where
  both were seen; the weights are ``ties`` in ``data/network.yml``.
- **victim-victim**: two children at risk are tied by suspected offenders they share, events
  they were in together and places of concern where both were.

Communities are found with the Leiden algorithm (``leidenalg``, RB configuration model, a fixed
seed, iterated to convergence), so the same data always give the same groups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import igraph as ig
import leidenalg

from joinedup.network.graph import Network

Weights = dict[tuple[str, str], float]


def _add(weights: Weights, a: str, b: str, w: float) -> None:
    if a == b or w <= 0:
        return
    key = (a, b) if a < b else (b, a)
    weights[key] = weights.get(key, 0.0) + w


def _spread(weights: Weights, members: Iterable[str], w: float) -> None:
    """Add ``w / (k - 1)`` to every pair of ``k`` members."""
    group = sorted(set(members))
    if len(group) < 2:
        return
    share = w / (len(group) - 1)
    for i, a in enumerate(group):
        for b in group[i + 1 :]:
            _add(weights, a, b, share)


def places_of_concern(net: Network) -> set[str]:
    """Places of the network that are not homes, schools or care places."""
    excluded = net.config.hotspots.exclude_place_types
    return {
        entity
        for entity, kind in net.kind_of.items()
        if kind == "place"
        and (place := net.assembly.places.get(entity)) is not None
        and place.place_type not in excluded
    }


def _projection(net: Network, members: set[str], via: set[str]) -> Weights:
    """Ties among ``members`` through shared events, links and the ``via`` entities."""
    w = net.config.ties
    weights: Weights = {}
    for (a, b), tie in net.ties.items():
        if a in members and b in members:
            _add(weights, a, b, w.co_event * tie.kinds.get("co_event", 0))
            if any(k not in ("co_event", "in_event", "at_event") for k in tie.kinds):
                _add(weights, a, b, w.direct_link)
    concern = places_of_concern(net)
    for entity in via:
        kind = net.kind_of.get(entity)
        weight = {
            "person": w.shared_victim,
            "vehicle": w.shared_object,
            "phone": w.shared_object,
            "place": w.shared_place if entity in concern else 0.0,
        }.get(kind or "", 0.0)
        if weight:
            _spread(weights, net.neighbours(entity) & members, weight)
    return weights


def offender_ties(net: Network) -> Weights:
    """The offender-offender projection (weights of ties between suspected offenders)."""
    offenders = set(net.classes.offenders)
    via = {n for o in offenders for n in net.neighbours(o)} - offenders
    via = {n for n in via if net.kind_of.get(n) != "person" or n in net.classes.children}
    return _projection(net, offenders, via)


def victim_ties(net: Network) -> Weights:
    """The victim-victim projection (weights of ties between children at risk)."""
    children = set(net.classes.children) - set(net.classes.offenders)
    via = {n for c in children for n in net.neighbours(c)} - children
    via = {
        n
        for n in via
        if (net.kind_of.get(n) == "person" and n in net.classes.offenders)
        or net.kind_of.get(n) in ("vehicle", "phone", "place")
    }
    # a shared offender ties two children as a shared child ties two offenders
    return _projection(net, children, via)


def weighted_graph(members: Iterable[str], weights: Weights) -> ig.Graph:
    """An undirected weighted igraph with vertex attribute ``name``."""
    names = sorted(set(members) | {x for pair in weights for x in pair})
    index = {n: i for i, n in enumerate(names)}
    pairs = sorted(weights)
    graph = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in pairs])
    graph.vs["name"] = names
    graph.es["weight"] = [weights[p] for p in pairs]
    return graph


@dataclass
class Communities:
    """A partition: ``membership`` maps each member to a community label (``C01``...,
    largest first); members in communities smaller than ``min_size`` map to None."""

    membership: dict[str, str | None]
    quality: float

    def groups(self) -> dict[str, list[str]]:
        """``label -> members`` (sorted), largest first."""
        out: dict[str, list[str]] = defaultdict(list)
        for member, label in sorted(self.membership.items()):
            if label is not None:
                out[label].append(member)
        return dict(sorted(out.items()))


def split_at_brokers(graph: ig.Graph, min_part: int) -> list[list[str]]:
    """Split a community that only one member holds together.

    When removing one vertex leaves two or more connected parts of at least ``min_part``
    members each, the community is two groups (or more) tied through a broker: the parts
    become communities, the broker joins the part it is most strongly tied to and pieces
    smaller than ``min_part`` go with it. The most balanced such split is taken, then each
    part is examined again. ``min_part`` 0 never splits.
    """
    names: list[str] = graph.vs["name"]
    if min_part <= 0 or graph.vcount() < 2 * min_part + 1:
        return [names]
    best: tuple[int, int, list[list[int]]] | None = None
    for vertex in graph.articulation_points():
        rest = graph.copy()
        rest.delete_edges(graph.incident(vertex))
        parts = [c for c in rest.connected_components() if vertex not in c]
        sizes = sorted((len(c) for c in parts), reverse=True)
        if len(sizes) < 2 or sizes[1] < min_part:
            continue
        if best is None or sizes[1] > best[0] or (sizes[1] == best[0] and vertex < best[1]):
            best = (sizes[1], vertex, parts)
    if best is None:
        return [names]
    _, broker, parts = best
    big = [list(c) for c in parts if len(c) >= min_part]
    small = [v for c in parts if len(c) < min_part for v in c]
    tied = [0.0] * len(big)
    where = {v: i for i, part in enumerate(big) for v in part}
    for edge in graph.es[graph.incident(broker)]:
        other = edge.target if edge.source == broker else edge.source
        if other in where:
            tied[where[other]] += edge["weight"]
    home = max(range(len(big)), key=lambda i: (tied[i], len(big[i])))
    big[home] += [broker, *small]
    out: list[list[str]] = []
    for part in big:
        out += split_at_brokers(graph.induced_subgraph(sorted(part)), min_part)
    return out


def leiden(
    graph: ig.Graph,
    resolution: float,
    seed: int,
    min_size: int,
    prefix: str = "C",
    split_min_part: int = 0,
) -> Communities:
    """Leiden communities of a weighted graph (each split at brokers, see
    :func:`split_at_brokers`), labelled by decreasing size."""
    if graph.vcount() == 0:
        return Communities({}, 0.0)
    partition = leidenalg.find_partition(
        graph,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight" if graph.ecount() else None,
        resolution_parameter=resolution,
        seed=seed,
        n_iterations=-1,
    )
    clusters: list[list[str]] = []
    for community in partition:
        clusters += split_at_brokers(graph.induced_subgraph(community), split_min_part)
    ordered = sorted(clusters, key=lambda members: (-len(members), min(members)))
    membership: dict[str, str | None] = {}
    width = max(2, len(str(len(ordered))))
    label = 0
    for members in ordered:
        name: str | None = None
        if len(members) >= min_size:
            label += 1
            name = f"{prefix}{label:0{width}d}"
        for member in members:
            membership[member] = name
    return Communities(membership, float(partition.quality()))


def offender_groups(net: Network) -> Communities:
    """Groups of suspected offenders (labels ``G01``...)."""
    c = net.config.communities
    graph = weighted_graph(net.classes.offenders, offender_ties(net))
    return leiden(graph, c.resolution, c.seed, c.min_size, "G", c.split_min_part)


def victim_clusters(net: Network) -> Communities:
    """Clusters of children at risk (labels ``V01``...)."""
    c = net.config.communities
    children = set(net.classes.children) - set(net.classes.offenders)
    graph = weighted_graph(children, victim_ties(net))
    return leiden(graph, c.resolution, c.seed, c.min_size, "V", c.split_min_part)
