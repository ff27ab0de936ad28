"""What the session's mixins share: the ORM session and the audit log call, implemented by
:class:`joinedup.store.actor_session.ActorSession` (declared here for the type checker)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from joinedup.model.audit import Access, Operation

__all__ = ["Logged"]


class Logged:
    """A part of the actor's session that writes audit rows through ``_log``."""

    _orm: Session

    if TYPE_CHECKING:

        def _log(
            self,
            operation: Operation,
            access: Access,
            object_type: str,
            ids: Sequence[str],
            recipient: str | None = None,
            detail: Mapping[str, Any] | None = None,
            *,
            fact: bool = False,
        ) -> None: ...
