"""The network of what an actor may see, read through the door, and the facts a profile needs
about its sources (agencies, latest imports) and about risk assessments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from joinedup.assemble.build import assemble
from joinedup.common.errors import JoinedupError
from joinedup.model.linkage import PersonLink
from joinedup.model.organisation import Agency, Batch
from joinedup.model.safeguarding import RiskAssessment
from joinedup.network.config import NetworkConfig
from joinedup.network.graph import Network, build_network
from joinedup.network.scope import Window
from joinedup.store.actor_session import ActorSession


class NoLinkage(JoinedupError, RuntimeError):
    """No linkage results are in scope (``joinedup link`` has not run)."""


def load_network(
    session: ActorSession,
    window: Window,
    config: NetworkConfig | None = None,
    require_linkage: bool = False,
) -> tuple[Network, bool]:
    """The network of everything ``session`` may see in ``window``; also whether persisted
    linkage was used (without it, persons are not joined across agencies)."""
    person_ids = _person_ids(session)
    if require_linkage and not person_ids:
        raise NoLinkage("no linkage results in scope: run `joinedup link` first")
    assembly = assemble(
        session,
        person_ids=person_ids,
        since=window.since,
        until=window.until,
        decrypt_text=False,
    )
    return build_network(assembly, window, config), bool(person_ids)


def person_ids_in_reach(session: ActorSession) -> set[str]:
    """The resolved persons of whom ``session`` reaches at least one record."""
    return set(_person_ids(session).values())


def _person_ids(session: ActorSession) -> dict[str, str]:
    """``record id -> person id`` as ``joinedup link`` stored them (read here rather than
    through ``joinedup.linkage.persist``, which imports Splink: seconds a profile need not
    spend)."""
    out: dict[str, str] = {}
    for chunk in session.scan(PersonLink, ["record_id", "person_id"]):
        for _id, record_id, person_id in chunk:
            out[record_id] = person_id
    return out


def agencies(session: ActorSession) -> dict[str, tuple[str, str]]:
    """``agency id -> (name, kind)``."""
    return {a.id: (a.name, a.kind) for a in session.list(Agency)}


def refreshed(session: ActorSession) -> dict[str, datetime | None]:
    """``agency id -> time its latest import in scope completed``."""
    latest: dict[str, datetime | None] = {}
    for batch in session.list(Batch):
        when = batch.completed_at or batch.created_at
        current = latest.get(batch.agency_id)
        if current is None or when > current:
            latest[batch.agency_id] = when
    return latest


def risk_categories(session: ActorSession) -> Mapping[str, str]:
    """``child person id -> category`` of the latest risk assessment in scope."""
    latest: dict[str, RiskAssessment] = {}
    for assessment in session.list(RiskAssessment):
        current = latest.get(assessment.child_person_id)
        if current is None or (assessment.assessed_on, assessment.version) > (
            current.assessed_on,
            current.version,
        ):
            latest[assessment.child_person_id] = assessment
    return {child: a.category for child, a in latest.items()}
