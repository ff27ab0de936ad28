"""The network explorer's content: a window's network through the door, analysed, as data for
a page (names, never ids): offender groups, brokers, the most central, hotspots, shared
vehicles and phones, and the picture's nodes and ties (each node opening its own page)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from joinedup.app.analysis_runs import Stage
from joinedup.app.context import Caller, session
from joinedup.network.analysis import Analysis, analyse
from joinedup.network.graph import Network
from joinedup.network.scope import Window
from joinedup.network.store import load_network

__all__ = ["CATEGORY", "explore_network"]

#: the words a page uses for an entity's category
CATEGORY = {
    "offender": "suspected offender",
    "child_at_risk": "child at risk",
    "person": "other person",
    "vehicle": "vehicle",
    "phone": "phone",
    "place": "place",
}
TOP = 15  # rows of each table
PICTURE = 250  # nodes in the picture at most (the most central first)


def _name(net: Network, entity: str) -> str:
    a = net.assembly
    kind = net.kind_of.get(entity, "person")
    if kind == "person" and (person := a.persons.get(entity)) is not None:
        return " ".join(n for n in (person.forename, person.surname) if n) or "Name not recorded"
    if kind in ("vehicle", "phone") and (thing := a.objects.get(entity)) is not None:
        return thing.key
    if kind == "place" and (place := a.places.get(entity)) is not None:
        return ", ".join(p for p in (place.name or place.address, place.postcode) if p) or "Place"
    return CATEGORY.get(kind, kind)


def _href(net: Network, entity: str) -> str:
    a = net.assembly
    kind = net.kind_of.get(entity, "person")
    if kind == "person":
        return f"/people/{quote(entity, safe='')}"
    if kind in ("vehicle", "phone") and (thing := a.objects.get(entity)) is not None:
        return f"/{kind}s/{quote(thing.key, safe='')}"
    if kind == "place" and (place := a.places.get(entity)) is not None and place.postcode:
        return f"/places/{quote(place.postcode, safe='')}"
    return ""


def _entity(net: Network, entity: str) -> dict[str, str]:
    return {
        "id": entity,
        "name": _name(net, entity),
        "href": _href(net, entity),
        "category": CATEGORY.get(net.category(entity), "other"),
    }


def _groups(net: Network, found: Analysis) -> list[dict[str, Any]]:
    out = []
    for label, members in found.groups.groups().items():
        people = sorted((_entity(net, m) for m in members), key=lambda e: e["name"])
        out.append({"label": label, "size": len(members), "members": people})
    return out


def _brokers(net: Network, found: Analysis) -> list[dict[str, Any]]:
    return [
        {
            **_entity(net, b.id),
            "groups": ", ".join(sorted(b.groups)),
            "participation": round(b.participation, 2),
        }
        for b in found.brokers[:TOP]
    ]


def _central(net: Network, found: Analysis) -> list[dict[str, Any]]:
    ranked = sorted(found.overall_centrality, key=lambda c: c.ranks.get("betweenness", 10**9))
    return [
        {
            **_entity(net, c.id),
            "betweenness": round(c.values.get("betweenness", 0.0), 3),
            "degree": int(c.values.get("degree", 0)),
            "rank": c.ranks.get("betweenness"),
        }
        for c in ranked[:TOP]
    ]


def _hotspots(net: Network, found: Analysis) -> list[dict[str, Any]]:
    return [
        {
            **_entity(net, h.place_id),
            "name": h.label,
            "town": h.town or "",
            "type": h.place_type.replace("_", " "),
            "children": len(h.children),
            "offenders": len(h.offenders),
            "events": h.events,
            "first": h.first.isoformat() if h.first else "",
            "last": h.last.isoformat() if h.last else "",
        }
        for h in found.hotspots[:TOP]
    ]


def _shared(net: Network, found: Analysis) -> list[dict[str, Any]]:
    return [
        {
            **_entity(net, o.id),
            "offenders": len(o.offenders),
            "children": len(o.children),
            "groups": ", ".join(sorted(o.groups)),
            "licensed": (o.licensed or "").replace("_", " "),
        }
        for o in found.shared[:TOP]
    ]


def _picture(net: Network, found: Analysis) -> tuple[list[dict[str, Any]], bool]:
    """Cytoscape.js elements of the CSE network, the most central :data:`PICTURE` nodes."""
    ranks = {c.id: c.ranks.get("betweenness", 10**9) for c in found.overall_centrality}
    chosen = sorted(net.cse_entities(), key=lambda e: (ranks.get(e, 10**9), e))
    kept = set(chosen[:PICTURE])
    nodes = []
    for entity in sorted(kept):
        shown = _entity(net, entity)
        kind = net.kind_of.get(entity, "person")
        group = found.groups.membership.get(entity) or ""
        nodes.append(
            {
                "data": {"id": entity, "label": shown["name"], "href": shown["href"]},
                "classes": f"{kind} {net.category(entity)} {group}".strip(),
            }
        )
    edges = [
        {"data": {"id": f"{a}|{b}", "source": a, "target": b, "weight": tie.weight}}
        for (a, b), tie in sorted(net.ties.items())
        if a in kept and b in kept
    ]
    return nodes + edges, len(chosen) > PICTURE


def explore_network(
    who: Caller, window: Window, stage: Stage
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The network of ``window`` as ``who`` may see it, analysed: (summary of counts, the
    explorer's content). Needs ``profile.write`` (the same analyses as the profile)."""
    stage("reading the records")
    with session(who) as opened:
        opened.require("profile.write")
        net, linked = load_network(opened, window)
    stage("analysing the network")
    found = analyse(net)
    elements, cut = _picture(net, found)
    summary = {
        "children": len(net.classes.children),
        "offenders": len(net.classes.offenders),
        "groups": len(found.groups.groups()),
        "places": len(found.hotspots),
    }
    content = {
        "linked": linked,
        "counts": summary,
        "groups": _groups(net, found),
        "brokers": _brokers(net, found),
        "central": _central(net, found),
        "hotspots": _hotspots(net, found),
        "shared": _shared(net, found),
        "elements": elements,
        "cut": cut,
        "picture_limit": PICTURE,
    }
    return summary, content
