"""Every analysis of a window's network, run once: groups, clusters, centrality, brokers,
hotspots, shared vehicles and phones, movement between towns."""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.network import centrality as c
from joinedup.network.communities import (
    Communities,
    offender_groups,
    offender_ties,
    victim_clusters,
    victim_ties,
)
from joinedup.network.graph import Network
from joinedup.network.hotspots import Hotspot, rank_places
from joinedup.network.movement import Movement, movement
from joinedup.network.shared import SharedObject, shared_objects


@dataclass
class Analysis:
    """The results of :func:`analyse`."""

    net: Network
    groups: Communities
    clusters: Communities
    offender_centrality: list[c.Centrality]
    victim_centrality: list[c.Centrality]
    overall_centrality: list[c.Centrality]
    brokers: list[c.Broker]
    hotspots: list[Hotspot]
    care_places: list[Hotspot]
    shared: list[SharedObject]
    movement: Movement


def analyse(net: Network) -> Analysis:
    """Run every analysis on ``net``."""
    groups = offender_groups(net)
    children = set(net.classes.children) - set(net.classes.offenders)
    return Analysis(
        net=net,
        groups=groups,
        clusters=victim_clusters(net),
        offender_centrality=c.homogeneous(
            set(net.classes.offenders), offender_ties(net), "offender"
        ),
        victim_centrality=c.homogeneous(children, victim_ties(net), "child_at_risk"),
        overall_centrality=c.overall(net),
        brokers=c.brokers(net, groups),
        hotspots=rank_places(net, groups),
        care_places=rank_places(net, groups, care_places=True),
        shared=shared_objects(net, groups),
        movement=movement(net, groups),
    )
