"""Authorisation matrix: EVERY route of the app (read from ``app.routes``, the API's mounted
routes included), for every role and signed out: the expected status, and none of the
children's personal data in any answer to a role that may not see them.

A route added without a line in :data:`ROUTES` fails :func:`test_every_route_has_an_expectation`.
Adding a route is one line: its method and path as FastAPI declares them, then a
:class:`Expect` with the URL to request (``{placeholders}`` from :func:`_params`), the users
that get 200 (``ok``; default every role), the status the others get (``refused``; default 404,
the same as not found), and the users whose answer may name the children (``names``).
State-changing routes are sent WITHOUT their CSRF token (nothing may change): 403 is expected,
for every role, since the token is checked before the use case decides who may (the pages'
own tests post with the token and show the roles refused get the 404 page).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from starlette.routing import BaseRoute

from joinedup.store.tables.records import SourceRecordRow
from tests.web.conftest import USERS, Web

AN, SW, DPO, REF = "an.one", "sw.one", "dpo.one", "ref.one"
EVERYONE = frozenset(USERS)
NOBODY: frozenset[str] = frozenset()
ANALYST = frozenset({AN})  # police's records, and grants to the others
PANEL_ROLES = frozenset({AN, SW})  # roles that may sit on a panel (panel.write_minutes)
# what the children's records hold that identifies them (names, date of birth, NHS number,
# agency references): none of it may reach a role that may not see them
# (not "N0001": the search form's hint reads "N0001234")
PERSONAL = ("Aisha", "Ayesha", "Muhammad", "2010-03-04", "2009-01-01", "9434765919", "CHID42")


@dataclass(frozen=True)
class Expect:
    """What one route answers. ``public``: the same to the signed out as to everyone."""

    url: str
    ok: frozenset[str] = EVERYONE
    refused: int = 404
    names: frozenset[str] = NOBODY
    status: int = 200  # the status of a role in ``ok``
    public: bool = False
    body: dict[str, object] | None = field(default=None)  # form fields (POST) or JSON (API)

    def signed_out(self) -> int:
        """Pages send the signed out to sign in (303); the API answers 401."""
        if self.public:
            return self.status
        return 401 if self.url.startswith("/api/") else 303


ROUTES: dict[tuple[str, str], Expect] = {
    # sign-in, purpose, account, enrolment
    ("GET", "/sign-in"): Expect("/sign-in", public=True),
    ("POST", "/sign-in"): Expect("/sign-in", status=400, public=True, body={}),
    ("GET", "/purpose"): Expect("/purpose"),
    ("POST", "/purpose"): Expect("/purpose", status=403),
    ("POST", "/sign-out"): Expect("/sign-out", status=403),
    ("GET", "/account"): Expect("/account"),
    ("GET", "/account/password"): Expect("/account/password"),
    ("POST", "/account/password"): Expect("/account/password", status=403),
    ("POST", "/account/sessions/{session_id}/end"): Expect("/account/sessions/x/end", status=403),
    ("POST", "/account/sessions/end-others"): Expect("/account/sessions/end-others", status=403),
    ("POST", "/account/tokens/{token_id}/revoke"): Expect("/account/tokens/x/revoke", status=403),
    ("GET", "/enrol"): Expect("/enrol", status=303, public=True),  # no enrolment session
    ("POST", "/enrol"): Expect("/enrol", status=303, public=True),
    # the person-centred pages
    ("GET", "/"): Expect("/"),
    ("GET", "/search"): Expect("/search?q=Khan", names=frozenset({AN, SW})),
    ("GET", "/people/{person_id}"): Expect(
        "/people/{aisha}", ok=frozenset({AN, SW}), names=frozenset({AN, SW})
    ),
    ("GET", "/audit"): Expect("/audit?person={aisha}", ok=frozenset({DPO})),
    ("GET", "/static/{path}"): Expect("/static/joinedup.css", public=True),
    # the API (a Bearer token per role)
    ("GET", "/api/v1/openapi.json"): Expect("/api/v1/openapi.json", public=True),
    ("POST", "/api/v1/tokens"): Expect("/api/v1/tokens", status=400, public=True, body={}),
    ("GET", "/api/v1/people"): Expect("/api/v1/people?q=Khan", names=frozenset({AN, SW})),
    ("GET", "/api/v1/search"): Expect("/api/v1/search?q=Khan", names=frozenset({AN, SW})),
    ("GET", "/api/v1/people/{person_id}"): Expect(
        "/api/v1/people/{aisha}", ok=frozenset({AN, SW}), names=frozenset({AN, SW})
    ),
    ("GET", "/api/v1/flags"): Expect("/api/v1/flags"),  # each sees the flags in their scope
    # a record, a vehicle, a phone, a place (police's: the analyst alone), a chronology
    ("GET", "/records/{record_id}"): Expect(
        "/records/{aisha_police_record}", ok=frozenset({AN}), names=frozenset({AN})
    ),
    ("GET", "/vehicles/{vrm}"): Expect(
        "/vehicles/{vrm}", ok=frozenset({AN}), names=frozenset({AN})
    ),
    ("GET", "/phones/{number}"): Expect(
        "/phones/{phone}", ok=frozenset({AN}), names=frozenset({AN})
    ),
    ("GET", "/places/{postcode}"): Expect(
        "/places/S60%201AB", ok=frozenset({AN}), names=frozenset({AN})
    ),
    ("GET", "/people/{person_id}/chronology"): Expect(
        "/people/{aisha}/chronology", ok=frozenset({AN, SW}), names=frozenset({AN, SW})
    ),
    ("GET", "/api/v1/records/{record_id}"): Expect(
        "/api/v1/records/{aisha_police_record}", ok=frozenset({AN}), names=frozenset({AN})
    ),
    ("GET", "/api/v1/vehicles/{vrm}"): Expect(
        "/api/v1/vehicles/{vrm}", ok=frozenset({AN}), names=frozenset({AN})
    ),
    ("GET", "/api/v1/phones/{number}"): Expect(
        "/api/v1/phones/{phone}", ok=frozenset({AN}), names=frozenset({AN})
    ),
    ("GET", "/api/v1/places/{postcode}"): Expect(
        "/api/v1/places/S60%201AB", ok=frozenset({AN}), names=frozenset({AN})
    ),
    # monitoring: no personal data (the test client counts as loopback for /metrics)
    ("GET", "/healthz"): Expect("/healthz", public=True),
    ("GET", "/metrics"): Expect("/metrics", public=True),
    # grants and agreements (the DPO), administration (no role here administers)
    ("GET", "/sharing"): Expect("/sharing", ok=frozenset({DPO})),
    ("POST", "/sharing/grants/{grant_id}"): Expect("/sharing/grants/x", status=403),
    ("POST", "/sharing/agreements/approve"): Expect("/sharing/agreements/approve", status=403),
    ("POST", "/sharing/grants"): Expect("/sharing/grants", status=403, body={}),
    ("GET", "/admin/users"): Expect("/admin/users", ok=NOBODY),
    ("POST", "/admin/users"): Expect("/admin/users", status=403, body={}),
    ("POST", "/admin/users/{username}/{change}"): Expect(
        "/admin/users/sw.one/deactivate", status=403, body={}
    ),
    ("GET", "/audit/subject-access"): Expect(
        "/audit/subject-access?person={aisha}", ok=frozenset({DPO}), names=frozenset({DPO})
    ),
    # flags and concerns
    ("GET", "/flags/{flag_id}"): Expect("/flags/x", ok=NOBODY),
    ("POST", "/flags/{flag_id}"): Expect("/flags/x", status=403),
    ("GET", "/concerns"): Expect("/concerns", ok=frozenset({AN, SW, REF})),
    ("GET", "/concerns/new"): Expect("/concerns/new", ok=frozenset({AN, SW, REF})),
    ("POST", "/concerns"): Expect("/concerns", status=403),
    ("GET", "/concerns/{submission_id}"): Expect("/concerns/x", ok=NOBODY),
    ("GET", "/concerns/{submission_id}/routes"): Expect("/concerns/x/routes", ok=NOBODY),
    # the administrator's directory and uploads (no role here administers)
    ("GET", "/admin/agencies"): Expect("/admin/agencies", ok=NOBODY),
    ("POST", "/admin/agencies"): Expect("/admin/agencies", status=403, body={}),
    ("GET", "/admin/panels"): Expect("/admin/panels", ok=NOBODY),
    ("POST", "/admin/panels"): Expect("/admin/panels", status=403, body={}),
    ("POST", "/admin/panels/members"): Expect("/admin/panels/members", status=403, body={}),
    ("POST", "/sharing/grants/{grant_id}/revoke"): Expect(
        "/sharing/grants/x/revoke", status=403, body={}
    ),
    ("GET", "/admin/imports"): Expect("/admin/imports", ok=NOBODY),
    ("POST", "/admin/imports"): Expect("/admin/imports", status=403),
    ("GET", "/admin/imports/{run_id}"): Expect("/admin/imports/x", ok=NOBODY),
    ("GET", "/admin/imports/{run_id}/progress"): Expect("/admin/imports/x/progress", ok=NOBODY),
    # the data protection officer: the audit chain, erasure requests
    ("GET", "/audit/chain"): Expect("/audit/chain", ok=frozenset({DPO})),
    ("GET", "/audit/chain/status"): Expect("/audit/chain/status", ok=frozenset({DPO})),
    ("POST", "/audit/chain/verify"): Expect("/audit/chain/verify", status=403),
    ("GET", "/audit/erasure"): Expect("/audit/erasure", ok=frozenset({DPO})),
    ("POST", "/audit/erasure"): Expect("/audit/erasure", status=403),
    ("POST", "/audit/erasure/{request_id}"): Expect("/audit/erasure/x", status=403),
    # the flag list and the risk assessment (roles that act on flags and assess)
    ("GET", "/flags"): Expect("/flags", ok=frozenset({AN, SW})),
    ("GET", "/people/{person_id}/assessment"): Expect(
        "/people/{aisha}/assessment", ok=frozenset({AN, SW}), names=frozenset({AN, SW})
    ),
    ("POST", "/people/{person_id}/assessment"): Expect(
        "/people/{aisha}/assessment", status=403, body={}
    ),
    ("POST", "/people/{person_id}/assessment/grade"): Expect(
        "/people/{aisha}/assessment/grade", status=403, body={}
    ),
    ("GET", "/people/{person_id}/assessments"): Expect(
        "/people/{aisha}/assessments", ok=frozenset({AN, SW}), names=frozenset({AN, SW})
    ),
    # panel meetings and the actions tracker (roles that sit on panels; no meeting here)
    ("GET", "/panel"): Expect("/panel", ok=PANEL_ROLES),
    ("POST", "/panel/meetings"): Expect("/panel/meetings", status=403),
    ("GET", "/panel/meetings/{meeting_id}"): Expect("/panel/meetings/x", ok=NOBODY),
    ("POST", "/panel/meetings/{meeting_id}/attendance"): Expect(
        "/panel/meetings/x/attendance", status=403
    ),
    ("POST", "/panel/meetings/{meeting_id}/decisions"): Expect(
        "/panel/meetings/x/decisions", status=403
    ),
    ("POST", "/panel/meetings/{meeting_id}/actions"): Expect(
        "/panel/meetings/x/actions", status=403
    ),
    ("POST", "/panel/meetings/{meeting_id}/{step}"): Expect("/panel/meetings/x/open", status=403),
    ("GET", "/panel/meetings/{meeting_id}/minutes"): Expect("/panel/meetings/x/minutes", ok=NOBODY),
    ("GET", "/panel/meetings/{meeting_id}/minutes.docx"): Expect(
        "/panel/meetings/x/minutes.docx", ok=NOBODY
    ),
    ("GET", "/actions"): Expect("/actions", ok=PANEL_ROLES),
    ("POST", "/actions/{action_id}/complete"): Expect("/actions/x/complete", status=403),
    ("POST", "/actions/{action_id}/reassign"): Expect("/actions/x/reassign", status=403),
    # the language check of every form: nothing stored, nothing read (every signed-in user)
    ("POST", "/language"): Expect("/language?field=seen", status=403, body={"seen": "x"}),
    # the analyst's match review and quarantine (actions linkage.review, quarantine.review)
    ("GET", "/review"): Expect("/review", ok=ANALYST),
    ("GET", "/review/{item_id}"): Expect("/review/x", ok=NOBODY),
    ("POST", "/review/{item_id}"): Expect("/review/x", status=403),
    ("GET", "/quarantine"): Expect("/quarantine", ok=ANALYST),
    ("GET", "/quarantine/{row_id}"): Expect("/quarantine/x", ok=NOBODY),
    ("POST", "/quarantine/{row_id}"): Expect("/quarantine/x", status=403),
    # the analyst's profile, network explorer and estimate (a run is its author's alone)
    ("GET", "/analysis/profile"): Expect("/analysis/profile", ok=ANALYST),
    ("GET", "/analysis/network"): Expect("/analysis/network", ok=ANALYST),
    ("GET", "/analysis/estimate"): Expect("/analysis/estimate", ok=ANALYST),
    ("POST", "/analysis/profile"): Expect("/analysis/profile", status=403),
    ("POST", "/analysis/network"): Expect("/analysis/network", status=403),
    ("POST", "/analysis/estimate"): Expect("/analysis/estimate", status=403),
    ("GET", "/analysis/runs/{run_id}"): Expect("/analysis/runs/x", ok=NOBODY),
    ("GET", "/analysis/runs/{run_id}/progress"): Expect("/analysis/runs/x/progress", ok=NOBODY),
    ("POST", "/analysis/network/export"): Expect("/analysis/network/export", status=403),
    # intelligence received (every role of a recipient agency)
    ("GET", "/intelligence"): Expect("/intelligence", ok=frozenset({AN, SW, REF})),
    ("GET", "/intelligence/{route_id}"): Expect("/intelligence/x", ok=NOBODY),
    ("POST", "/intelligence/{route_id}"): Expect("/intelligence/x", status=403),
    # notifications: every signed-in user has their own (sentences name no child)
    ("GET", "/notifications"): Expect("/notifications"),
    ("GET", "/notifications/count"): Expect("/notifications/count"),
    ("POST", "/notifications/read"): Expect("/notifications/read", status=403),
}
# the second child (police records only) is for the analyst alone, on the page and the API
MORE: list[tuple[str, Expect]] = [
    ("mo's page", Expect("/people/{mo}", ok=frozenset({AN}), names=frozenset({AN}))),
    ("mo via the API", Expect("/api/v1/people/{mo}", ok=frozenset({AN}), names=frozenset({AN}))),
]


def _flat(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    """Routes with included routers expanded (FastAPI >= 0.16x keeps them lazily)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        yield from routes
        return
    for context in iter_route_contexts(routes):
        yield cast(BaseRoute, context)


def app_routes(app: FastAPI, prefix: str = "") -> set[tuple[str, str]]:
    """(method, path) of every route of ``app``, mounted applications' routes included;
    a mounted static folder is ``GET <mount>/{path}``."""
    found: set[tuple[str, str]] = set()
    for route in _flat(app.routes):
        mounted = getattr(route, "app", None)
        path = str(getattr(route, "path", ""))
        methods = getattr(route, "methods", None)
        if methods:
            found |= {(m, prefix + path) for m in set(methods) - {"HEAD"}}
        elif isinstance(mounted, FastAPI):
            found |= app_routes(mounted, prefix + path)
        elif mounted is not None:
            found.add(("GET", prefix + path + "/{path}"))
    return found


def _params(web: Web) -> dict[str, str]:
    """Values for the URL placeholders: the two children, and things of theirs."""
    with web.store.engine.connect() as conn:
        keys = dict(conn.execute(select(SourceRecordRow.agency_key, SourceRecordRow.id)).all())
    return {
        "aisha": web.persons["aisha"],
        "mo": web.persons["mo"],
        "aisha_police_record": keys["N0001"],
        "aisha_social_care_record": keys["CHID42"],
        "vrm": "AB12CDE",
        "phone": "+447700900123",
        "postcode": "S60 1AB",
    }


def _request(web: Web, method: str, expect: Expect, headers: dict[str, str]) -> tuple[int, str]:
    url = expect.url.format(**_params(web))
    if method == "GET":
        answer = web.client.get(url, headers=headers, follow_redirects=False)
    elif url.startswith("/api/"):
        answer = web.client.post(url, json=expect.body, headers=headers, follow_redirects=False)
    else:
        answer = web.client.post(url, data=expect.body, headers=headers, follow_redirects=False)
    return answer.status_code, answer.text


def _check(web: Web, user: str | None, headers: dict[str, str]) -> list[str]:
    """Every route (and MORE) for ``user`` (None: signed out); the mismatches found."""
    wrong = []
    cases = [(f"{m} {p}", m, e) for (m, p), e in sorted(ROUTES.items())]
    cases += [(name, "GET", e) for name, e in MORE]
    for name, method, expect in cases:
        if user is None:
            wanted = expect.signed_out()
        else:
            wanted = expect.status if user in expect.ok or expect.public else expect.refused
        status, text = _request(web, method, expect, headers)
        if status != wanted:
            wrong.append(f"{name}: {status}, expected {wanted}")
        shown = [p for p in PERSONAL if p in text]
        if shown and user not in expect.names:
            wrong.append(f"{name}: shows {shown} to {user or 'the signed out'}")
    return wrong


def test_every_route_has_an_expectation(web: Web) -> None:
    app = web.client.app
    assert isinstance(app, FastAPI)
    routes = app_routes(app)
    assert ("GET", "/people/{person_id}") in routes and ("POST", "/api/v1/tokens") in routes
    missing = sorted(routes - set(ROUTES))
    assert not missing, f"routes without a line in ROUTES: {missing}"
    stale = sorted(set(ROUTES) - routes)
    assert not stale, f"lines in ROUTES for routes that no longer exist: {stale}"


def test_signed_out_gets_nothing(web: Web) -> None:
    assert _check(web, None, {}) == []


@pytest.mark.parametrize("username", sorted(USERS))
def test_each_role_gets_only_its_reach(web: Web, username: str) -> None:
    token = web.token(username)  # this step's code; the session takes the next step's
    web.sign_in(username, steps_ahead=1)
    assert _check(web, username, {"Authorization": f"Bearer {token}"}) == []
