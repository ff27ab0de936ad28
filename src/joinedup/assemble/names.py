"""Names to show a person instead of ids: a subject's name and date of birth, from the
source records that make it up (read through the door, so only what the reader may see)."""

from __future__ import annotations

from collections.abc import Iterable

from joinedup.model.linkage import PersonLink
from joinedup.model.records import SourceRecord
from joinedup.store.actor_session import ActorSession, NotFound

__all__ = ["name_from_records", "person_names"]


def name_from_records(
    session: ActorSession, record_ids: Iterable[str], shown: list[str] | None = None
) -> str | None:
    """ "Forename Surname (born YYYY-MM-DD)" from the first named record and the first with a
    date of birth; the records used are appended to ``shown``; None when none is named."""
    name = born = None
    for record_id in record_ids:
        try:
            n = session.get(SourceRecord, record_id).normalised
        except NotFound:
            continue
        found = " ".join(str(n[k]) for k in ("forename", "surname") if n.get(k))
        if shown is not None and ((found and not name) or (n.get("date_of_birth") and not born)):
            shown.append(record_id)
        name = name or found or None
        born = born or n.get("date_of_birth")
        if name and born:
            break
    if name is None:
        return None
    return f"{name} (born {born})" if born else name


def person_names(session: ActorSession, person_ids: Iterable[str]) -> dict[str, str]:
    """Resolved persons' names (with dates of birth) by id, from the records the reader may
    see; a person none of whose records is visible is left out."""
    names: dict[str, str] = {}
    for person_id in sorted(set(person_ids)):
        links = session.list(PersonLink, where={"person_id": person_id}, limit=50)
        name = name_from_records(session, (link.record_id for link in links))
        if name:
            names[person_id] = name
    return names
