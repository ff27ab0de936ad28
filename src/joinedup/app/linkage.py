"""Use cases: link records into resolved persons; a person decides uncertain matches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from joinedup.app.context import Caller, session
from joinedup.app.results import Saved
from joinedup.linkage.evidence import plain_level, plain_words, words
from joinedup.linkage.persist import LinkOutcome, run_linkage
from joinedup.linkage.review import (
    ReviewDetail,
    ReviewPair,
    decide,
    list_reviews,
    open_count,
    review_item,
)
from joinedup.model.linkage import MatchReview
from joinedup.model.safeguarding import Flag

__all__ = [
    "LinkOutcome",
    "Queue",
    "ReviewDetail",
    "ReviewPair",
    "decide_match",
    "evidence_words",
    "field_words",
    "link_records",
    "review_pair",
    "review_queue",
    "review_queue_page",
]

Verdict = Literal["confirmed", "rejected"]


def link_records(
    who: Caller,
    *,
    threshold: float = 0.9,
    review_lower: float = 0.5,
    backend: Literal["duckdb", "spark"] = "duckdb",
    retrain: bool = False,
    progress: Callable[[str], None] | None = None,
) -> LinkOutcome:
    """Link every person record in scope (new batches incrementally) and store the persons."""
    if review_lower > threshold:
        raise ValueError("the review band's lower edge must not exceed the threshold")
    from joinedup.linkage.link import LinkConfig  # Splink and DuckDB load when linkage runs

    config = LinkConfig(threshold=threshold, review_lower=review_lower, backend=backend)
    with session(who) as opened:
        return run_linkage(opened, config, retrain=retrain, progress=progress)


Status = Literal["open", "confirmed", "rejected", "all"]


def _flagged(opened: Any) -> set[str]:
    return {
        f.subject_id
        for f in opened.list(Flag, {"status": "open"})
        if f.subject_type in ("child", "person")
    }


def review_queue(who: Caller, status: Status, limit: int) -> list[ReviewPair]:
    """Review items with both records side by side; open ones most valuable first (how
    uncertain, how much the decision joins, a child with an open flag first)."""
    with session(who) as opened:
        return list_reviews(opened, status, limit, flagged_persons=_flagged(opened))


@dataclass
class Queue:
    """The review queue as the analyst's page shows it."""

    open: int
    pairs: list[ReviewPair]
    #: open pairs the reader may not see both records of (known when the list is complete)
    hidden: int = 0


def review_queue_page(
    who: Caller, status: Status, limit: int, *, flagged_only: bool = False
) -> Queue:
    """How many items are open, and the first ``limit`` items of ``status`` in the stored
    order (open: most valuable decision first); ``flagged_only``: a child with an open flag."""
    with session(who) as opened:
        opened.require("linkage.review")
        pairs = list_reviews(
            opened, status, limit if not flagged_only else 10_000, _flagged(opened)
        )
        complete = len(pairs) < (10_000 if flagged_only else limit)
        if flagged_only:
            pairs = [p for p in pairs if p.flagged][:limit]
        count = open_count(opened)
        hidden = count - len(pairs) if complete and status == "open" and not flagged_only else 0
        return Queue(count, pairs, max(hidden, 0))


def review_pair(who: Caller, item_id: str) -> ReviewDetail:
    """One review item: both records side by side, the evidence held with it, and the other
    open items its decision also settles."""
    with session(who) as opened:
        opened.require("linkage.review")
        return review_item(opened, item_id, _flagged(opened))


def evidence_words(evidence: dict[str, Any] | None) -> list[str]:
    """The evidence held with a review item, in sentences."""
    return plain_words(evidence)


def decide_match(who: Caller, item_id: str, verdict: Verdict, reason: str) -> Saved[MatchReview]:
    """Confirm or reject a pair, honoured by every later run; the reason is checked for
    victim-blaming language in the same transaction (saved as written, with findings)."""
    with session(who) as opened:
        done = decide(opened, item_id, verdict, reason)
    return Saved(done.saved, list(done.language))


def field_words() -> dict[str, str]:
    """What a reviewer calls each compared field (``linkage/data/evidence.yml``)."""
    return dict(words()["fields"])


def level_words(label: str) -> str:
    """How closely a field agreed, in a reviewer's words (``linkage/data/evidence.yml``)."""
    return plain_level(label)
