"""Use cases: verify the s.62 audit chain, an auditor's acknowledgement of a broken
checkpoint, and who processed a record."""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.app.context import Caller, runtime, session
from joinedup.model.audit import AuditEvent
from joinedup.store.audit import Verification

__all__ = ["Checked", "Verification", "acknowledge_checkpoint", "processing_of", "verify_chain"]


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


def processing_of(who: Caller, record_id: str) -> list[AuditEvent]:
    """Who processed a record or object, when, how and for what purpose."""
    with session(who) as opened:
        return opened.audit_trail(record_id)
