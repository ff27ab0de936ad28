"""Human review decisions on record pairs, honoured by every clustering run.

A *confirmed* pair is always in one cluster (must-link); a *rejected* pair is never
(cannot-link). How clustering honours them is described in :mod:`joinedup.linkage.cluster`.
Decisions are plain data here; storing them and logging them as "combination" (s.62) is the
store's job.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # loaded when a queue is built, not by every reader of a decision
    import pyarrow as pa

Verdict = Literal["confirmed", "rejected"]


def pair_key(record_a: str, record_b: str) -> tuple[str, str]:
    """An unordered pair of record ids as an ordered tuple (smaller id first)."""
    if record_a == record_b:
        raise ValueError("a pair needs two different records")
    return (record_a, record_b) if record_a < record_b else (record_b, record_a)


@dataclass(frozen=True)
class ReviewDecision:
    """One reviewer's decision on whether two records are the same person."""

    record_id_a: str
    record_id_b: str
    verdict: Verdict
    reason: str = ""
    decided_by: str = ""

    def __post_init__(self) -> None:
        if self.verdict not in ("confirmed", "rejected"):
            raise ValueError(f"verdict must be 'confirmed' or 'rejected', not {self.verdict!r}")
        pair_key(self.record_id_a, self.record_id_b)

    @property
    def pair(self) -> tuple[str, str]:
        """The decided pair, smaller id first."""
        return pair_key(self.record_id_a, self.record_id_b)


@dataclass(frozen=True)
class DecisionSet:
    """Decisions resolved to must-link and cannot-link pairs (the latest decision wins)."""

    confirmed: frozenset[tuple[str, str]]
    rejected: frozenset[tuple[str, str]]

    @property
    def decided(self) -> frozenset[tuple[str, str]]:
        """Every pair with a decision."""
        return self.confirmed | self.rejected


def resolve_decisions(
    decisions: Iterable[ReviewDecision | Mapping[str, Any]] | None,
) -> DecisionSet:
    """Collapse decisions in order (a later decision on the same pair replaces an earlier one).

    Mappings need ``record_id_a``, ``record_id_b`` and ``verdict`` keys.
    """
    latest: dict[tuple[str, str], Verdict] = {}
    for item in decisions or ():
        decision = (
            item
            if isinstance(item, ReviewDecision)
            else ReviewDecision(
                record_id_a=str(item["record_id_a"]),
                record_id_b=str(item["record_id_b"]),
                verdict=item["verdict"],
                reason=str(item.get("reason", "")),
            )
        )
        latest[decision.pair] = decision.verdict
    return DecisionSet(
        confirmed=frozenset(p for p, v in latest.items() if v == "confirmed"),
        rejected=frozenset(p for p, v in latest.items() if v == "rejected"),
    )


def review_queue(
    pairs: pa.Table,
    *,
    lower: float,
    upper: float,
    decisions: DecisionSet | None = None,
) -> pa.Table:
    """Scored pairs in the uncertain band ``lower <= match_probability < upper``.

    Pairs that already have a decision are left out; the rest come most uncertain first
    (closest to even odds), then by record ids.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    probability = pairs["match_probability"]
    mask = pc.and_(pc.greater_equal(probability, lower), pc.less(probability, upper))
    band = pairs.filter(mask)
    if decisions is not None and decisions.decided and len(band):
        keep = [
            (a, b) not in decisions.decided
            for a, b in zip(
                band["record_id_l"].to_pylist(), band["record_id_r"].to_pylist(), strict=True
            )
        ]
        band = band.filter(pa.array(keep, type=pa.bool_()))
    if len(band) == 0:
        return band
    distance = pc.abs(pc.subtract(band["match_weight"], 0.0))
    band = band.append_column("uncertainty_rank", distance)
    ordered = band.sort_by(
        [
            ("uncertainty_rank", "ascending"),
            ("record_id_l", "ascending"),
            ("record_id_r", "ascending"),
        ]
    )
    return ordered.drop_columns(["uncertainty_rank"])


def value_order(queue: pa.Table, clusters: Mapping[str, str]) -> pa.Table:
    """The review queue, one pair per pair of clusters, most valuable decision first.

    Pairs whose records are already in one cluster are implied and leave the queue; of the
    pairs between two clusters only the likeliest stays (one decision settles them all:
    a confirmation joins the clusters, a rejection keeps them apart in every later run).
    A decision's value is its uncertainty (``4p(1-p)``: 1 at even odds) times how much it
    changes (``1 + ln`` of the record pairs it would join, ``size_a * size_b``); the
    columns ``cluster_pairs`` (record pairs bridged) and ``value`` are added.
    """
    import pyarrow as pa

    if queue.num_rows == 0:
        return queue.append_column("cluster_pairs", pa.array([], pa.int64())).append_column(
            "value", pa.array([], pa.float64())
        )
    size = Counter(clusters.values())
    lefts = queue["record_id_l"].to_pylist()
    rights = queue["record_id_r"].to_pylist()
    probability = queue["match_probability"].to_pylist()
    best: dict[tuple[str, str], int] = {}
    for i, (left, right) in enumerate(zip(lefts, rights, strict=True)):
        ca, cb = clusters.get(left, left), clusters.get(right, right)
        if ca == cb:
            continue
        key = (ca, cb) if ca < cb else (cb, ca)
        if key not in best or probability[i] > probability[best[key]]:
            best[key] = i
    keep = sorted(best.values())
    bridged = [
        size.get(clusters.get(lefts[i], lefts[i]), 1)
        * size.get(clusters.get(rights[i], rights[i]), 1)
        for i in keep
    ]
    value = [
        4 * probability[i] * (1 - probability[i]) * (1 + math.log(n))
        for i, n in zip(keep, bridged, strict=True)
    ]
    chosen = queue.take(pa.array(keep, pa.int64()))
    chosen = chosen.append_column("cluster_pairs", pa.array(bridged, pa.int64()))
    chosen = chosen.append_column("value", pa.array(value, pa.float64()))
    return chosen.sort_by(
        [("value", "descending"), ("record_id_l", "ascending"), ("record_id_r", "ascending")]
    )
