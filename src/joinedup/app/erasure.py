"""Use cases: erasure requests (UK GDPR art. 17, DPA 2018 s.47), recorded by a data
protection officer for their agency and tracked to a decision: erase, restrict, or refuse
with the reason.

A decision is recorded, never carried out by deleting rows: source records are append-only
and the audit chain names them, so ``erase`` and ``restrict`` both mark the person's
processing as restricted (docs/security.md, "Erasure requests"); ``refuse`` keeps the
records (a safeguarding record is often kept under a legal obligation, art. 17(3)(b)).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from joinedup.app.context import Caller, session
from joinedup.common.errors import InputError
from joinedup.model.base import utcnow
from joinedup.model.erasure import DECISIONS, ErasureRequest
from joinedup.model.vocab import vocabulary

__all__ = ["DECISIONS", "decide_request", "grounds", "list_requests", "record_request"]


def grounds() -> dict[str, str]:
    """The grounds a request may give: code -> label."""
    return {t.code: t.label for t in vocabulary("erasure_grounds").terms}


def record_request(
    who: Caller,
    person_id: str,
    requester: str,
    received_on: date,
    ground: str,
    detail: str = "",
) -> ErasureRequest:
    """Record a request to erase ``person_id``'s data, held by the caller's agency."""
    if ground not in grounds():
        raise InputError(f"unknown grounds {ground!r}")
    if not person_id.strip() or not requester.strip():
        raise InputError("say whose data it is and who asked")
    if received_on > date.today():
        raise InputError("a request cannot be received in the future")
    with session(who) as opened:
        opened.require("erasure.record")
        return opened.add(
            ErasureRequest(
                agency_id=opened.actor.agency_id,
                created_by=opened.actor.user_id,
                person_id=person_id.strip()[:64],
                requester=requester.strip()[:500],
                received_on=received_on,
                grounds=ground,
                detail=detail.strip()[:500] or None,
            )
        )


def decide_request(who: Caller, request_id: str, decision: str, reason: str) -> ErasureRequest:
    """Decide a request: ``erase``, ``restrict`` or ``refuse``, always with the reason."""
    if decision not in DECISIONS:
        raise InputError(f"a decision is one of {', '.join(DECISIONS)}")
    if not reason.strip():
        raise InputError("say why (the reason is kept with the decision)")
    with session(who) as opened:
        opened.require("erasure.decide")
        request = opened.get(ErasureRequest, request_id)
        if request.status != "requested":
            raise InputError("this request was already decided")
        return opened.update(
            ErasureRequest,
            request_id,
            status="decided",
            decision=decision,
            decision_reason=reason.strip()[:500],
            decided_by=opened.actor.user_id,
            decided_at=utcnow(),
        )


def list_requests(who: Caller) -> list[dict[str, Any]]:
    """Every request the caller may see, newest first, with who recorded and decided it
    (usernames) and the grounds' label."""
    labels = grounds()
    with session(who) as opened:
        opened.require("erasure.record")  # the administrators' reach to admin rows is not enough
        rows = opened.list(ErasureRequest)
        ids = {u for r in rows for u in (r.created_by, r.decided_by) if u}
        people = opened.colleagues(ids)

        def name(user_id: str | None) -> str | None:
            return people[user_id].username if user_id in people else user_id

        return [
            {
                **r.model_dump(mode="json"),
                "grounds_label": labels.get(r.grounds, r.grounds),
                "recorded_by": name(r.created_by),
                "decided_by": name(r.decided_by),
            }
            for r in sorted(rows, key=lambda r: r.created_at, reverse=True)
        ]
