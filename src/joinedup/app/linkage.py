"""Use cases: link records into resolved persons; a person decides uncertain matches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from joinedup.app.context import Caller, session
from joinedup.app.results import Saved
from joinedup.linkage.link import LinkConfig
from joinedup.linkage.persist import LinkOutcome, run_linkage
from joinedup.linkage.review import ReviewPair, decide, list_reviews
from joinedup.model.linkage import MatchReview
from joinedup.model.safeguarding import Flag

__all__ = ["LinkOutcome", "ReviewPair", "decide_match", "link_records", "review_queue"]

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
    config = LinkConfig(threshold=threshold, review_lower=review_lower, backend=backend)
    with session(who) as opened:
        return run_linkage(opened, config, retrain=retrain, progress=progress)


def review_queue(
    who: Caller, status: Literal["open", "confirmed", "rejected", "all"], limit: int
) -> list[ReviewPair]:
    """Review items with both records side by side; open ones most valuable first (how
    uncertain, how much the decision joins, a child with an open flag first)."""
    with session(who) as opened:
        flagged = {
            f.subject_id
            for f in opened.list(Flag, {"status": "open"})
            if f.subject_type in ("child", "person")
        }
        return list_reviews(opened, status, limit, flagged_persons=flagged)


def decide_match(who: Caller, item_id: str, verdict: Verdict, reason: str) -> Saved[MatchReview]:
    """Confirm or reject a pair, honoured by every later run; the reason is checked for
    victim-blaming language in the same transaction (saved as written, with findings)."""
    with session(who) as opened:
        done = decide(opened, item_id, verdict, reason)
    return Saved(done.saved, list(done.language))
