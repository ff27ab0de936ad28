"""The one scope predicate: which rows of a kind an actor may reach for an operation.

Every query the door runs (get, list, search, export, update, erase, and the check after an
insert) is filtered by :func:`scope_clause`, so an out-of-scope row behaves exactly like a
missing one. Anything the policy does not grant is denied (the clause is ``false``).

A grant counts only when it was approved by the owning agency, has not expired or been
revoked, and was made for the session's purpose. An information-sharing agreement counts only
while live, for its members, for its purpose (store/sharing.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true, union

from joinedup.model.access import Actor
from joinedup.model.audit import Operation
from joinedup.model.policy import Reach, policy
from joinedup.store.kinds import Kind
from joinedup.store.sharing import NOTHING, Sharing
from joinedup.store.tables.admin import ErasureRow, GrantRow, PanelMemberRow
from joinedup.store.tables.cases import CaseRow, FlagRow
from joinedup.store.tables.linkage import PersonLinkRow
from joinedup.store.tables.panel import AgendaItemRow


@dataclass(frozen=True)
class Reader:
    """Who reads, for what purpose, when, under which agreements; ``aggregate`` marks a
    session computing aggregate outputs under an ``aggregate`` agreement."""

    actor: Actor
    purpose: str
    now: datetime
    sharing: Sharing = NOTHING
    aggregate: bool = False


def _live_grant(reader: Reader) -> ColumnElement[bool]:
    return and_(
        GrantRow.user_id == reader.actor.user_id,
        GrantRow.status == "approved",
        GrantRow.purpose == reader.purpose,
        GrantRow.revoked_at.is_(None),
        GrantRow.expires_at > reader.now,
    )


def _my_panels(actor: Actor) -> Any:
    return select(PanelMemberRow.panel_id).where(PanelMemberRow.user_id == actor.user_id)


#: flag subject types whose subject id is a resolved person
PERSON_SUBJECTS = ("child", "person")


def _children_with_open_cases() -> Any:
    """Persons with a CSE flag not resolved or an open case."""
    return union(
        select(FlagRow.subject_id).where(
            FlagRow.subject_type.in_(PERSON_SUBJECTS), FlagRow.status != "resolved"
        ),
        select(CaseRow.child_person_id).where(CaseRow.status == "open"),
    )


def _about_open_case(kind: Kind) -> ColumnElement[bool] | None:
    if kind.subject is None:
        return None
    children = _children_with_open_cases()
    if kind.subject == "record":
        return exists().where(
            PersonLinkRow.record_id == kind.table.id,  # type: ignore[attr-defined]
            PersonLinkRow.person_id.in_(children),
        )
    return kind.column(kind.subject).in_(children)  # type: ignore[no-any-return]


def _agreement_clause(kind: Kind, reader: Reader, owner: Any) -> ColumnElement[bool] | None:
    if owner is None:
        return None
    parts = []
    if reader.aggregate and reader.sharing.aggregate:
        parts.append(owner.in_(sorted(reader.sharing.aggregate)))
    if reader.sharing.open_cases and (about := _about_open_case(kind)) is not None:
        parts.append(and_(owner.in_(sorted(reader.sharing.open_cases)), about))
    return or_(*parts) if parts else None


def _grant_clause(kind: Kind, reader: Reader, owner: Any, case: Any) -> ColumnElement[bool] | None:
    if owner is None:
        return None
    live = _live_grant(reader)
    parts = [exists().where(live, GrantRow.case_id.is_(None), GrantRow.agency_id == owner)]
    if case is not None:
        parts.append(exists().where(live, GrantRow.case_id == case, GrantRow.agency_id == owner))
    return or_(*parts)


def _panel_clause(kind: Kind, actor: Actor, panel: Any, case: Any) -> ColumnElement[bool] | None:
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


def _reach_clause(reach: Reach, kind: Kind, reader: Reader) -> ColumnElement[bool] | None:
    actor = reader.actor
    owner = kind.column(kind.owner_column)
    case = kind.column(kind.case_column)
    if reach == "partnership":
        return true()
    if reach == "own_agency":
        return None if owner is None else owner == actor.agency_id
    if reach == "own_submissions":
        creator = kind.column(kind.creator_column)
        return None if creator is None else creator == actor.user_id
    if reach == "grant":
        return _grant_clause(kind, reader, owner, case)
    if reach == "agreement":
        return _agreement_clause(kind, reader, owner)
    if reach == "panel":
        return _panel_clause(kind, actor, kind.column(kind.panel_column), case)
    raise ValueError(f"unknown reach {reach!r}")


def scope_clause(kind: Kind, reader: Reader, operation: Operation) -> ColumnElement[bool]:
    """The WHERE clause limiting ``kind`` to what ``reader`` may reach for ``operation``."""
    reaches = policy().reaches(reader.actor.role, operation, kind.category)
    clauses = [c for r in reaches if (c := _reach_clause(r, kind, reader)) is not None]
    if not clauses:
        return false()
    not_erased = ~exists().where(
        ErasureRow.object_type == kind.name,
        ErasureRow.object_id == kind.table.id,  # type: ignore[attr-defined]
    )
    return and_(or_(*clauses), not_erased)
