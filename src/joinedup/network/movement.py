"""Movement between towns: children at risk found or seen away from their home town, and
offender groups active in more than one town (routes along which children are trafficked).

A child's home town is the town of their home postcode's district (the most frequent town of
the places recorded in that district), else of the place they were last recorded as living
at; an event's town is its place's. Events counted are
the events of concern (as for hotspots).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from joinedup.network.communities import Communities
from joinedup.network.graph import Network


@dataclass
class Flow:
    """Children at risk from one town seen in events of concern in another."""

    origin: str
    destination: str
    children: set[str] = field(default_factory=set)
    events: int = 0


@dataclass
class Movement:
    """Flows between towns and the towns in which each offender group was seen."""

    flows: list[Flow]
    group_towns: dict[str, Counter[str]]
    unknown_home: int  # children at risk whose home town is not known

    def multi_town_groups(self) -> dict[str, list[str]]:
        """Groups seen in two or more towns: ``group -> towns`` (most events first)."""
        return {
            g: [t for t, _ in towns.most_common()]
            for g, towns in sorted(self.group_towns.items())
            if len(towns) >= 2
        }


def movement(net: Network, groups: Communities) -> Movement:
    """Flows of children at risk between towns, and the towns of each offender group."""
    flows: dict[tuple[str, str], Flow] = {}
    group_towns: dict[str, Counter[str]] = defaultdict(Counter)
    homes: dict[str, str | None] = {}
    children = set(net.classes.children)
    for event in net.concern:
        place = net.assembly.places.get(event.place_id) if event.place_id else None
        if place is None or not place.town:
            continue
        people = net.people_in(event)
        for person in people:
            label = groups.membership.get(person)
            if label:
                group_towns[label][place.town] += 1
        for child in children.intersection(people):
            if child not in homes:
                homes[child] = net.town_of_person(child)
            home = homes[child]
            if home is None or home == place.town:
                continue
            flow = flows.setdefault((home, place.town), Flow(home, place.town))
            flow.children.add(child)
            flow.events += 1
    unknown = sum(1 for c in children if net.town_of_person(c) is None)
    ordered = sorted(flows.values(), key=lambda f: (-len(f.children), -f.events, f.origin))
    return Movement(ordered, dict(group_towns), unknown)
