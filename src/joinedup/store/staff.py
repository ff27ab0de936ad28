"""The partnership's staff directory, as seen from an actor session.

Assigning a panel action, routing intelligence or naming a chair needs to know who a colleague
is (their id, agency and role) without reading the user table's administration fields, and a
panel member needs the panels they sit on. These lookups are open to every actor, return
nothing else, and are logged as consultations like every other read.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from joinedup.common.errors import JoinedupError
from joinedup.model.access import Actor
from joinedup.model.panel import Panel
from joinedup.store.logged import Logged
from joinedup.store.tables.admin import PanelMemberRow, PanelRow, UserRow


class UnknownColleague(JoinedupError, ValueError):
    """No active user has that name or id."""


def _actor(row: UserRow) -> Actor:
    return Actor(user_id=row.id, username=row.username, agency_id=row.agency_id, role=row.role)


class StaffDirectory(Logged):
    """Mixed into :class:`~joinedup.store.actor_session.ActorSession`."""

    actor: Actor

    def colleague(self, username: str) -> Actor:
        """The active user called ``username`` (id, agency, role); raises UnknownColleague."""
        row = self._orm.execute(
            select(UserRow).where(UserRow.username == username, UserRow.active.is_(True))
        ).scalar_one_or_none()
        if row is None:
            raise UnknownColleague(f"no active user named {username!r}")
        self._log("consultation", "get", "user", [row.id])
        return _actor(row)

    def colleagues(self, user_ids: Iterable[str]) -> dict[str, Actor]:
        """Users by id (active or not), for showing names; unknown ids are left out."""
        ids = sorted({i for i in user_ids if i})
        if not ids:
            return {}
        rows = self._orm.execute(select(UserRow).where(UserRow.id.in_(ids))).scalars().all()
        self._log("consultation", "list", "user", [r.id for r in rows])
        return {r.id: _actor(r) for r in rows}

    def mail_recipients(self) -> list[tuple[Actor, str]]:
        """Active people with an email address, and the address (the service account only:
        it sends notification emails). Logged as a consultation of those users."""
        if not getattr(self, "is_service", False):
            raise PermissionError("only the service account reads the email addresses")
        rows = (
            self._orm.execute(
                select(UserRow)
                .where(
                    UserRow.active.is_(True),
                    UserRow.is_service.is_(False),
                    UserRow.email.is_not(None),
                )
                .order_by(UserRow.id)
            )
            .scalars()
            .all()
        )
        self._log("consultation", "list", "user", [r.id for r in rows])
        return [(_actor(r), str(r.email)) for r in rows]

    def my_panels(self) -> list[Panel]:
        """The panels the acting user sits on, by name."""
        rows = (
            self._orm.execute(
                select(PanelRow)
                .join(PanelMemberRow, PanelMemberRow.panel_id == PanelRow.id)
                .where(PanelMemberRow.user_id == self.actor.user_id)
                .order_by(PanelRow.name)
            )
            .scalars()
            .all()
        )
        self._log("consultation", "list", "panel", [r.id for r in rows])
        return [
            Panel(
                id=r.id,
                name=r.name,
                agency_id=r.agency_id,
                created_by=r.created_by,
                created_at=r.created_at,
            )
            for r in rows
        ]

    def panel_members(self, panel_id: str) -> list[Actor]:
        """Who sits on ``panel_id`` (empty unless the acting user sits on it too)."""
        mine = select(PanelMemberRow.panel_id).where(PanelMemberRow.user_id == self.actor.user_id)
        rows = (
            self._orm.execute(
                select(UserRow)
                .join(PanelMemberRow, PanelMemberRow.user_id == UserRow.id)
                .where(PanelMemberRow.panel_id == panel_id, PanelMemberRow.panel_id.in_(mine))
                .order_by(UserRow.username)
            )
            .scalars()
            .all()
        )
        self._log("consultation", "list", "panel_member", [r.id for r in rows])
        return [_actor(r) for r in rows]
