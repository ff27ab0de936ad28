"""Human review decisions on record pairs, honoured by every clustering run.

A *confirmed* pair is always in one cluster (must-link); a *rejected* pair is never
(cannot-link). How clustering honours them is described in :mod:`joinedup.linkage.cluster`.
Decisions are plain data here; storing them and logging them as "combination" (s.62) is the
store's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc

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
