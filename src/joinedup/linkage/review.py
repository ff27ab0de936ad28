"""The review queue through the door: list uncertain pairs, confirm or reject them with a reason.

A review item is listed only when the reviewer may see both of its records. A decision is
an alteration of the item and a *combination* (s.62) of the two records; every later
``joinedup link`` run honours it (confirmed pairs always merged, rejected pairs never).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from joinedup.common.errors import InputError
from joinedup.model.base import utcnow
from joinedup.model.linkage import MatchReview
from joinedup.model.organisation import Agency
from joinedup.model.records import SourceRecord
from joinedup.store.actor_session import ActorSession, NotFound
from joinedup.store.hooks import Saved

WHERE_REVIEW = {
    "confirmed": "match review confirmation reason",
    "rejected": "match review rejection reason",
}

COMPARED = (
    "forename",
    "surname",
    "date_of_birth",
    "sex",
    "postcode",
    "nhs_number",
    "upn",
    "pnc_id",
)


@dataclass(frozen=True)
class ReviewPair:
    """One review item with the compared fields of both records side by side."""

    item: MatchReview
    left: dict[str, Any]
    right: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (for JSON)."""
        return {
            "id": self.item.id,
            "status": self.item.status,
            "match_probability": round(self.item.match_probability, 4),
            "match_weight": self.item.match_weight,
            "reason": self.item.reason,
            "left": self.left,
            "right": self.right,
        }


def _side(record: SourceRecord, kinds: dict[str, str]) -> dict[str, Any]:
    fields = {f: record.normalised.get(f) for f in COMPARED}
    return {
        "record_id": record.id,
        "agency": kinds.get(record.agency_id, record.agency_id),
        "record_type": record.record_type,
        "agency_key": record.agency_key,
        **fields,
    }


def list_reviews(
    session: ActorSession,
    status: Literal["open", "confirmed", "rejected", "all"] = "open",
    limit: int = 50,
) -> list[ReviewPair]:
    """Review items the session may act on, most uncertain first (open items)."""
    items = session.list(MatchReview, None if status == "all" else {"status": status})
    items.sort(key=lambda m: (abs(m.match_weight or 0.0), m.record_a, m.record_b))
    kinds = {a.id: a.kind for a in session.list(Agency)}
    out: list[ReviewPair] = []
    for item in items:
        if len(out) >= limit:
            break
        pair = _records(session, item)
        if pair is not None:
            out.append(ReviewPair(item, _side(pair[0], kinds), _side(pair[1], kinds)))
    return out


def _records(session: ActorSession, item: MatchReview) -> tuple[SourceRecord, SourceRecord] | None:
    try:
        return session.get(SourceRecord, item.record_a), session.get(SourceRecord, item.record_b)
    except NotFound:
        return None


def decide(
    session: ActorSession,
    item_id: str,
    verdict: Literal["confirmed", "rejected"],
    reason: str,
) -> Saved[MatchReview]:
    """Confirm or reject a review item; the reason is required and kept with the decision.

    The reason is typed text: saved as written, the victim-blaming language found returned.
    """
    session.require("linkage.review")
    reason = reason.strip()
    if not reason:
        raise InputError("a decision needs a reason")
    item = session.get(MatchReview, item_id)
    if _records(session, item) is None:
        raise NotFound(f"no match_review {item_id!r}")
    session.combine(SourceRecord, [item.record_a, item.record_b])
    decided = session.update(
        MatchReview,
        item_id,
        status=verdict,
        reason=reason[:500],
        decided_by=session.actor.user_id,
        decided_at=utcnow(),
    )
    language = session.entered(
        decided.reason, where=WHERE_REVIEW[verdict], subject_type="match_review", subject_id=item_id
    )
    return Saved(decided, language)
