"""Users, grants and the actor a session is bound to."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from joinedup.model.base import Entity, Id, Purpose, ShortText

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class User(Entity):
    """A person (or service account) who uses the platform, in one agency with one role."""

    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,62}$")
    display_name: ShortText
    agency_id: Id
    role: str = Field(min_length=1, max_length=32)
    password_hash: str | None = Field(default=None, repr=False)
    active: bool = True
    is_service: bool = False
    created_at: datetime | None = None
    # where notification emails go (they say only that there is something to see); optional
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)


GrantStatus = Literal["requested", "approved", "refused"]


class Grant(Entity):
    """Expiring, revocable access for one user to another agency's records or to one case,
    for one purpose. Requested (``granted_by`` is who asked), then approved or refused by a
    named person of the agency whose records it opens; live only when approved, unexpired
    and not revoked."""

    user_id: Id
    agency_id: Id
    case_id: Id | None = None
    purpose: Purpose
    reason: ShortText
    granted_by: Id | None = None
    created_at: datetime | None = None
    expires_at: datetime
    revoked_at: datetime | None = None
    status: GrantStatus = "requested"
    decided_by: Id | None = None
    decided_at: datetime | None = None
    decision_note: ShortText | None = None


class Actor(BaseModel):
    """Who is acting, resolved from a user at session start."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user_id: Id
    username: str
    agency_id: Id
    role: str
