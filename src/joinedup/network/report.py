"""A problem profile of a window, end to end: the network through the door, every analysis,
the VOLT profile written as HTML and Markdown, and the headline counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from joinedup.network.analysis import analyse
from joinedup.network.profile import build_profile, coverage, write_profile
from joinedup.network.profile.model import Profile
from joinedup.network.profile.pseudonymise import pseudonymised
from joinedup.network.scope import Window
from joinedup.network.store import (
    agencies,
    load_network,
    person_ids_in_reach,
    refreshed,
    risk_categories,
)
from joinedup.store.door import Door


@dataclass(frozen=True)
class ProfileRun:
    """What :func:`problem_profile` wrote and found."""

    html: Path
    markdown: Path
    children: int
    offenders: int
    groups: int
    places: int
    linked: bool  # whether linkage results were in scope (persons joined across agencies)


@dataclass(frozen=True)
class BuiltProfile:
    """A profile built (not yet written) and its headline counts."""

    profile: Profile
    children: int
    offenders: int
    groups: int
    places: int
    linked: bool


def _quiet(_: str) -> None:
    return None


def build_problem_profile(
    door: Door,
    actor: str,
    purpose: str,
    window: Window,
    *,
    shared: bool = False,
    stage: Callable[[str], None] = _quiet,
) -> BuiltProfile:
    """Build the VOLT problem profile of what ``actor`` may see in ``window``.

    With ``shared``, across every party agency of the actor's live ``aggregate``
    information-sharing agreements for ``purpose`` (Door.aggregate_session), every person the
    actor could not reach in an ordinary session appearing only under a pseudonym.

    The records are read in one session; the analysis runs after it closes (on SQLite a
    session holds the write lock). ``stage`` is told each step as it starts.
    """
    reachable: set[str] | None = None
    if shared:
        with door.session(actor, purpose) as session:
            session.require("profile.write")
            reachable = person_ids_in_reach(session)
    opened = door.aggregate_session if shared else door.session
    stage("reading the records")
    with opened(actor, purpose) as session:
        session.require("profile.write")
        net, linked = load_network(session, window)
        sources = (agencies(session), refreshed(session))
        risk = risk_categories(session)
    stage("analysing the network")
    result = analyse(net)
    stage("writing the profile")
    profile = build_profile(result, coverage(result, *sources), risk)
    if reachable is not None:
        profile = pseudonymised(profile, net.assembly.persons, reachable)
    return BuiltProfile(
        profile,
        children=len(net.classes.children),
        offenders=len(net.classes.offenders),
        groups=len(result.groups.groups()),
        places=len(result.hotspots),
        linked=linked,
    )


def problem_profile(
    door: Door, actor: str, purpose: str, window: Window, out: Path, *, shared: bool = False
) -> ProfileRun:
    """Write the VOLT problem profile of what ``actor`` may see in ``window`` to ``out``
    (HTML, and Markdown beside it); see :func:`build_problem_profile`."""
    built = build_problem_profile(door, actor, purpose, window, shared=shared)
    html, markdown = write_profile(built.profile, out)
    return ProfileRun(
        html=html,
        markdown=markdown,
        children=built.children,
        offenders=built.offenders,
        groups=built.groups,
        places=built.places,
        linked=built.linked,
    )
