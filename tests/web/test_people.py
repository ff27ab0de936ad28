"""The person-centred use cases (app.people) and their pages: tolerant search, the person
page with names and the chronology in time order, and scope (out of reach = not found)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.app import people
from joinedup.app.context import Caller
from joinedup.app.errors import NotFound
from tests.web.conftest import Web


def _who(username: str, purpose: str) -> Caller:
    return Caller(username, purpose, "test")


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("2010-03-04", "date_of_birth", "2010-03-04"),
        ("04/03/2010", "date_of_birth", "2010-03-04"),
        ("ab12 cde", "vrm", "AB12CDE"),
        ("07700 900123", "phone", "+447700900123"),
        ("N0001", "reference", "N0001"),
        ("Aisha Khan", "name", "Aisha Khan"),
    ],
)
def test_classify(text: str, kind: str, value: str) -> None:
    assert people.classify(text) == (kind, value)


@given(st.text(alphabet=st.characters(categories=["L", "Zs"]), max_size=40))
def test_text_without_digits_is_a_name_search(text: str) -> None:
    assert people.classify(text)[0] in {"name", "vrm"}


def test_search_is_tolerant_of_spelling(web: Web) -> None:
    analyst = _who("an.one", "analysis")
    for q in ("Ayesha Khan", "aisha khan", "AISHA"):
        found = people.search(analyst, q, rt=web.rt)
        assert [f.id for f in found] == [web.persons["aisha"]], q
    assert people.search(analyst, "Mohammed Ali", rt=web.rt)[0].id == web.persons["mo"]
    hit = people.search(analyst, "Ayesha Khan", rt=web.rt)[0]
    assert hit.agencies == ["Health", "Police", "Social care"]
    assert {"forename": "Ayesha", "surname": "Khan"} in hit.names
    assert hit.dates_of_birth == ["2010-03-04"]


def test_search_by_date_reference_vrm_and_phone(web: Web) -> None:
    analyst = _who("an.one", "analysis")
    for q, person in (
        ("04/03/2010", "aisha"),
        ("CHID42", "aisha"),
        ("943 476 5919", "aisha"),
        ("AB12 CDE", "mo"),
    ):
        assert [f.id for f in people.search(analyst, q, rt=web.rt)] == [web.persons[person]], q
    by_phone = people.search(analyst, "07700 900123", rt=web.rt)  # Ali, then Khan
    assert [f.id for f in by_phone] == [web.persons["mo"], web.persons["aisha"]]
    assert people.search(analyst, "Nobody Atall", rt=web.rt) == []


def test_search_shows_only_what_the_caller_may_see(web: Web) -> None:
    social_worker = _who("sw.one", "safeguarding")
    found = people.search(social_worker, "Aisha Khan", rt=web.rt)
    assert [f.agencies for f in found] == [["Social care"]]
    assert people.search(social_worker, "Muhammad Ali", rt=web.rt) == []


def test_person_chronology_in_time_order_across_agencies(web: Web) -> None:
    seen = people.person(_who("an.one", "analysis"), web.persons["aisha"], rt=web.rt)
    assert seen.name.startswith("Aisha Khan") and "2010-03-04" in seen.name
    dates = [e.date for e in seen.chronology]
    assert dates == sorted(dates) and len(dates) == 3
    assert [e.agency for e in seen.chronology] == ["Social care", "Health", "Police"]
    assert sorted(seen.agencies) == ["Health", "Police", "Social care"]
    assert {f.agency for f in seen.names} == {"Health", "Police", "Social care"}


def test_network_one_step_through_a_shared_phone(web: Web) -> None:
    seen = people.person(_who("an.one", "analysis"), web.persons["aisha"], rt=web.rt)
    assert [(c.via, c.value, c.name, c.person_id) for c in seen.network] == [
        ("phone", "+447700900123", "Muhammad Ali", web.persons["mo"])
    ]
    # the social worker sees neither the shared phone (a Health record) nor Muhammad Ali
    hidden = people.person(_who("sw.one", "safeguarding"), web.persons["aisha"], rt=web.rt)
    assert hidden.network == []


def test_network_picture_within_two_steps_names_people(web: Web) -> None:
    from joinedup.web.work_pages import network_elements

    seen = people.person(_who("an.one", "analysis"), web.persons["aisha"], rt=web.rt)
    elements = network_elements(seen)
    nodes = {e["data"]["label"]: e["data"] for e in elements if "label" in e["data"]}
    # her phone and address (step 1), Muhammad Ali who shares the phone (step 1), and his
    # vehicle (step 2); names, numbers and postcodes as labels, never ids
    assert set(nodes) == {seen.name, "Muhammad Ali", "+447700900123", "S60 1AB", "AB12CDE"}
    assert {n["kind"] for n in nodes.values()} == {"subject", "person", "phone", "place", "vehicle"}
    steps = {n.label: n.step for n in seen.neighbourhood.nodes}
    assert steps == {
        seen.name: 0,
        "Muhammad Ali": 1,
        "+447700900123": 1,
        "S60 1AB": 1,
        "AB12CDE": 2,
    }
    assert nodes["AB12CDE"]["href"] == "/vehicles/AB12CDE"
    assert nodes["S60 1AB"]["href"] == "/places/S60%201AB"
    edges = {(e["data"]["source"], e["data"]["target"]) for e in elements if "source" in e["data"]}
    aisha, mo, phone = web.persons["aisha"], web.persons["mo"], "phone:+447700900123"
    assert {(aisha, phone), (mo, phone), (mo, "vehicle:AB12CDE"), (aisha, "place:S60 1AB")} == edges
    assert not seen.neighbourhood.cut


def test_network_is_bounded(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    from joinedup.app import neighbourhood

    seen = people.person(_who("an.one", "analysis"), web.persons["aisha"], rt=web.rt)
    assert len(seen.neighbourhood.nodes) == 5
    monkeypatch.setattr(neighbourhood, "MAX_NODES", 3)
    small = people.person(_who("an.one", "analysis"), web.persons["aisha"], rt=web.rt)
    assert len(small.neighbourhood.nodes) == 3 and small.neighbourhood.cut


def test_network_within_reach(web: Web) -> None:
    # the social worker sees none of the police or health records that tie Aisha to others
    seen = people.person(_who("sw.one", "safeguarding"), web.persons["aisha"], rt=web.rt)
    assert [n.label for n in seen.neighbourhood.nodes] == [seen.name]


def test_out_of_reach_is_not_found(web: Web) -> None:
    social_worker = _who("sw.one", "safeguarding")
    with pytest.raises(NotFound):
        people.person(social_worker, web.persons["mo"], rt=web.rt)
    with pytest.raises(NotFound):
        people.person(social_worker, "no-such-person", rt=web.rt)


def test_person_page_shows_names_and_chronology(web: Web) -> None:
    web.sign_in("an.one")
    page = web.client.get(f"/people/{web.persons['aisha']}")
    assert page.status_code == 200
    text = page.text
    assert "Aisha Khan (born 2010-03-04)" in text and "Ayesha Khan" in text
    positions = [text.index(d) for d in ("2023-01-10", "2024-02-02", "2024-05-01")]
    assert positions == sorted(positions)
    only = web.client.get(f"/people/{web.persons['aisha']}?agency=Health")
    assert "2024-02-02" in only.text and "2024-05-01" not in only.text


def test_a_social_worker_cannot_see_another_agencys_person(web: Web) -> None:
    web.sign_in("sw.one")
    other = web.client.get(f"/people/{web.persons['mo']}")
    unknown = web.client.get("/people/no-such-person")
    assert other.status_code == unknown.status_code == 404
    assert other.text == unknown.text
    assert "Muhammad" not in other.text


def test_search_page(web: Web) -> None:
    web.sign_in("an.one")
    page = web.client.get("/search", params={"q": "Ayesha Khan"})
    assert page.status_code == 200
    assert "1 person found" in page.text
    assert f'href="/people/{web.persons["aisha"]}"' in page.text
    assert "Health, Police, Social care" in page.text
    person = web.client.get(f"/people/{web.persons['aisha']}")
    assert "Network within two steps" in person.text and "Muhammad Ali" in person.text


def test_my_work_and_who_looked(web: Web) -> None:
    web.sign_in("an.one")
    web.client.get(f"/people/{web.persons['aisha']}")
    web.client.post("/sign-out", data={"csrf_token": web.csrf("/")})
    web.sign_in("dpo.one")
    assert "No open flags" in web.client.get("/").text
    page = web.client.get("/audit", params={"person": web.persons["aisha"]})
    assert page.status_code == 200
    assert "an.one" in page.text and "analysis" in page.text
    assert "web, session" in page.text


def test_records_added_later_are_found_once_the_index_is_rebuilt(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from joinedup.app import people_index
    from joinedup.model.linkage import LinkageRun, PersonLink
    from joinedup.model.records import SourceRecord

    analyst = _who("an.one", "analysis")
    assert people.search(analyst, "Zofia Nowak", rt=web.rt) == []
    monkeypatch.setattr(people_index, "CHECK_EVERY", 0.0)
    with web.store.door.session("joinedup-service", "data_ingest") as s:
        run = s.add(LinkageRun(agency_id=s.actor.agency_id, backend="test"))
        police = web.store.agencies["Police"]
        record = s.add(
            SourceRecord(
                agency_id=police,
                record_type="person",
                agency_key="N0003",
                payload={},
                normalised={"forename": "Zofia", "surname": "Nowak"},
            )
        )
        s.add(PersonLink(agency_id=police, record_id=record.id, person_id="p-zofia", run_id=run.id))
    found: list[people.Found] = []
    for _ in range(100):  # the old index answers while the new one is built
        found = people.search(analyst, "Zofia Nowak", rt=web.rt)
        if found:
            break
        time.sleep(0.1)
    assert [f.id for f in found] == ["p-zofia"]


def test_equal_names_come_in_a_stable_order_and_the_limit_keeps_the_first(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from joinedup.app import people_index
    from joinedup.model.linkage import LinkageRun, PersonLink
    from joinedup.model.records import SourceRecord

    monkeypatch.setattr(people_index, "CHECK_EVERY", 0.0)
    namesakes = {  # person id: (as written, born); the ids out of the order wanted
        "p-1": ("Zofia", "Nowak", "2012-01-01"),
        "p-2": ("Zofia", "Nowak", "2010-01-01"),
        "p-3": ("ZOFIA", "NOWAK", "2011-01-01"),
        "p-4": ("Zofia", "Nowak", "2009-01-01"),
        "p-0": ("Zofia", "Nowak", "2009-01-01"),
    }
    with web.store.door.session("joinedup-service", "data_ingest") as s:
        run = s.add(LinkageRun(agency_id=s.actor.agency_id, backend="test"))
        police = web.store.agencies["Police"]
        for person_id, (forename, surname, born) in namesakes.items():
            record = s.add(
                SourceRecord(
                    agency_id=police,
                    record_type="person",
                    agency_key=f"N9{person_id[-1]}",
                    payload={},
                    normalised={"forename": forename, "surname": surname, "date_of_birth": born},
                )
            )
            s.add(
                PersonLink(
                    agency_id=police, record_id=record.id, person_id=person_id, run_id=run.id
                )
            )
    analyst = _who("an.one", "analysis")
    wanted = ["p-3", "p-0", "p-4", "p-2", "p-1"]  # as written (capitals first), born, id
    found: list[people.Found] = []
    for _ in range(100):  # the index is rebuilt in the background
        found = people.search(analyst, "Zofia Nowak", rt=web.rt)
        if len(found) == len(namesakes):
            break
        time.sleep(0.1)
    assert [f.id for f in found] == wanted
    for _ in range(3):
        assert [f.id for f in people.search(analyst, "zofia nowak", rt=web.rt)] == wanted
    assert [f.id for f in people.search(analyst, "Zofia Nowak", rt=web.rt, limit=2)] == wanted[:2]
