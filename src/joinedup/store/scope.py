"""The one scope predicate: which rows of a kind an actor may reach for an operation.

Every query the door runs (get, list, search, export, update, erase, and the check after an
insert) is filtered by :func:`scope_clause`, so an out-of-scope row behaves exactly like a
missing one. Anything the policy does not grant is denied (the clause is ``false``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true

from joinedup.model.access import Actor
from joinedup.model.audit import Operation
from joinedup.model.policy import Reach, policy
from joinedup.store.kinds import Kind
from joinedup.store.tables.admin import ErasureRow, GrantRow, PanelMemberRow
from joinedup.store.tables.panel import AgendaItemRow


def _live_grant(actor: Actor, now: datetime) -> ColumnElement[bool]:
    return and_(
        GrantRow.user_id == actor.user_id,
        GrantRow.revoked_at.is_(None),
        GrantRow.expires_at > now,
    )


def _my_panels(actor: Actor) -> Any:
    return select(PanelMemberRow.panel_id).where(PanelMemberRow.user_id == actor.user_id)


def _reach_clause(
    reach: Reach, kind: Kind, actor: Actor, now: datetime
) -> ColumnElement[bool] | None:
    owner = kind.column(kind.owner_column)
    case = kind.column(kind.case_column)
    panel = kind.column(kind.panel_column)
    creator = kind.column(kind.creator_column)
    if reach == "partnership":
        return true()
    if reach == "own_agency":
        return None if owner is None else owner == actor.agency_id
    if reach == "own_submissions":
        return None if creator is None else creator == actor.user_id
    if reach == "grant":
        parts = []
        if owner is not None:
            parts.append(
                exists().where(
                    _live_grant(actor, now), GrantRow.case_id.is_(None), GrantRow.agency_id == owner
                )
            )
            if case is not None:
                parts.append(
                    exists().where(
                        _live_grant(actor, now),
                        GrantRow.case_id == case,
                        GrantRow.agency_id == owner,
                    )
                )
        return or_(*parts) if parts else None
    if reach == "panel":
        parts = []
        if panel is not None:
            parts.append(panel.in_(_my_panels(actor)))
        if case is not None:
            parts.append(
                case.in_(
                    select(AgendaItemRow.case_id).where(
                        AgendaItemRow.case_id.is_not(None),
                        AgendaItemRow.panel_id.in_(_my_panels(actor)),
                    )
                )
            )
        return or_(*parts) if parts else None
    raise ValueError(f"unknown reach {reach!r}")


def scope_clause(
    kind: Kind, actor: Actor, operation: Operation, now: datetime
) -> ColumnElement[bool]:
    """The WHERE clause limiting ``kind`` to what ``actor`` may reach for ``operation``."""
    reaches = policy().reaches(actor.role, operation, kind.category)
    clauses = [c for r in reaches if (c := _reach_clause(r, kind, actor, now)) is not None]
    if not clauses:
        return false()
    not_erased = ~exists().where(
        ErasureRow.object_type == kind.name,
        ErasureRow.object_id == kind.table.id,  # type: ignore[attr-defined]
    )
    return and_(or_(*clauses), not_erased)
