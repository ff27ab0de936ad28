"""Authorisation matrix: every page and API route, for every role and signed out: the
expected status, and no personal data of the children in any answer the role may not see."""

from __future__ import annotations

import pytest

from joinedup.model.records import SourceRecord
from tests.web.conftest import USERS, Web

NAMES = ("Aisha", "Ayesha", "Muhammad")


def _pages(web: Web) -> dict[str, str]:
    return {
        "my work": "/",
        "search": "/search?q=Khan",
        "person aisha": f"/people/{web.persons['aisha']}",
        "person mo": f"/people/{web.persons['mo']}",
        "who looked": f"/audit?person={web.persons['aisha']}",
        "record aisha": f"/records/{_record(web, 'N0001')}",
        "vehicle mo": "/vehicles/AB12CDE",
        "phone": "/phones/+447700900123",
        "place aisha": "/places/S60%201AB",
        "chronology aisha": f"/people/{web.persons['aisha']}/chronology",
    }


def _record(web: Web, key: str) -> str:
    """The id of the seeded source record with agency key ``key``."""
    with web.store.door.session("joinedup-service", "analysis") as s:
        return next(r.id for r in s.list(SourceRecord, where={"agency_key": key}))


# the pages of one person's or thing's records, and their API routes
THINGS = ("record aisha", "vehicle mo", "phone", "place aisha", "chronology aisha")


# what each role may see of the two children (analyst: police + grants to the others)
SEES = {
    "an.one": {"person aisha": 200, "person mo": 200} | dict.fromkeys(THINGS, 200),
    "sw.one": {"person aisha": 200, "person mo": 404}
    | dict.fromkeys(THINGS, 404)
    | {"chronology aisha": 200},  # social care's own record of her; the rest is police's
    "dpo.one": {"person aisha": 404, "person mo": 404} | dict.fromkeys(THINGS, 404),
    "ref.one": {"person aisha": 404, "person mo": 404} | dict.fromkeys(THINGS, 404),
}


def test_signed_out_sees_nothing(web: Web) -> None:
    for name, path in _pages(web).items():
        answer = web.client.get(path, follow_redirects=False)
        assert answer.status_code == 303, name
        assert answer.headers["location"].startswith("/sign-in")
    for path in (
        "/api/v1/people?q=Khan",
        f"/api/v1/people/{web.persons['aisha']}",
        *(f"/api/v1{p}" for n, p in _pages(web).items() if n in THINGS[:4]),
    ):
        answer = web.client.get(path)
        assert answer.status_code == 401 and not any(n in answer.text for n in NAMES)


@pytest.mark.parametrize("username", sorted(USERS))
def test_each_role_sees_only_its_reach(web: Web, username: str) -> None:
    web.sign_in(username)
    pages = _pages(web)
    for name, expected in SEES[username].items():
        answer = web.client.get(pages[name])
        assert answer.status_code == expected, (username, name)
        if expected == 404:
            assert not any(n in answer.text for n in NAMES), (username, name)
    found = web.client.get(pages["search"])
    assert found.status_code == 200
    if "person aisha" not in {k for k, v in SEES[username].items() if v == 200}:
        assert not any(n in found.text for n in NAMES), username
    assert web.client.get(pages["my work"]).status_code == 200
    audit = web.client.get(pages["who looked"])
    if username == "dpo.one":
        assert audit.status_code == 200
    else:  # only auditors may read the audit trail: the same page as not found
        assert audit.status_code == 404, username


@pytest.mark.parametrize("username", sorted(USERS))
def test_each_role_through_the_api(web: Web, username: str) -> None:
    auth = {"Authorization": f"Bearer {web.token(username)}"}
    for name, expected in SEES[username].items():
        if not name.startswith("person "):
            continue
        person = web.persons[name.split()[1]]
        answer = web.client.get(f"/api/v1/people/{person}", headers=auth)
        assert answer.status_code == expected, (username, name)
    for name, path in _pages(web).items():
        if name in THINGS[:4]:  # the API's record, vehicle, phone and place
            answer = web.client.get(f"/api/v1{path}", headers=auth)
            assert answer.status_code == SEES[username][name], (username, name)
            if answer.status_code == 404:
                assert not any(n in answer.text for n in NAMES), (username, name)
    found = web.client.get("/api/v1/people?q=Khan", headers=auth).json()["results"]
    assert bool(found) == (SEES[username]["person aisha"] == 200), username
