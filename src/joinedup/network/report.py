"""A problem profile of a window, end to end: the network through the door, every analysis,
the VOLT profile written as HTML and Markdown, and the headline counts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from joinedup.network.analysis import analyse
from joinedup.network.profile import build_profile, coverage, write_profile
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


def problem_profile(
    door: Door, actor: str, purpose: str, window: Window, out: Path, *, shared: bool = False
) -> ProfileRun:
    """Write the VOLT problem profile of what ``actor`` may see in ``window``.

    With ``shared``, across every party agency of the actor's live ``aggregate``
    information-sharing agreements for ``purpose`` (Door.aggregate_session), every person the
    actor could not reach in an ordinary session appearing only under a pseudonym.

    The records are read in one session; the analysis and the writing run after it closes
    (on SQLite a session holds the write lock).
    """
    reachable: set[str] | None = None
    if shared:
        with door.session(actor, purpose) as session:
            session.require("profile.write")
            reachable = person_ids_in_reach(session)
    opened = door.aggregate_session if shared else door.session
    with opened(actor, purpose) as session:
        session.require("profile.write")
        net, linked = load_network(session, window)
        sources = (agencies(session), refreshed(session))
        risk = risk_categories(session)
    result = analyse(net)
    profile = build_profile(result, coverage(result, *sources), risk)
    if reachable is not None:
        profile = pseudonymised(profile, net.assembly.persons, reachable)
    html, markdown = write_profile(profile, out)
    return ProfileRun(
        html=html,
        markdown=markdown,
        children=len(net.classes.children),
        offenders=len(net.classes.offenders),
        groups=len(result.groups.groups()),
        places=len(result.hotspots),
        linked=linked,
    )
