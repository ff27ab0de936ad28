"""Audit events (DPA 2018 s.62): metadata of every processing operation, never content."""

from __future__ import annotations

from typing import Literal

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
# how the operation was reached through the door (no case content)
Access = Literal["add", "update", "get", "list", "search", "export", "combine", "erase", "verify"]


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
    prev_mac: str
    mac: str
