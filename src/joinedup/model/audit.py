"""Audit events (DPA 2018 s.62): metadata of every processing operation, never content."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Operation = Literal[
    "collection", "alteration", "consultation", "disclosure", "combination", "erasure"
]
OPERATIONS: tuple[Operation, ...] = (
    "collection",
    "alteration",
    "consultation",
    "disclosure",
    "combination",
    "erasure",
)
# how the operation was reached through the door (no case content). A consultation by get,
# list, search or show names what was shown to the person; by scan, it counts what was read to
# compute something (the ids are not listed). acknowledge, anchor and restore are the audit
# chain's own upkeep (an auditor's acknowledgement, init's anchor, triggers put back).
# sign_in ... enrol are identity events (sign-in attempts, lockouts, sessions and tokens issued,
# ended or revoked, accounts deactivated, passwords and second factors reset or enrolled);
# elevate is the service account starting to act on a person's behalf (Door.on_behalf).
Access = Literal[
    "add",
    "update",
    "get",
    "list",
    "search",
    "show",
    "scan",
    "export",
    "combine",
    "erase",
    "verify",
    "acknowledge",
    "anchor",
    "restore",
    "sign_in",
    "lockout",
    "issue",
    "end",
    "revoke",
    "deactivate",
    "reset",
    "enrol",
    "elevate",
]


class AuditEvent(BaseModel):
    """One row of the audit chain."""

    model_config = ConfigDict(extra="forbid", frozen=True, from_attributes=True)

    seq: int = Field(ge=1)
    occurred_at: str
    actor_id: str | None
    actor_name: str
    agency_id: str | None
    role: str
    operation: Operation
    access: Access
    object_type: str
    object_ids: list[str]
    purpose: str
    recipient: str | None = None
    # metadata about the operation, never case content: rows scanned, a failed transaction's
    # outcome, the reason an auditor gave (None on rows that have none)
    detail: dict[str, Any] | None = None
    # the person (user id) on whose behalf the service account acted (None: it acted for
    # itself, or a person acted)
    on_behalf_of: str | None = None
    prev_mac: str
    mac: str
