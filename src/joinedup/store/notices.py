"""Each user's notification state, written directly (like the worker's job runs): a user id,
a key naming a kind and an id, and two times. It holds no case data; what a notification is
about is read through the door when the notifications are listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, insert, select, update

from joinedup.model.base import utcnow
from joinedup.store.tables.notices import NotificationStateRow as Row

MAX_KEY = 160


@dataclass(frozen=True)
class State:
    """When a user read a notification, and when an email told them of it."""

    read_at: datetime | None = None
    emailed_at: datetime | None = None


def states(engine: Engine, user_id: str) -> dict[str, State]:
    """Every stored state of ``user_id``'s notifications, by key."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Row.key, Row.read_at, Row.emailed_at).where(Row.user_id == user_id)
        ).all()
    return {key: State(read_at, emailed_at) for key, read_at, emailed_at in rows}


def _stamp(engine: Engine, user_id: str, keys: Iterable[str], column: str, when: datetime) -> int:
    wanted = sorted({k for k in keys if k and len(k) <= MAX_KEY})
    if not wanted:
        return 0
    changed = 0
    with engine.begin() as conn:
        have = set(
            conn.execute(
                select(Row.key).where(Row.user_id == user_id, Row.key.in_(wanted))
            ).scalars()
        )
        blank = getattr(Row, column).is_(None)
        for key in wanted:
            if key in have:
                done = conn.execute(
                    update(Row)
                    .where(Row.user_id == user_id, Row.key == key, blank)
                    .values({column: when})
                )
                changed += done.rowcount
            else:
                conn.execute(insert(Row).values(user_id=user_id, key=key, **{column: when}))
                changed += 1
    return changed


def mark_read(
    engine: Engine, user_id: str, keys: Iterable[str], when: datetime | None = None
) -> int:
    """Record that ``user_id`` read these notifications (already read: unchanged)."""
    return _stamp(engine, user_id, keys, "read_at", when or utcnow())


def mark_emailed(
    engine: Engine, user_id: str, keys: Iterable[str], when: datetime | None = None
) -> int:
    """Record that an email told ``user_id`` of these notifications (so never again)."""
    return _stamp(engine, user_id, keys, "emailed_at", when or utcnow())


def forget_except(engine: Engine, user_id: str, live: Iterable[str]) -> int:
    """Drop ``user_id``'s states of notifications no longer pending (dealt with)."""
    keep = set(live)
    with engine.begin() as conn:
        stored = conn.execute(select(Row.key).where(Row.user_id == user_id)).scalars().all()
        gone = [k for k in stored if k not in keep]
        for start in range(0, len(gone), 500):
            conn.execute(
                delete(Row).where(Row.user_id == user_id, Row.key.in_(gone[start : start + 500]))
            )
    return len(gone)
