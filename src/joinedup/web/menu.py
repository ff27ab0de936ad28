"""The header's menu: links grouped by task (``data/menu.yml``), each offered to the roles
that may take one of its actions (``app.permissions.actions_of``: which links to show; the
page behind each still decides who may open it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from joinedup.app.permissions import actions_of
from joinedup.common.errors import JoinedupError

__all__ = ["Group", "Link", "MenuError", "menu", "menu_of"]


class MenuError(JoinedupError, ValueError):
    """``menu.yml`` is malformed."""


@dataclass(frozen=True)
class Link:
    """One link: its label, where it goes, the actions that offer it (none: everyone), and
    whether it carries the unread notifications count."""

    label: str
    href: str
    actions: tuple[str, ...] = ()
    count: bool = False


@dataclass(frozen=True)
class Group:
    """A task's links under its name (``id`` labels its list for screen readers)."""

    name: str
    id: str
    links: tuple[Link, ...]


def _link(raw: object, where: str) -> Link:
    if not isinstance(raw, dict) or not {"label", "href"} <= raw.keys():
        raise MenuError(f"menu.yml: {where}: a link needs a label and an href")
    unknown = sorted(set(raw) - {"label", "href", "actions", "count"})
    if unknown:
        raise MenuError(f"menu.yml: {where}: unknown keys {unknown}")
    if not str(raw["href"]).startswith("/"):
        raise MenuError(f"menu.yml: {where}: href {raw['href']!r} is not a path on this site")
    actions = raw.get("actions") or []
    if not isinstance(actions, list):
        raise MenuError(f"menu.yml: {where}: actions must be a list")
    return Link(
        str(raw["label"]), str(raw["href"]), tuple(map(str, actions)), bool(raw.get("count"))
    )


@cache
def menu() -> tuple[Group, ...]:
    """Every group of the packaged ``menu.yml``, in order."""
    text = resources.files("joinedup.web").joinpath("data", "menu.yml").read_text("utf-8")
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or document.get("version") != 1:
        raise MenuError("menu.yml: expected version: 1 and groups")
    groups = []
    for n, raw in enumerate(document.get("groups") or []):
        name = str(raw.get("name") or "") if isinstance(raw, dict) else ""
        if not name or not isinstance(raw.get("links"), list):
            raise MenuError(f"menu.yml: group {n + 1} needs a name and links")
        slug = "menu-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        links = tuple(_link(x, f"{name}, link {i + 1}") for i, x in enumerate(raw["links"]))
        groups.append(Group(name, slug, links))
    return tuple(groups)


def menu_of(role: str) -> list[Group]:
    """The groups and links ``role`` is offered (groups left empty are left out)."""
    can = actions_of(role)
    offered = []
    for group in menu():
        links = tuple(x for x in group.links if not x.actions or set(x.actions) & can)
        if links:
            offered.append(Group(group.name, group.id, links))
    return offered
