"""The header's menu grouped by task (web/data/menu.yml): every link a page of the app, every
action one of roles.yml, each role offered the links of its actions and nothing hidden."""

from __future__ import annotations

import re

from fastapi import FastAPI

from joinedup.app.permissions import actions_of
from joinedup.model.policy import policy
from joinedup.web.menu import menu, menu_of
from tests.web.conftest import USERS, Web
from tests.web.test_matrix import app_routes

ANALYST_MENU = {
    "Casework": ["My work", "Search", "Notifications", "Concerns", "Intelligence received"],
    "Meetings": ["Panel", "Actions"],
    "Data and analysis": ["Match review", "Quarantine", "Analysis"],
}


def _nav(html: str) -> dict[str, list[str]]:
    """Group name -> link labels, read from the page's menu (each list labelled by its
    group's name)."""
    nav = re.search(r'<nav aria-label="Menu".*?</nav>', html, re.S)
    assert nav, "no menu"
    found: dict[str, list[str]] = {}
    for gid, name in re.findall(
        r'<span class="joinedup-menu__label" id="([^"]+)">([^<]+)<', nav[0]
    ):
        listed = re.search(rf'<ul [^>]*aria-labelledby="{gid}">(.*?)</ul>', nav[0], re.S)
        assert listed, f"the list of {name} is not labelled by it"
        found[name] = re.findall(
            r'<a class="govuk-service-navigation__link" href="[^"]+"[^>]*>([^<]+)', listed[1]
        )
    return found


def test_the_analysts_ten_pages_read_in_three_groups(web: Web) -> None:
    web.sign_in("an.one")
    assert _nav(web.client.get("/").text) == ANALYST_MENU
    assert sum(len(v) for v in ANALYST_MENU.values()) == 10  # none hidden


def test_each_role_is_offered_the_links_of_its_actions(web: Web) -> None:
    for user, (role, _, _) in USERS.items():
        web.client.cookies.clear()
        web.sign_in(user)
        shown = _nav(web.client.get("/search").text)
        can = actions_of(role)
        wanted = {
            g.name: [x.label for x in g.links if not x.actions or set(x.actions) & can]
            for g in menu()
        }
        assert shown == {k: v for k, v in wanted.items() if v}, user
        assert shown["Casework"][:3] == ["My work", "Search", "Notifications"]


def test_the_current_page_is_marked(web: Web) -> None:
    web.sign_in("sw.one")
    page = web.client.get("/search").text
    assert re.findall(r'href="([^"]+)" aria-current="page"', page) == ["/search"]


def test_every_link_is_a_page_and_every_action_is_in_roles_yml(web: Web) -> None:
    app = web.client.app
    assert isinstance(app, FastAPI)
    pages = {path for method, path in app_routes(app) if method == "GET"}
    actions = set(policy().actions)
    links = [x for g in menu() for x in g.links]
    assert len({x.href for x in links}) == len(links)  # each page once
    for x in links:
        assert x.href in pages, x.href
        assert set(x.actions) <= actions, x.actions
    assert [x.label for x in links if x.count] == ["Notifications"]


def test_administrators_and_auditors_get_their_own_groups() -> None:
    admin = {g.name: [x.label for x in g.links] for g in menu_of("admin")}
    assert admin["Administration"] == ["Users", "Agencies", "Panels", "Uploads"]
    assert admin["Oversight"] == ["Grants and agreements"]
    auditor = {g.name for g in menu_of("auditor")}
    assert "Oversight" in auditor and "Administration" not in auditor
