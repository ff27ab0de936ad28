"""The narrow, audited system path onto the identity tables.

Sign-in, sessions, tokens and account administration do not go through the scoped door (no
actor may read credentials or sessions, not even an administrator): they open an
:class:`IdentityPath` transaction, change the identity tables directly and write one audit
row per event on the same HMAC chain, in the same transaction, as the door does. After commit
the checkpoint outside the database is advanced by the callback given (the door's
``advance``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from joinedup.model.audit import Access, Operation
from joinedup.model.base import utcnow
from joinedup.store import audit, origin
from joinedup.store.tables.admin import UserRow
from joinedup.store.tables.identity import CredentialRow

# the audit purpose of identity events a person does for themselves (signing in, tokens);
# what an administrator does to an account is logged under "administration"
AUTHENTICATION = "authentication"


@dataclass(frozen=True)
class Who:
    """Who an identity event is by: a known user, or someone not (yet) authenticated."""

    user_id: str | None
    username: str
    agency_id: str | None
    role: str


NOBODY = Who(None, "unauthenticated", None, "none")
SYSTEM = Who(None, "system", None, "system")  # timeouts: nobody ended the session by hand


def who(user: UserRow) -> Who:
    """The :class:`Who` of a user row."""
    return Who(user.id, user.username, user.agency_id, user.role)


class IdentityTx:
    """One transaction on the identity tables; :meth:`log` writes its audit rows."""

    def __init__(self, orm: Session, audit_key: bytes, now: datetime) -> None:
        self.orm = orm
        self.now = now
        self._key = audit_key
        self.head: tuple[int, str] | None = None

    def log(
        self,
        by: Who,
        operation: Operation,
        access: Access,
        object_type: str,
        ids: Sequence[str],
        *,
        purpose: str = AUTHENTICATION,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Append one audit row (metadata only) in this transaction."""
        entry = audit.Entry(
            actor_id=by.user_id,
            actor_name=by.username,
            agency_id=by.agency_id,
            role=by.role,
            operation=operation,
            access=access,
            object_type=object_type,
            object_ids=list(ids),
            purpose=purpose,
            detail=origin.stamped(detail),
        )
        self.head = audit.append(self.orm, self._key, entry, self.now)

    def user(self, username: str) -> UserRow | None:
        """The user called ``username`` (active or not)."""
        return self.orm.execute(
            select(UserRow).where(UserRow.username == username)
        ).scalar_one_or_none()

    def user_by_id(self, user_id: str) -> UserRow | None:
        """The user with ``user_id``."""
        return self.orm.get(UserRow, user_id)

    def credential(self, user_id: str, *, create: bool = False) -> CredentialRow | None:
        """The user's credential row (created empty when ``create`` and missing)."""
        row = self.orm.get(CredentialRow, user_id)
        if row is None and create:
            row = CredentialRow(user_id=user_id)
            self.orm.add(row)
            self.orm.flush()
        return row


class IdentityPath:
    """Opens identity transactions on one database."""

    def __init__(
        self,
        engine: Engine,
        audit_key: bytes,
        advance: Callable[[int, str], None] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self._key = audit_key
        self._advance = advance

    @contextmanager
    def transaction(self) -> Iterator[IdentityTx]:
        """A transaction that commits on success (rolls back on error) and then advances the
        audit checkpoint."""
        with Session(self.engine, expire_on_commit=False) as orm:
            tx = IdentityTx(orm, self._key, self.clock())
            try:
                yield tx
                orm.commit()
            except BaseException:
                orm.rollback()
                raise
        if tx.head is not None and self._advance is not None:
            self._advance(*tx.head)
