"""The review queue through the door: list uncertain pairs, confirm or reject them with a reason.

A review item is listed only when the reviewer may see both of its records. A decision is
an alteration of the item and a *combination* (s.62) of the two records; every later
``joinedup link`` run honours it (confirmed pairs always merged, rejected pairs never).

Open items are those the latest run queued (an item a later run did not queue again is no
longer uncertain); they come most valuable first: a decision's value is its uncertainty
(``4p(1-p)``) times ``1 + ln`` of the record pairs it would join (the sizes of the two
persons multiplied), doubled when either person is a child with an open flag. An item whose two
records are one person already is implied and not listed. One decision settles the open
items between the same two persons: a confirmation joins the persons, a rejection keeps
them apart (:func:`decide` decides those items the same way, naming the decision).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from joinedup.common.errors import InputError
from joinedup.linkage.persist import latest_run, load_person_ids
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
#: shown beside the compared fields on the review page
SHOWN = ("address", "locality", "phone")


@dataclass(frozen=True)
class ReviewPair:
    """One review item with the compared fields of both records side by side."""

    item: MatchReview
    left: dict[str, Any]
    right: dict[str, Any]
    #: value of deciding it (open items; see the module docstring)
    value: float = 0.0
    #: record pairs a decision would join or keep apart
    bridged: int = 1
    #: other open items the decision settles (the same two persons)
    settles: int = 0
    flagged: bool = field(default=False)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (for JSON)."""
        return {
            "id": self.item.id,
            "status": self.item.status,
            "match_probability": round(self.item.match_probability, 4),
            "match_weight": self.item.match_weight,
            "reason": self.item.reason,
            "value": round(self.value, 4),
            "record_pairs_bridged": self.bridged,
            "settles_items": self.settles,
            "flagged_child": self.flagged,
            "evidence": self.item.evidence,
            "left": self.left,
            "right": self.right,
        }


def _side(
    record: SourceRecord, kinds: dict[str, str], persons: Mapping[str, str] | None = None
) -> dict[str, Any]:
    fields = {f: record.normalised.get(f) for f in (*COMPARED, *SHOWN)}
    return {
        "record_id": record.id,
        "agency": kinds.get(record.agency_id, record.agency_id),
        "record_type": record.record_type,
        "agency_key": record.agency_key,
        **({"person_id": persons.get(record.id)} if persons is not None else {}),
        **fields,
    }


def decision_value(probability: float, bridged: int, flagged: bool) -> float:
    """Uncertainty times the size of what the decision changes (module docstring)."""
    p = min(max(probability, 0.0), 1.0)
    return 4 * p * (1 - p) * (1 + math.log(max(bridged, 1))) * (2.0 if flagged else 1.0)


def list_reviews(
    session: ActorSession,
    status: Literal["open", "confirmed", "rejected", "all"] = "open",
    limit: int = 50,
    flagged_persons: Collection[str] = (),
) -> list[ReviewPair]:
    """Review items the session may act on; open items most valuable first (module
    docstring), implied ones left out; ``flagged_persons``: persons with an open flag."""
    items = session.list(MatchReview, None if status == "all" else {"status": status})
    latest = latest_run(session) if items else None
    if latest is not None:  # an open item a later run did not queue again is settled
        items = [m for m in items if m.status != "open" or m.run_id == latest.id]
    persons = load_person_ids(session) if items else {}
    sizes = Counter(persons.values())
    flagged = set(flagged_persons)
    scored: list[tuple[float, int, int, bool, MatchReview]] = []
    between: Counter[tuple[str, str]] = Counter()
    for item in items:
        a = persons.get(item.record_a, item.record_a)
        b = persons.get(item.record_b, item.record_b)
        if item.status == "open" and a == b:
            continue  # implied: the two records are one person already
        bridged = sizes.get(a, 1) * sizes.get(b, 1)
        hot = a in flagged or b in flagged
        value = decision_value(item.match_probability, bridged, hot)
        scored.append((value, bridged, 0, hot, item))
        if item.status == "open":
            between[_persons_key(a, b)] += 1
    if status == "open":
        scored.sort(key=lambda s: (-s[0], s[4].record_a, s[4].record_b))
    else:
        scored.sort(key=lambda s: (abs(s[4].match_weight or 0.0), s[4].record_a, s[4].record_b))
    kinds = {a.id: a.kind for a in session.list(Agency)}
    out: list[ReviewPair] = []
    for value, bridged, _, hot, item in scored:
        if len(out) >= limit:
            break
        pair = _records(session, item)
        if pair is not None:
            key = _persons_key(
                persons.get(item.record_a, item.record_a), persons.get(item.record_b, item.record_b)
            )
            out.append(
                ReviewPair(
                    item,
                    _side(pair[0], kinds),
                    _side(pair[1], kinds),
                    value=value,
                    bridged=bridged,
                    settles=max(between[key] - 1, 0) if item.status == "open" else 0,
                    flagged=hot,
                )
            )
    return out


def open_count(session: ActorSession) -> int:
    """Open items in the queue as :func:`list_reviews` counts them (latest run, implied
    ones left out)."""
    items = session.list(MatchReview, {"status": "open"})
    latest = latest_run(session) if items else None
    if latest is not None:
        items = [m for m in items if m.run_id == latest.id]
    persons = load_person_ids(session) if items else {}
    return sum(
        1
        for m in items
        if persons.get(m.record_a, m.record_a) != persons.get(m.record_b, m.record_b)
    )


@dataclass(frozen=True)
class ReviewDetail:
    """One review item for a decision: the pair, its agencies' names, and the other open
    items its decision also settles (the same two persons)."""

    pair: ReviewPair
    agencies: dict[str, str]
    implied: list[ReviewPair]


def review_item(
    session: ActorSession, item_id: str, flagged_persons: Collection[str] = ()
) -> ReviewDetail:
    """One review item the session may see both records of, with what deciding it settles."""
    item = session.get(MatchReview, item_id)
    pair = _records(session, item)
    if pair is None:
        raise NotFound(f"no match_review {item_id!r}")
    persons = load_person_ids(session)
    sizes = Counter(persons.values())
    a = persons.get(item.record_a, item.record_a)
    b = persons.get(item.record_b, item.record_b)
    bridged = sizes.get(a, 1) * sizes.get(b, 1)
    hot = a in flagged_persons or b in flagged_persons
    agencies = {g.id: g.name for g in session.list(Agency)}
    implied: list[ReviewPair] = []
    if item.status == "open":
        for other in _settled_by(session, item, persons):
            found = _records(session, other)
            if found is not None:
                implied.append(
                    ReviewPair(
                        other,
                        _side(found[0], agencies, persons),
                        _side(found[1], agencies, persons),
                    )
                )
    value = decision_value(item.match_probability, bridged, hot) if item.status == "open" else 0.0
    shown = ReviewPair(
        item,
        _side(pair[0], agencies, persons),
        _side(pair[1], agencies, persons),
        value=value,
        bridged=bridged,
        settles=len(implied),
        flagged=hot,
    )
    return ReviewDetail(shown, agencies, implied)


def _persons_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _settled_by(
    session: ActorSession, item: MatchReview, persons: Mapping[str, str]
) -> list[MatchReview]:
    """Other open items between the same two persons as ``item``."""
    key = _persons_key(
        persons.get(item.record_a, item.record_a), persons.get(item.record_b, item.record_b)
    )
    if key[0] == key[1]:
        return []
    return [
        other
        for other in session.list(MatchReview, {"status": "open"})
        if other.id != item.id
        and _persons_key(
            persons.get(other.record_a, other.record_a),
            persons.get(other.record_b, other.record_b),
        )
        == key
    ]


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
    now = utcnow()
    decided = session.update(
        MatchReview,
        item_id,
        status=verdict,
        reason=reason[:500],
        decided_by=session.actor.user_id,
        decided_at=now,
    )
    for other in _settled_by(session, item, load_person_ids(session)):
        if _records(session, other) is None:
            continue  # a pair the reviewer may not see stays for someone who may
        session.combine(SourceRecord, [other.record_a, other.record_b])
        settled = f"settled by the decision on review item {item_id}"
        session.update(
            MatchReview,
            other.id,
            status=verdict,
            reason=settled,
            decided_by=session.actor.user_id,
            decided_at=now,
        )
        # written in the reviewer's name: passed through the language check like any reason
        session.entered(
            settled, where=WHERE_REVIEW[verdict], subject_type="match_review", subject_id=other.id
        )
    language = session.entered(
        decided.reason, where=WHERE_REVIEW[verdict], subject_type="match_review", subject_id=item_id
    )
    return Saved(decided, language)
