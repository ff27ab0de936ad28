"""Administration in the browser: add a user, reset a password, deactivate; request a grant.
Only an administrator reaches these pages."""

from __future__ import annotations

import pyotp
import pytest

from joinedup.access import directory
from joinedup.app import accounts
from tests.access.conftest import PASSWORD
from tests.web.conftest import USERS, Web


@pytest.fixture
def admin_web(web: Web, monkeypatch: pytest.MonkeyPatch) -> Web:
    """``web`` with an administrator who can sign in, signed in for administration."""
    with web.store.door.session("admin", "administration") as s:
        directory.add_user(s, "adm.one", "Police", "admin", password=PASSWORD)
    web.secrets["adm.one"] = accounts.enrol_second_factor(web.rt, "admin", "adm.one").secret
    monkeypatch.setitem(USERS, "adm.one", ("admin", "Police", "administration"))
    web.sign_in("adm.one")
    return web


def test_an_administrator_adds_a_user_and_hands_over_a_password(admin_web: Web) -> None:
    web = admin_web
    page = web.client.get("/admin/users")
    assert page.status_code == 200 and "sw.one" in page.text and "Add a user" in page.text
    assert "Pipeline" not in page.text.split("Add a user")[1]  # the service role is not offered
    added = web.client.post(
        "/admin/users",
        data={
            "username": "new.worker",
            "display_name": "New Worker",
            "agency": "Social care",
            "role": "social_worker",
            "csrf_token": web.csrf("/admin/users"),
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    reset = web.client.post(
        "/admin/users/new.worker/reset-password", data={"csrf_token": web.csrf("/admin/users")}
    )
    assert reset.status_code == 200 and "shown once" in reset.text
    assert reset.headers["cache-control"] == "no-store"


def test_the_service_role_and_bad_names_are_refused_with_a_message(admin_web: Web) -> None:
    web = admin_web
    for username, role in (("evil-pipe", "pipeline"), ("Bad Name!", "analyst")):
        answer = web.client.post(
            "/admin/users",
            data={
                "username": username,
                "agency": "Police",
                "role": role,
                "csrf_token": web.csrf("/admin/users"),
            },
        )
        assert answer.status_code == 400 and "There is a problem" in answer.text


def test_deactivation_needs_a_reason_and_ends_sign_in(admin_web: Web) -> None:
    web = admin_web
    token = web.csrf("/admin/users")
    refused = web.client.post("/admin/users/ref.one/deactivate", data={"csrf_token": token})
    assert refused.status_code == 400 and "Say why" in refused.text
    done = web.client.post(
        "/admin/users/ref.one/deactivate",
        data={"reason": "left the school", "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    web.client.cookies.clear()
    answer = web.client.post(
        "/sign-in",
        data={
            "username": "ref.one",
            "password": PASSWORD,
            "code": pyotp.TOTP(web.secrets["ref.one"]).now(),
            "csrf_token": web.csrf(),
        },
        follow_redirects=False,
    )
    assert answer.status_code != 303


def test_an_administrator_requests_a_grant_for_the_owning_agency_to_approve(
    admin_web: Web,
) -> None:
    web = admin_web
    answer = web.client.post(
        "/sharing/grants",
        data={
            "username": "sw.one",
            "agency": "Health",
            "purpose": "safeguarding",
            "reason": "strategy meeting on Friday",
            "days": "5",
            "csrf_token": web.csrf("/sharing"),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = web.client.get("/sharing").text
    assert "strategy meeting on Friday" in page and "Requested" in page


def test_nobody_else_reaches_the_administration_pages(web: Web) -> None:
    for username in ("an.one", "dpo.one"):
        web.client.cookies.clear()
        web.sign_in(username)
        assert web.client.get("/admin/users").status_code == 404
        answer = web.client.post(
            "/admin/users/sw.one/deactivate",
            data={"reason": "x", "csrf_token": web.csrf("/")},
        )
        assert answer.status_code == 404


def test_an_administrator_sets_the_email_notifications_go_to(admin_web: Web) -> None:
    web = admin_web
    token = web.csrf("/admin/users")
    saved = web.client.post(
        "/admin/users/sw.one/email",
        data={"email": "sw.one@social-care.example", "csrf_token": token},
    )
    assert saved.status_code == 200 and 'value="sw.one@social-care.example"' in saved.text
    bad = web.client.post(
        "/admin/users/sw.one/email", data={"email": "not an address", "csrf_token": token}
    )
    assert bad.status_code == 400 and "is not an email address" in bad.text
    added = web.client.post(
        "/admin/users",
        data={
            "username": "hv.one",
            "display_name": "Health visitor",
            "agency": "Health",
            "role": "referrer",
            "email": "hv.one@health.example",
            "csrf_token": token,
        },
    )
    assert added.status_code == 200 and 'value="hv.one@health.example"' in added.text
