"""The administrator's directory pages: agencies, panels and members, revoking a grant; and
that deactivating or resetting a password or second factor ends the person's sessions and
tokens at once."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from joinedup.model.access import User
from joinedup.model.organisation import Agency
from joinedup.model.panel import Panel
from tests.web.conftest import Web
from tests.web.test_admin_pages import admin_web  # noqa: F401 (the fixture)


def test_an_administrator_lists_and_registers_agencies(admin_web: Web) -> None:  # noqa: F811
    web = admin_web
    page = web.client.get("/admin/agencies")
    assert page.status_code == 200 and "Social care" in page.text
    added = web.client.post(
        "/admin/agencies",
        data={
            "name": "Rotherham Youth Club",
            "kind": "voluntary",
            "csrf_token": web.csrf("/admin/agencies"),
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert "Rotherham Youth Club" in web.client.get("/admin/agencies").text
    blank = web.client.post(
        "/admin/agencies", data={"name": " ", "csrf_token": web.csrf("/admin/agencies")}
    )
    assert blank.status_code == 400 and "Give the agency" in blank.text


def test_panels_are_set_up_and_members_seated_and_removed_with_a_reason(
    admin_web: Web,  # noqa: F811
) -> None:
    web = admin_web
    token = web.csrf("/admin/panels")
    made = web.client.post(
        "/admin/panels",
        data={"name": "MASE North", "agency": "Social care", "csrf_token": token},
        follow_redirects=False,
    )
    assert made.status_code == 303
    seat = {"panel": "MASE North", "username": "sw.one", "change": "add", "csrf_token": token}
    assert web.client.post("/admin/panels/members", data=seat).status_code == 200
    page = web.client.get("/admin/panels").text
    assert "MASE North" in page and "Remove<span" in page and "sw.one" in page.split("Members")[1]
    no_reason = web.client.post("/admin/panels/members", data={**seat, "change": "remove"})
    assert no_reason.status_code == 400 and "Say why" in no_reason.text
    removed = web.client.post(
        "/admin/panels/members",
        data={**seat, "change": "remove", "reason": "moved to another team"},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert "Remove<span" not in web.client.get("/admin/panels").text


def test_an_administrator_revokes_a_grant_from_the_sharing_page(admin_web: Web) -> None:  # noqa: F811
    web = admin_web
    page = web.client.get("/sharing").text
    assert page.count("/revoke") == 2  # the analyst's two live grants
    grant_id = page.split("/sharing/grants/")[1].split("/revoke")[0]
    done = web.client.post(
        f"/sharing/grants/{grant_id}/revoke",
        data={"csrf_token": web.csrf("/sharing")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = web.client.get("/sharing").text
    assert after.count("/revoke") == 1 and "Revoked" in after


def test_the_owning_agency_still_approves_a_requested_grant(admin_web: Web) -> None:  # noqa: F811
    web = admin_web
    web.client.post(
        "/sharing/grants",
        data={
            "username": "sw.one",
            "agency": "Police",
            "purpose": "safeguarding",
            "reason": "joint visit",
            "days": "3",
            "csrf_token": web.csrf("/sharing"),
        },
    )
    assert "Approve</button>" not in web.client.get("/sharing").text  # not the admin's to give
    web.client.cookies.clear()
    web.sign_in("dpo.one")  # police's data protection officer
    assert "Approve</button>" in web.client.get("/sharing").text


@pytest.mark.parametrize("change", ["deactivate", "reset-password", "reset-second-factor"])
def test_locking_a_person_out_ends_their_sessions_and_tokens(
    admin_web: Web,  # noqa: F811
    change: str,
) -> None:
    web = admin_web
    token = web.token("sw.one")
    with TestClient(web.client.app, base_url="http://testserver") as theirs:
        other = Web(web.store, web.rt, theirs, web.secrets)
        other.sign_in("sw.one", steps_ahead=1)
        assert theirs.get("/", follow_redirects=False).status_code == 200
        bearer = {"Authorization": f"Bearer {token}"}
        assert theirs.get("/api/v1/flags", headers=bearer).status_code == 200
        answer = web.client.post(
            f"/admin/users/sw.one/{change}",
            data={"reason": "left the service", "csrf_token": web.csrf("/admin/users")},
        )
        assert answer.status_code == 200
        signed_out = theirs.get("/", follow_redirects=False)
        assert signed_out.status_code == 303 and "/sign-in" in signed_out.headers["location"]
        assert theirs.get("/api/v1/flags", headers=bearer).status_code == 401
    assert web.client.get("/admin/users").status_code == 200  # the administrator's own goes on


def test_nobody_else_reaches_the_directory_pages(web: Web) -> None:
    for username in ("an.one", "dpo.one"):
        web.client.cookies.clear()
        web.sign_in(username)
        for path in ("/admin/agencies", "/admin/panels"):
            assert web.client.get(path).status_code == 404


def test_nobody_else_changes_the_directory_even_with_the_forms_token(web: Web) -> None:
    """The app refuses (the page decides nothing): each form posted with a valid token by a
    role that may not take its action gets the 404 page, and nothing changes."""
    forms = {
        "/admin/agencies": {"name": "Rotherham Youth Club", "kind": "voluntary"},
        "/admin/panels": {"name": "Shadow MASE", "agency": "Police"},
        "/admin/panels/members": {"panel": "Shadow MASE", "username": "sw.one"},
        "/sharing/grants/x/revoke": {},
        "/sharing/grants": {"username": "sw.one", "agency": "Police", "reason": "x"},
        "/admin/users": {"username": "eve", "agency": "Police", "role": "analyst"},
    }
    for username in ("an.one", "dpo.one", "ref.one"):
        web.client.cookies.clear()
        web.sign_in(username)
        token = web.csrf("/")
        for path, data in forms.items():
            answer = web.client.post(path, data={**data, "csrf_token": token})
            assert answer.status_code == 404, (username, path)
    with web.store.door.session("admin", "administration") as s:
        assert "Rotherham Youth Club" not in {a.name for a in s.list(Agency)}
        assert not s.list(Panel) and "eve" not in {u.username for u in s.list(User)}
