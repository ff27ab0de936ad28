"""GraphML round-trips through networkx; the i2 files match the documented layout."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import networkx as nx
import pytest

from joinedup.network.analysis import Analysis, analyse
from joinedup.network.export import (
    I2_ENTITY_COLUMNS,
    I2_LINK_COLUMNS,
    ExportTables,
    export_tables,
    write_graphml,
    write_i2,
)
from joinedup.network.graph import build_network
from tests.network.builder import two_groups

DOCS = Path(__file__).resolve().parents[2] / "docs" / "networks.md"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    b = two_groups()
    b.assembly.persons["a1"].forename = "Amir"
    b.assembly.persons["a1"].surname = "O'Neil & Sons <x>"
    return analyse(build_network(b.done()))


@pytest.fixture(scope="module")
def tables(analysis: Analysis) -> ExportTables:
    net = analysis.net
    return export_tables(net, net.cse_entities(), analysis.groups, analysis.clusters)


def test_graphml_round_trips_through_networkx(tables: ExportTables, tmp_path: Path) -> None:
    path = tmp_path / "net.graphml"
    write_graphml(tables, path)
    graph = nx.read_graphml(path)
    assert not graph.is_directed()
    assert graph.number_of_nodes() == len(tables.nodes)
    assert graph.number_of_edges() == len(tables.edges)
    a1 = graph.nodes["a1"]
    assert a1["label"] == "Amir O'Neil & Sons <x>"
    assert (a1["kind"], a1["category"], a1["group"]) == ("person", "offender", "G01")
    assert a1["records"] == 1 and isinstance(a1["records"], int)
    car = graph.nodes["vehicle:A11ABC"]
    assert (car["kind"], car["licence_type"]) == ("vehicle", "private_hire")
    assert graph.nodes["place:a-flat"]["place_type"] == "flat"
    edge = graph.edges["a1", "a2"]
    assert isinstance(edge["weight"], int) and edge["weight"] >= 1
    assert "co_event" in edge["kinds"].split(";")
    assert edge["basis"] == "fact" and edge["first"] == "2008-03-01"
    for node, expected in ((n["id"], n) for n in tables.nodes):
        assert graph.nodes[node]["category"] == expected["category"]


def test_pseudonymised_exports_carry_no_names_or_birth_dates(analysis: Analysis) -> None:
    net = analysis.net
    rows = export_tables(net, net.cse_entities(), pseudonymise=True).nodes
    a1 = next(n for n in rows if n["id"] == "a1")
    assert a1["label"] == "a1" and "date_of_birth" not in a1


def test_only_disclosable_records_are_exported(analysis: Analysis) -> None:
    net = analysis.net
    child_records = {r for (x, y), tie in net.ties.items() if "ac0" in (x, y) for r in tie.records}
    everything = {r for tie in net.ties.values() for r in tie.records}
    allowed = everything - child_records
    tables = export_tables(net, net.cse_entities(), disclosable=lambda ids: ids & allowed)
    assert "ac0" not in {n["id"] for n in tables.nodes}
    assert tables.records <= allowed
    # entities whose own records may not be disclosed are shown by id only
    hidden = export_tables(net, net.cse_entities(), disclosable=lambda ids: ids & everything)
    assert all(n["label"] == n["id"] for n in hidden.nodes if n["kind"] == "person")


def _documented(heading: str) -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, re.M)


def test_i2_files_match_the_documented_layout(tables: ExportTables, tmp_path: Path) -> None:
    entities, links = write_i2(tables, tmp_path / "i2")
    assert _documented("### i2 `entities.csv`") == list(I2_ENTITY_COLUMNS)
    assert _documented("### i2 `links.csv`") == list(I2_LINK_COLUMNS)
    with entities.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(I2_ENTITY_COLUMNS)
    assert {r["Type"] for r in rows} == {"Person", "Vehicle", "Location"}
    assert len(rows) == len(tables.nodes)
    person = next(r for r in rows if r["Identity"] == "a1")
    assert person["Date of Birth"] == "01/01/1970" and person["Group"] == "G01"
    with links.open(encoding="utf-8-sig", newline="") as handle:
        ties = list(csv.DictReader(handle))
    assert list(ties[0]) == list(I2_LINK_COLUMNS)
    ids = {r["Identity"] for r in rows}
    assert all(t["End 1 Identity"] in ids and t["End 2 Identity"] in ids for t in ties)
    assert {t["Strength"] for t in ties} <= {"Confirmed", "Unconfirmed", "Tentative"}
    controlling = [t for t in ties if t["Link Type"] == "controlling_adult"]
    assert controlling and all(
        re.fullmatch(r"\d\d/\d\d/\d{4}", t["Date First"]) for t in controlling
    )


HOSTILE = {
    "forename": "-2+3+cmd|' /C calc'!A0",
    "surname": '\n=HYPERLINK("http://example.invalid")',
    "town": "+1+cmd|' /C calc'!A0",
    "postcode": "@SUM(A1)",
}


def _hostile_tables() -> ExportTables:
    b = two_groups()
    person = b.assembly.persons["a1"]
    person.forename, person.surname = HOSTILE["forename"], HOSTILE["surname"]
    place = b.assembly.places["place:a-flat"]
    place.name, place.town, place.postcode = "=1+1", HOSTILE["town"], HOSTILE["postcode"]
    net = build_network(b.done())
    return export_tables(net, net.cse_entities())


def test_i2_cells_that_start_like_formulas_are_neutralised(tmp_path: Path) -> None:
    entities, _ = write_i2(_hostile_tables(), tmp_path / "i2")
    with entities.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r", "\n")]
    person = next(r for r in rows if r[0] == "a1")
    assert person[2] == "'" + HOSTILE["forename"] + " " + HOSTILE["surname"]
    place = next(r for r in rows if r[0] == "place:a-flat")
    assert place[8:10] == ["'" + HOSTILE["town"], "'" + HOSTILE["postcode"]]


def test_control_characters_do_not_break_the_graphml(tmp_path: Path) -> None:
    b = two_groups()
    b.assembly.persons["a1"].forename = "Am\x0bir\x01"
    b.assembly.persons["a1"].surname = "O\x00Neil\ufffe"
    net = build_network(b.done())
    path = tmp_path / "net.graphml"
    write_graphml(export_tables(net, net.cse_entities()), path)
    graph = nx.read_graphml(path)  # parses: nothing XML 1.0 forbids was written
    assert graph.nodes["a1"]["label"] == "Am\ufffdir\ufffd O\ufffdNeil\ufffd"
