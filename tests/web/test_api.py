"""The JSON API: tokens, search, a person, flags; the OpenAPI document."""

from __future__ import annotations

from tests.access.conftest import PASSWORD
from tests.web.conftest import Web


def test_token_sign_in_and_refusal(web: Web) -> None:
    refused = web.client.post(
        "/api/v1/tokens", json={"username": "an.one", "password": "nope", "code": "000000"}
    )
    assert refused.status_code == 401 and "token" not in refused.json()
    token = web.token("an.one")
    assert len(token) > 20


def test_signed_out_is_401(web: Web) -> None:
    for path in ("/api/v1/people?q=Khan", "/api/v1/people/x", "/api/v1/flags"):
        answer = web.client.get(path)
        assert answer.status_code == 401, path
        assert answer.headers["www-authenticate"] == "Bearer"
    bad = web.client.get("/api/v1/flags", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


def test_search_and_person_with_a_token(web: Web) -> None:
    auth = {"Authorization": f"Bearer {web.token('an.one')}"}
    found = web.client.get("/api/v1/people", params={"q": "Ayesha Khan"}, headers=auth).json()
    assert [r["id"] for r in found["results"]] == [web.persons["aisha"]]
    result = found["results"][0]
    assert result["dates_of_birth"] == ["2010-03-04"]
    assert result["agencies"] == ["Health", "Police", "Social care"]
    same = web.client.get("/api/v1/search", params={"q": "Aisha Khan"}, headers=auth).json()
    assert same["results"][0]["id"] == web.persons["aisha"]
    page = web.client.get(f"/api/v1/people/{web.persons['aisha']}", headers=auth).json()
    chronology = page["chronology"]
    assert [e["date"] for e in chronology] == sorted(e["date"] for e in chronology)
    assert set(chronology[0]) == {"date", "agency", "event_type", "summary", "record_id"}
    flags = web.client.get("/api/v1/flags", headers=auth)
    assert flags.status_code == 200 and flags.json() == {"results": []}


def test_out_of_reach_and_missing_are_404_alike(web: Web) -> None:
    auth = {"Authorization": f"Bearer {web.token('sw.one')}"}
    other = web.client.get(f"/api/v1/people/{web.persons['mo']}", headers=auth)
    missing = web.client.get("/api/v1/people/nobody", headers=auth)
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_purpose_header_must_be_one_the_role_allows(web: Web) -> None:
    token = web.token("sw.one")
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "administration"}
    assert web.client.get("/api/v1/flags", headers=headers).status_code == 401
    headers["X-Purpose"] = "panel"
    assert web.client.get("/api/v1/flags", headers=headers).status_code == 200


def test_openapi_document(web: Web) -> None:
    document = web.client.get("/api/v1/openapi.json").json()
    assert {"/tokens", "/people", "/people/{person_id}", "/flags", "/search"} <= set(
        document["paths"]
    )
    assert PASSWORD not in str(document)
