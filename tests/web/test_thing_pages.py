"""The record, vehicle, phone and place pages and their API routes: status, names shown
(never ids as names), the same 404 for out of reach as for missing; the chronology's links,
its event-type filter and its printable view; search results leading to a vehicle's page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.app.conftest import SUMMARY, World, build_world
from tests.web.conftest import Web

NAMES = ("Zara", "Hussain", "Tariq", "Javed")


@pytest.fixture
def world(web: Web, tmp_path: Path) -> World:
    """The web fixture with a police and licensing world imported (tests/app/conftest.py)."""
    return build_world(web, tmp_path)


def _link_texts(html: str) -> list[str]:
    return [t.strip() for t in re.findall(r"<a [^>]*>([^<]*)</a>", html)]


def test_record_page_shows_the_record_verbatim(world: World) -> None:
    web = world.web
    web.sign_in("an.one")
    page = web.client.get(f"/records/{world.records['INC1']}")
    assert page.status_code == 200
    assert SUMMARY.replace("'", "&#39;") in page.text and "events.csv" in page.text
    assert "Vehicle_stop INC1" not in page.text and "Events INC1" in page.text
    person = web.client.get(f"/records/{world.records['N1001']}")
    assert f'href="/people/{world.zara}">Zara Hussain</a>' in person.text


def test_vehicle_page(world: World) -> None:
    web = world.web
    web.sign_in("an.one")
    page = web.client.get("/vehicles/xy12abc")
    assert page.status_code == 200
    text = page.text
    assert "Children seen in it" in text and "Zara Hussain" in text and "Tariq Javed" in text
    assert f'href="/people/{world.zara}"' in text and "Vehicle stop; outcome: NFA" in text
    links = _link_texts(text)
    assert not any(t.startswith("person-") or re.fullmatch(r"[0-9a-f-]{36}", t) for t in links)
    assert "No licence you may see" in text  # no grant to the licensing register


def test_place_and_phone_pages(world: World) -> None:
    web = world.web
    web.sign_in("an.one")
    place = web.client.get("/places/DM1%201AA")
    assert place.status_code == 200 and "Children seen there" in place.text
    assert "Zara Hussain" in place.text and "Ayesha Khan" in place.text
    phone = web.client.get("/phones/+447700900555")
    assert phone.status_code == 200 and "Zara Hussain" in phone.text


def test_out_of_reach_is_the_same_not_found(world: World) -> None:
    web = world.web
    web.sign_in("sw.one")
    for path in (
        "/vehicles/XY12ABC",
        "/phones/07700900555",
        f"/records/{world.records['INC1']}",
        "/vehicles/ZZ99ZZZ",
        "/records/no-such-record",
    ):
        answer = web.client.get(path)
        assert answer.status_code == 404, path
        assert "Page not found" in answer.text
        assert not any(n in answer.text for n in NAMES), path


def test_search_leads_to_the_vehicle(world: World) -> None:
    web = world.web
    web.sign_in("an.one")
    page = web.client.get("/search", params={"q": "XY12 ABC"})
    assert 'href="/vehicles/XY12ABC"' in page.text
    place = web.client.get("/search", params={"q": "dm1 1aa"})
    assert 'href="/places/DM1%201AA"' in place.text


def test_chronology_links_filters_and_prints(world: World) -> None:
    web = world.web
    web.sign_in("an.one")
    aisha = web.persons["aisha"]
    page = web.client.get(f"/people/{aisha}")
    assert page.text.count('href="/records/') >= 3
    only = web.client.get(f"/people/{aisha}", params={"event_type": "missing_episode"})
    assert "2024-05-01" in only.text and "2024-02-02" not in only.text
    assert '<option value="missing_episode" selected>' in only.text
    printable = web.client.get(f"/people/{aisha}/chronology", params={"agency": "Health"})
    assert printable.status_code == 200 and "2024-02-02" in printable.text
    assert "2024-05-01" not in printable.text and "Official – sensitive" in printable.text


def test_api_routes(world: World) -> None:
    web = world.web
    auth = {"Authorization": f"Bearer {web.token('an.one')}"}
    record = web.client.get(f"/api/v1/records/{world.records['INC1']}", headers=auth)
    assert record.status_code == 200
    assert {f["column"]: f["value"] for f in record.json()["fields"]}["summary"] == SUMMARY
    car = web.client.get("/api/v1/vehicles/XY12ABC", headers=auth).json()
    assert [p["name"] for p in car["people"] if p["child"]] == ["Zara Hussain"]
    assert web.client.get("/api/v1/places/DM1 1AA", headers=auth).status_code == 200
    assert web.client.get("/api/v1/phones/07700900555", headers=auth).status_code == 200
    person = web.client.get(f"/api/v1/people/{web.persons['aisha']}", headers=auth).json()
    assert {n["label"] for n in person["neighbourhood"]["nodes"]} >= {"Muhammad Ali"}
    other = {"Authorization": f"Bearer {web.token('sw.one')}"}
    for path in (f"/api/v1/records/{world.records['INC1']}", "/api/v1/vehicles/XY12ABC"):
        answer = web.client.get(path, headers=other)
        assert answer.status_code == 404 and not any(n in answer.text for n in NAMES)
    assert web.client.get("/api/v1/vehicles/XY12ABC").status_code == 401
    spec = web.client.get("/api/v1/openapi.json").json()
    assert {
        "/records/{record_id}",
        "/vehicles/{vrm}",
        "/phones/{number}",
        "/places/{postcode}",
    } <= set(spec["paths"])
    assert {"ThingPage", "RecordPage", "NeighbourhoodItem"} <= set(spec["components"]["schemas"])
