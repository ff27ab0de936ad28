"""The audit trail's side of a session (mixed into it): what it records beyond reads and
writes (what was shown, an elevation), and what an auditor asks: who processed what, which
records an agency's reference or a person stands for, the chain's verification, and the logged
acknowledgement of a checkpoint that no longer matches."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from joinedup.common.errors import InputError
from joinedup.model.access import Actor
from joinedup.model.audit import AuditEvent, Operation
from joinedup.model.policy import Category
from joinedup.store import audit
from joinedup.store.checkpoint import CheckpointFile
from joinedup.store.checks import Forbidden
from joinedup.store.logged import Logged
from joinedup.store.tables.linkage import PersonLinkRow
from joinedup.store.tables.records import SourceRecordRow


def _forbidden(message: str) -> Exception:
    return Forbidden(message)


class AuditorQueries(Logged):
    """What the session records for the audit trail beyond reads and writes, and the audit
    chain's questions and upkeep, for auditors."""

    _key: bytes
    reanchor: bool
    on_behalf_of: Actor | None

    if TYPE_CHECKING:

        def require(self, action: str) -> None: ...

        def require_operation(self, operation: Operation, category: Category) -> None: ...

    def record_elevation(self, action: str, reason: str) -> None:
        """Log that this (service account) session starts acting on a person's behalf: one
        row naming the person (``on_behalf_of``, and the object), the action and the reason.
        Kept as a fact, so it is logged again if the transaction rolls back."""
        person = self.on_behalf_of
        if person is None:
            raise ValueError("only a session opened on a person's behalf records an elevation")
        detail = {
            "action": action,
            "reason": reason,
            "person": person.username,
            "person_role": person.role,
        }
        self._log("alteration", "elevate", "user", [person.user_id], detail=detail, fact=True)

    def record_shown(self, object_type: str, ids: Iterable[str]) -> None:
        """Log that objects already read (by a scan, for instance) were shown to the person:
        a consultation by ``show`` naming them, such as the child an assessment is about and
        the records cited as its evidence. The caller names only what it displays."""
        id_list = sorted({str(i) for i in ids if i})
        if id_list:
            self._log("consultation", "show", object_type, id_list)

    def audit_trail(
        self,
        record_ids: str | Iterable[str] = (),
        *,
        actor_name: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> builtins.list[AuditEvent]:
        """Who processed these records (or, with ``actor_name``, what that user processed),
        when, how and why, within a period (auditors only)."""
        self.require_operation("consultation", "audit")
        self.require("audit.show")
        ids = [record_ids] if isinstance(record_ids, str) else builtins.list(record_ids)
        events = audit.events_matching(
            self._orm, ids, actor_name=actor_name, since=since, until=until
        )
        self._log("consultation", "list", "audit_event", [str(e.seq) for e in events])
        return events

    def audit_subjects(
        self, *, reference: str | None = None, person_id: str | None = None
    ) -> builtins.list[str]:
        """The ids of the records an auditor asks about: those with an agency's own
        reference (a police nominal, a UPN, ...) and those linked to a resolved person (ids
        only, no content; auditors only)."""
        self.require_operation("consultation", "audit")
        self.require("audit.show")
        ids: builtins.set[str] = set()
        if reference is not None:
            ids.update(
                self._orm.execute(
                    select(SourceRecordRow.id).where(SourceRecordRow.agency_key == reference)
                ).scalars()
            )
        if person_id is not None:
            ids.update(
                self._orm.execute(
                    select(PersonLinkRow.record_id).where(PersonLinkRow.person_id == person_id)
                ).scalars()
            )
        found = sorted(ids)
        self._log("consultation", "search", "source_record", found)
        return found

    def verify_chain(self, checkpoint: CheckpointFile) -> audit.Verification:
        """Verify the whole audit chain against the key and the checkpoint."""
        self.require_operation("consultation", "audit_chain")
        self.require("audit.verify")
        result = audit.verify(self._orm.connection(), self._key, checkpoint)
        self._log("consultation", "verify", "audit_chain", [])
        return result

    def acknowledge_checkpoint(self, checkpoint: CheckpointFile, reason: str) -> audit.Verification:
        """An auditor accepts that the signed heads outside the database (checkpoint, anchor)
        no longer match the chain, after looking into why: logged with the reason and what
        verification found; the door then re-anchors at this row. Rows of the chain that
        fail stay reported; a changed database id needs ``init --adopt-database``."""
        self.require_operation("consultation", "audit")
        self.require("audit.acknowledge_checkpoint")
        if not reason.strip():
            raise InputError("an acknowledgement needs a reason: say what was looked into")
        result = self.verify_chain(checkpoint)
        if any(f.kind == "database_id" for f in result.findings):
            raise _forbidden(
                "the database's id differs from the anchor's: adopt a database deliberately "
                "with `joinedup init --adopt-database --reason TEXT`, not by acknowledgement"
            )
        settled = [f.message for f in result.findings if f.kind in audit.ACKNOWLEDGEABLE]
        if not settled:
            raise InputError(
                "nothing to acknowledge: the checkpoint and the anchor agree with the chain"
            )
        detail = {"reason": reason.strip()[:500], "findings": settled}
        ids = [checkpoint.database_id]  # `audit show --record <database id>` lists them
        self._log("alteration", "acknowledge", "audit_checkpoint", ids, detail=detail)
        self.reanchor = True
        return result
