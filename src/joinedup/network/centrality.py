"""Centrality in the homogeneous networks and overall, and brokers between groups.

One measure alone misleads (Cockbain, Brayley and Laycock 2011): the person with the most
contacts is not always the one through whom the network holds together. Every table gives
four measures side by side, each with its rank:

- **degree**: how many others a person is tied to;
- **strength**: the summed weight of those ties (how much evidence ties them);
- **betweenness**: how often they lie on the shortest paths between others (ties of weight
  *w* count as distance 1/*w*), normalised to 0-1;
- **eigenvector**: how far they are tied to others who are themselves central (0-1, within
  each connected part, scaled by that part's share of the network).

A **broker** is an entity tied to suspected offenders of two or more groups: a member who
bridges two groups, a child at risk shared between them, or a vehicle, phone or place they
both use. Its participation coefficient ``1 - sum((s_g / s)^2)`` over the groups it reaches
is 0 for ties into one group only and approaches 1 when they are spread evenly.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field

import igraph as ig

from joinedup.network.communities import Communities, Weights, weighted_graph
from joinedup.network.graph import Network

MEASURES = ("degree", "strength", "betweenness", "eigenvector")


@dataclass
class Centrality:
    """One entity's measures and ranks (1 = most central) within one network."""

    id: str
    category: str
    values: dict[str, float]
    ranks: dict[str, int]


def _ranks(values: list[float]) -> list[int]:
    """Competition ranks, highest value first (ties share the better rank)."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0] * len(values)
    previous: float | None = None
    rank = 0
    for position, i in enumerate(order, start=1):
        if previous is None or values[i] != previous:
            rank, previous = position, values[i]
        ranks[i] = rank
    return ranks


def centralities(graph: ig.Graph, categories: dict[str, str] | None = None) -> list[Centrality]:
    """The four measures for every vertex of a weighted graph (``name``, ``weight``)."""
    n = graph.vcount()
    if n == 0:
        return []
    weights = graph.es["weight"] if graph.ecount() else None
    distances = [1.0 / w for w in weights] if weights else None
    degree = [float(d) for d in graph.degree()]
    strength = [float(s) for s in graph.strength(weights=weights)]
    between = graph.betweenness(weights=distances, directed=False)
    pairs = (n - 1) * (n - 2) / 2
    between = [b / pairs if pairs > 0 else 0.0 for b in between]
    eigen = [0.0] * n
    for component in graph.connected_components():
        if len(component) < 2:
            continue
        sub = graph.induced_subgraph(component)
        with warnings.catch_warnings():  # "nearly zero" scores of weakly tied members
            warnings.simplefilter("ignore", RuntimeWarning)
            scores = sub.eigenvector_centrality(
                scale=True, weights=sub.es["weight"] if weights else None
            )
        share = len(component) / n
        for vertex, score in zip(component, scores, strict=True):
            eigen[vertex] = float(score) * share
    columns = {
        "degree": degree,
        "strength": strength,
        "betweenness": between,
        "eigenvector": eigen,
    }
    ranks = {name: _ranks(values) for name, values in columns.items()}
    names = graph.vs["name"]
    return [
        Centrality(
            names[i],
            (categories or {}).get(names[i], ""),
            {m: round(columns[m][i], 6) for m in MEASURES},
            {m: ranks[m][i] for m in MEASURES},
        )
        for i in range(n)
    ]


def top(rows: list[Centrality], k: int = 10) -> list[Centrality]:
    """The entities in the top ``k`` of any measure, ordered by their best rank."""
    chosen = [r for r in rows if min(r.ranks.values()) <= k]
    return sorted(chosen, key=lambda r: (min(r.ranks.values()), sorted(r.ranks.values()), r.id))


def homogeneous(members: set[str], weights: Weights, category: str) -> list[Centrality]:
    """Centrality within a projected network of one category (offenders or children)."""
    graph = weighted_graph(members, weights)
    return centralities(graph, dict.fromkeys(graph.vs["name"], category))


def overall(net: Network) -> list[Centrality]:
    """Centrality in the CSE network (persons, vehicles, phones and places together), less
    homes, schools and care places, which tie everyone who lives or learns there."""
    excluded = net.config.hotspots.exclude_place_types
    places = net.assembly.places
    entities = {
        e
        for e in net.cse_entities()
        if net.kind_of.get(e) != "place" or (e in places and places[e].place_type not in excluded)
    }
    graph = net.igraph(entities)
    categories = dict(zip(graph.vs["name"], graph.vs["category"], strict=True))
    return centralities(graph, categories)


@dataclass
class Broker:
    """An entity tied to suspected offenders of two or more groups."""

    id: str
    category: str
    groups: dict[str, float] = field(default_factory=dict)  # group -> summed tie weight
    own_group: str | None = None

    @property
    def participation(self) -> float:
        """``1 - sum((s_g / s)^2)`` over the groups reached."""
        total = sum(self.groups.values())
        if total <= 0:
            return 0.0
        return 1.0 - sum((s / total) ** 2 for s in self.groups.values())


def brokers(net: Network, groups: Communities) -> list[Broker]:
    """Entities of the CSE network tied to offenders of at least two groups, most even first.

    An offender's own group counts among the groups it reaches (its ties to its own members).
    """
    found: list[Broker] = []
    for entity in sorted(net.cse_entities()):
        reach: Counter[str] = Counter()
        for other in net.neighbours(entity, "person"):
            label = groups.membership.get(other)
            tie = net.tie(entity, other)
            if label is not None and tie is not None:
                reach[label] += tie.weight
        own = groups.membership.get(entity)
        reached = {g for g, s in reach.items() if s > 0} | ({own} if own else set())
        if len(reached) >= 2:
            found.append(
                Broker(entity, net.category(entity), {g: reach[g] for g in sorted(reached)}, own)
            )
    return sorted(found, key=lambda b: (-len(b.groups), -b.participation, b.id))
