"""Exports of a network: GraphML (Gephi, networkx, igraph) and the entity/link CSV layout that
i2 Analyst's Notebook imports. Both carry the same entities and ties; docs/networks.md
documents every column.

An export is a disclosure: the command line logs it with its recipient and exports only the
entities and ties resting on records the analyst may disclose.

Labels come from what agencies sent, so both writers defend the program that opens the file:
the i2 CSV goes through :func:`joinedup.common.spreadsheet.write_csv` (no cell can run as a
formula) and GraphML text has every character XML 1.0 forbids (C0 controls but tab, LF and
CR; lone surrogates; U+FFFE, U+FFFF) replaced by U+FFFD, so the file always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from joinedup.common.files import open_private
from joinedup.common.spreadsheet import write_csv
from joinedup.network.communities import Communities
from joinedup.network.graph import Network

NODE_FIELDS: dict[str, str] = {
    "label": "string",
    "kind": "string",
    "category": "string",
    "group": "string",
    "cluster": "string",
    "town": "string",
    "place_type": "string",
    "postcode": "string",
    "key": "string",
    "licence_type": "string",
    "date_of_birth": "string",
    "sex": "string",
    "agencies": "string",
    "records": "int",
}
EDGE_FIELDS: dict[str, str] = {
    "kinds": "string",
    "weight": "int",
    "records": "int",
    "first": "string",
    "last": "string",
    "basis": "string",
}
I2_TYPES = {"person": "Person", "vehicle": "Vehicle", "phone": "Telephone", "place": "Location"}
I2_ENTITY_COLUMNS = (
    "Identity",
    "Type",
    "Label",
    "Category",
    "Group",
    "Cluster",
    "Date of Birth",
    "Sex",
    "Town",
    "Postcode",
    "Place Type",
    "Licence",
    "Agencies",
    "Records",
)
I2_LINK_COLUMNS = (
    "Link Identity",
    "End 1 Identity",
    "End 1 Type",
    "End 2 Identity",
    "End 2 Type",
    "Link Type",
    "Label",
    "Strength",
    "Direction",
    "Date First",
    "Date Last",
    "Evidence Count",
    "Source Records",
)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """``value`` as text XML 1.0 allows: each forbidden character becomes U+FFFD."""
    return _NOT_XML.sub("\ufffd", str(value))


@dataclass
class ExportTables:
    """Entities and ties ready to write, plus the source records they rest on."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    records: set[str]


def _label(net: Network, entity: str, kind: str, pseudonymise: bool) -> dict[str, Any]:
    a = net.assembly
    row: dict[str, Any] = {"label": entity}
    if kind == "person" and (person := a.persons.get(entity)) is not None:
        name = " ".join(n for n in (person.forename, person.surname) if n)
        if not pseudonymise:
            row["label"] = name or entity
            row["date_of_birth"] = (
                person.date_of_birth.isoformat() if person.date_of_birth else None
            )
        row["sex"] = person.sex
        row["town"] = net.town_of_person(entity)
        row["agencies"] = ";".join(sorted(person.agencies))
        row["records"] = len(person.records)
    elif kind in ("vehicle", "phone") and (thing := a.objects.get(entity)) is not None:
        row.update(label=thing.key, key=thing.key, licence_type=thing.details.get("licence_type"))
        row["agencies"] = ";".join(sorted({r.agency_kind for r in thing.records}))
        row["records"] = len(thing.records)
    elif kind == "place" and (place := a.places.get(entity)) is not None:
        row["label"] = ", ".join(p for p in (place.name or place.address, place.postcode) if p)
        row.update(town=place.town, place_type=place.place_type, postcode=place.postcode)
        row["agencies"] = ";".join(sorted({r.agency_kind for r in place.records}))
        row["records"] = len(place.records)
    return row


def _own_records(net: Network, entity: str) -> set[str]:
    a = net.assembly
    view = a.persons.get(entity) or a.objects.get(entity) or a.places.get(entity)
    return {r.record_id for r in view.records} if view is not None else set()


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def export_tables(
    net: Network,
    entities: Iterable[str],
    groups: Communities | None = None,
    clusters: Communities | None = None,
    pseudonymise: bool = False,
    disclosable: Callable[[set[str]], set[str]] | None = None,
) -> ExportTables:
    """The rows to export for ``entities``.

    With ``disclosable`` (record ids -> those the analyst may disclose), ties resting on no
    disclosable record are dropped, entities are kept only when a tie remains, and an
    entity none of whose own records may be disclosed is shown by its id alone.
    """
    chosen = set(entities)
    ties = {pair: tie for pair, tie in net.ties.items() if pair[0] in chosen and pair[1] in chosen}
    allowed: set[str] | None = None
    if disclosable is not None:
        wanted = {r for tie in ties.values() for r in tie.records}
        wanted |= {r for entity in chosen for r in _own_records(net, entity)}
        allowed = disclosable(wanted)
        ties = {pair: tie for pair, tie in ties.items() if tie.records & allowed}
        chosen = {x for pair in ties for x in pair}
    nodes: list[dict[str, Any]] = []
    records: set[str] = set()  # every record the file rests on: labels and ties
    for entity in sorted(chosen):
        kind = net.kind_of.get(entity, "person")
        own = _own_records(net, entity)
        shown = own if allowed is None else own & allowed
        hidden = allowed is not None and not shown
        row: dict[str, Any] = {
            "id": entity,
            "kind": kind,
            "category": net.category(entity),
            "label": entity,
        }
        if not hidden:
            row.update(_label(net, entity, kind, pseudonymise))
            records |= shown
        row["group"] = groups.membership.get(entity) if groups else None
        row["cluster"] = clusters.membership.get(entity) if clusters else None
        nodes.append(row)
    edges: list[dict[str, Any]] = []
    for (a, b), tie in sorted(ties.items()):
        cited = tie.records if allowed is None else tie.records & allowed
        records |= cited
        edges.append(
            {
                "source": a,
                "target": b,
                "kinds": ";".join(sorted(tie.kinds)),
                "kind_counts": dict(sorted(tie.kinds.items())),
                "weight": tie.weight,
                "records": len(cited),
                "first": _day(tie.first),
                "last": _day(tie.last),
                "basis": "fact" if tie.bases <= {"fact"} else "assessment",
                "record_ids": sorted(cited),
            }
        )
    return ExportTables(nodes, edges, records)


def write_graphml(tables: ExportTables, path: Path) -> None:
    """Write an undirected GraphML file (typed attributes, one ``<key>`` per column)."""
    root = ET.Element("graphml", xmlns="http://graphml.graphdrawing.org/xmlns")
    for name, kind in NODE_FIELDS.items():
        ET.SubElement(
            root, "key", {"id": f"n_{name}", "for": "node", "attr.name": name, "attr.type": kind}
        )
    for name, kind in EDGE_FIELDS.items():
        ET.SubElement(
            root, "key", {"id": f"e_{name}", "for": "edge", "attr.name": name, "attr.type": kind}
        )
    graph = ET.SubElement(root, "graph", id="joinedup", edgedefault="undirected")
    for node in tables.nodes:
        element = ET.SubElement(graph, "node", id=xml_text(node["id"]))
        for name in NODE_FIELDS:
            if node.get(name) is not None:
                ET.SubElement(element, "data", key=f"n_{name}").text = xml_text(node[name])
    for i, edge in enumerate(tables.edges):
        element = ET.SubElement(
            graph,
            "edge",
            id=f"e{i}",
            source=xml_text(edge["source"]),
            target=xml_text(edge["target"]),
        )
        for name in EDGE_FIELDS:
            if edge.get(name) is not None:
                ET.SubElement(element, "data", key=f"e_{name}").text = xml_text(edge[name])
    ET.indent(root)
    with open_private(path, "wb") as handle:
        ET.ElementTree(root).write(handle, encoding="utf-8", xml_declaration=True)


EVENT_KINDS = ("co_event", "in_event", "at_event")


def _main_kind(counts: dict[str, int]) -> str:
    """A recorded link type if there is one, else the most frequent kind of shared event."""
    recorded = sorted(k for k in counts if k not in EVENT_KINDS)
    if recorded:
        return max(recorded, key=lambda k: counts[k])
    return max(sorted(counts), key=lambda k: counts[k])


def _uk(day: str | None) -> str:
    return date.fromisoformat(day).strftime("%d/%m/%Y") if day else ""


def write_i2(tables: ExportTables, folder: Path) -> tuple[Path, Path]:
    """Write ``entities.csv`` and ``links.csv`` in the documented i2 import layout (every
    cell neutralised against formula injection)."""
    kinds = {node["id"]: node["kind"] for node in tables.nodes}
    entities = write_csv(
        folder / "entities.csv",
        I2_ENTITY_COLUMNS,
        (
            [
                n["id"],
                I2_TYPES.get(n["kind"], "Entity"),
                n.get("label") or n["id"],
                n.get("category") or "",
                n.get("group") or "",
                n.get("cluster") or "",
                _uk(n.get("date_of_birth")),
                n.get("sex") or "",
                n.get("town") or "",
                n.get("postcode") or "",
                n.get("place_type") or "",
                n.get("licence_type") or "",
                n.get("agencies") or "",
                n.get("records") or 0,
            ]
            for n in tables.nodes
        ),
    )
    links = write_csv(
        folder / "links.csv",
        I2_LINK_COLUMNS,
        (
            [
                f"L{i:06d}",
                e["source"],
                I2_TYPES.get(kinds.get(e["source"], ""), "Entity"),
                e["target"],
                I2_TYPES.get(kinds.get(e["target"], ""), "Entity"),
                _main_kind(e["kind_counts"]),
                "; ".join(f"{k} x{n}" if n > 1 else k for k, n in e["kind_counts"].items()),
                "Confirmed" if e["basis"] == "fact" else "Unconfirmed",
                0,
                _uk(e["first"]),
                _uk(e["last"]),
                e["weight"],
                ";".join(e["record_ids"]),
            ]
            for i, e in enumerate(tables.edges, start=1)
        ),
    )
    return entities, links
