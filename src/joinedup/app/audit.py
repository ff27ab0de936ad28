"""Use cases: verify the s.62 audit chain, an auditor's acknowledgement of a broken
checkpoint, and who processed a record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from joinedup.app.context import Caller, runtime, session
from joinedup.model.audit import AuditEvent
from joinedup.store.audit import Verification

__all__ = [
    "Checked",
    "Verification",
    "WhoLooked",
    "acknowledge_checkpoint",
    "processing_of",
    "verify_chain",
]


@dataclass(frozen=True)
class Checked:
    """A verification of the chain, and the id of the database it is anchored to."""

    verification: Verification
    database_id: str


def verify_chain(who: Caller) -> Checked:
    """Verify every row of the chain against its MAC, the checkpoint and the anchor."""
    rt = runtime()
    checkpoint = rt.door.checkpoint()
    with session(who, rt) as opened:
        return Checked(opened.verify_chain(checkpoint), checkpoint.database_id)


def acknowledge_checkpoint(who: Caller, reason: str) -> Verification:
    """An auditor accepts a missing, forged or cut-off checkpoint or anchor (logged with the
    reason) and re-anchors at the current head."""
    return runtime().door.acknowledge_checkpoint(who.username, reason, who.purpose)


@dataclass(frozen=True)
class WhoLooked:
    """The answer to "who processed this, and why": what was asked, the record ids it
    resolved to, and the audit rows naming them (or by the user asked about)."""

    asked: str
    record_ids: list[str]
    events: list[AuditEvent]

    @property
    def nothing_held(self) -> bool:
        """A reference or person that resolved to no record held (not "nobody looked")."""
        return not self.record_ids and not self.asked.startswith("user ")


def processing_of(
    who: Caller,
    *,
    record: str | None = None,
    reference: str | None = None,
    person: str | None = None,
    user: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> WhoLooked:
    """Every processing of a record (by id), of an agency's own reference, of a person (all
    of their records and the person itself), or by a user, within a period."""
    if not any((record, reference, person, user)):
        raise ValueError("ask about a record, an agency's reference, a person or a user")
    asked = []
    with session(who) as opened:
        ids: list[str] = []
        if record:
            ids.append(record)
            asked.append(f"record {record}")
        if reference or person:
            ids += opened.audit_subjects(reference=reference, person_id=person)
            asked += [f"reference {reference}"] * bool(reference)
            if person:
                ids.append(person)
                asked.append(f"person {person}")
        if user:
            asked.append(f"user {user}")
        if not ids and not user:
            return WhoLooked(" and ".join(asked), [], [])
        events = opened.audit_trail(ids, actor_name=user, since=since, until=until)
    return WhoLooked(" and ".join(asked), sorted(set(ids)), events)
