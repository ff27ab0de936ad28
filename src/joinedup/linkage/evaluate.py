"""Evaluate linkage against known truth: pairwise precision/recall/F1, blocking recall, recall
by group (e.g. name origin) and by the evidence the records carry, cluster count.

All measures are over *pairs of records*: a pair is predicted when both records share a
cluster and true when both belong to the same true person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

import pyarrow as pa

from joinedup.linkage.settings import BlockingKey, key_array


def _n_pairs(n: int) -> int:
    return n * (n - 1) // 2


@dataclass(frozen=True)
class PairwiseScores:
    """Pairwise confusion counts and the measures derived from them."""

    true_positives: int
    predicted_pairs: int
    true_pairs: int
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (for JSON)."""
        return asdict(self)


def scores(true_positives: int, predicted_pairs: int, true_pairs: int) -> PairwiseScores:
    """Precision, recall and F1 from counts (1.0 when the denominator is zero)."""
    precision = true_positives / predicted_pairs if predicted_pairs else 1.0
    recall = true_positives / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScores(true_positives, predicted_pairs, true_pairs, precision, recall, f1)


def pairwise_scores(clusters: Mapping[str, str], truth: Mapping[str, str]) -> PairwiseScores:
    """Pairwise scores of ``record_id -> cluster`` against ``record_id -> true person``.

    Only records present in both maps count.
    """
    common = [r for r in clusters if r in truth]
    predicted = Counter(clusters[r] for r in common)
    true = Counter(truth[r] for r in common)
    both = Counter((clusters[r], truth[r]) for r in common)
    return scores(
        sum(_n_pairs(n) for n in both.values()),
        sum(_n_pairs(n) for n in predicted.values()),
        sum(_n_pairs(n) for n in true.values()),
    )


def true_pairs(truth: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """Every pair of records of the same true person (smaller id first)."""
    groups: dict[str, list[str]] = {}
    for record, person in truth.items():
        groups.setdefault(person, []).append(record)
    for members in groups.values():
        yield from combinations(sorted(members), 2)


def blocking_recall(
    prepared: pa.Table, truth: Mapping[str, str], keys: Sequence[BlockingKey]
) -> float:
    """Share of true pairs that at least one blocking key would put up for scoring.

    Computed in DuckDB (a self-join of the records on their true person), so it runs on a
    million records in seconds.
    """
    import duckdb

    if not keys:
        return 1.0
    record_ids = prepared["record_id"]
    persons = pa.array([truth.get(r) for r in record_ids.to_pylist()], pa.string())
    columns: dict[str, Any] = {"record_id": record_ids, "person": persons}
    for i, key in enumerate(keys):
        columns[f"k{i}"] = key_array(prepared, key)
    reached = " OR ".join(f"coalesce(l.k{i} = r.k{i}, false)" for i in range(len(keys)))
    con = duckdb.connect(":memory:")
    con.register("keyed", pa.table(columns))
    total, hits = con.execute(
        f"SELECT count(*), sum(CAST({reached} AS INTEGER)) FROM keyed l JOIN keyed r "
        "ON l.person = r.person AND l.record_id < r.record_id"
    ).fetchone() or (0, 0)
    con.close()
    return int(hits or 0) / int(total) if total else 1.0


def family_merges(
    clusters: Mapping[str, str], truth: Mapping[str, str], family_of: Mapping[str, str]
) -> int:
    """True persons of one family merged: pairs of different persons of the same family
    (``true person -> family id``; the simulator's ``family_id``: a child and its parents)
    holding records in one cluster."""
    persons_in: dict[str, set[str]] = {}
    for record, cluster in clusters.items():
        person = truth.get(record)
        if person is not None and family_of.get(person):
            persons_in.setdefault(cluster, set()).add(person)
    merged: set[tuple[str, str]] = set()
    for persons in persons_in.values():
        if len(persons) < 2:
            continue
        for a, b in combinations(sorted(persons), 2):
            if family_of[a] == family_of[b]:
                merged.add((a, b))
    return len(merged)


def recall_by_group(
    clusters: Mapping[str, str], truth: Mapping[str, str], group_of: Mapping[str, str]
) -> dict[str, float]:
    """Pairwise recall per group; a true pair belongs to the group of its first record."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for a, b in true_pairs({r: p for r, p in truth.items() if r in clusters}):
        group = group_of.get(a, "unknown")
        total[group] += 1
        found[group] += clusters[a] == clusters[b]
    return {group: found[group] / total[group] for group in sorted(total)}


SOUTH_ASIAN_ORIGINS = frozenset({"pakistani", "bangladeshi", "indian"})


def name_group(origin: str) -> str:
    """``south_asian`` for a South Asian name origin, else ``other``."""
    return "south_asian" if origin in SOUTH_ASIAN_ORIGINS else "other"


#: Evidence classes of a record, weakest first (see :func:`evidence_of`).
EVIDENCE_CLASSES: tuple[str, ...] = (
    "name only",
    "postcode, no date of birth",
    "date or identifier",
)
_DISTINGUISHING = ("date_of_birth", "nhs_number", "upn", "police_id")


def evidence_of(prepared: pa.Table) -> dict[str, str]:
    """``record_id -> evidence class``: what, beyond names, could tell the person apart.

    ``date or identifier``: a date of birth or an NHS number, UPN or police id;
    ``postcode, no date of birth``: a postcode (or address) only; ``name only``: neither.
    """
    columns = set(prepared.column_names)
    rows = prepared.select(
        ["record_id", *[c for c in (*_DISTINGUISHING, "postcode", "address") if c in columns]]
    ).to_pylist()
    out: dict[str, str] = {}
    for row in rows:
        if any(row.get(c) for c in _DISTINGUISHING):
            out[row["record_id"]] = EVIDENCE_CLASSES[2]
        elif row.get("postcode") or row.get("address"):
            out[row["record_id"]] = EVIDENCE_CLASSES[1]
        else:
            out[row["record_id"]] = EVIDENCE_CLASSES[0]
    return out


def recall_by_evidence(
    clusters: Mapping[str, str], truth: Mapping[str, str], evidence: Mapping[str, str]
) -> dict[str, tuple[int, float]]:
    """``class -> (true pairs, recall)``, a pair counted under its weaker record's class.

    Shows how much of the recall lost is out of reach: a record with nothing but a name
    cannot be told from a namesake.
    """
    rank = {name: i for i, name in enumerate(EVIDENCE_CLASSES)}
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for a, b in true_pairs({r: p for r, p in truth.items() if r in clusters}):
        weaker = min(
            evidence.get(a, EVIDENCE_CLASSES[0]),
            evidence.get(b, EVIDENCE_CLASSES[0]),
            key=rank.__getitem__,
        )
        total[weaker] += 1
        found[weaker] += clusters[a] == clusters[b]
    return {c: (total[c], found[c] / total[c]) for c in EVIDENCE_CLASSES if total[c]}


@dataclass
class LinkageEvaluation:
    """Everything ``joinedup evaluate linkage`` reports."""

    precision: float
    recall: float
    f1: float
    blocking_recall: float | None
    recall_by_name_origin: dict[str, float] = field(default_factory=dict)
    #: ``south_asian`` (Pakistani, Bangladeshi, Indian origin) and ``other``: the fairness check
    recall_by_name_group: dict[str, float] = field(default_factory=dict)
    cluster_count: int = 0
    true_person_count: int = 0
    pairwise: dict[str, Any] = field(default_factory=dict)
    #: evidence class -> (true pairs, recall); see :func:`recall_by_evidence`
    recall_by_evidence: dict[str, tuple[int, float]] = field(default_factory=dict)
    #: open pairs in the review queue after the run (``None`` when not known)
    review_pairs: int | None = None
    #: pairs of different true persons of one family in one cluster (:func:`family_merges`)
    family_merges: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (for JSON)."""
        return asdict(self)


def evaluate_linkage(
    clusters: Mapping[str, str],
    truth: Mapping[str, str],
    *,
    prepared: pa.Table | None = None,
    blocking_keys: Sequence[BlockingKey] | None = None,
    name_origin: Mapping[str, str] | None = None,
    family_of: Mapping[str, str] | None = None,
    review_pairs: int | None = None,
) -> LinkageEvaluation:
    """Full evaluation; blocking recall needs the prepared table and the blocking keys,
    recall by evidence the prepared table, family merges ``true person -> family id``."""
    pairwise = pairwise_scores(clusters, truth)
    recall_blocking = (
        blocking_recall(prepared, truth, blocking_keys)
        if prepared is not None and blocking_keys is not None
        else None
    )
    return LinkageEvaluation(
        precision=pairwise.precision,
        recall=pairwise.recall,
        f1=pairwise.f1,
        blocking_recall=recall_blocking,
        recall_by_name_origin=recall_by_group(clusters, truth, name_origin or {}),
        recall_by_name_group=recall_by_group(
            clusters, truth, {r: name_group(o) for r, o in (name_origin or {}).items()}
        )
        if name_origin
        else {},
        cluster_count=len(set(clusters.values())),
        true_person_count=len({truth[r] for r in clusters if r in truth}),
        pairwise=pairwise.as_dict(),
        recall_by_evidence={}
        if prepared is None
        else recall_by_evidence(clusters, truth, evidence_of(prepared)),
        review_pairs=review_pairs,
        family_merges=None if family_of is None else family_merges(clusters, truth, family_of),
    )


def pair_set_scores(
    predicted: Iterable[tuple[str, str]], truth: Mapping[str, str]
) -> PairwiseScores:
    """Scores of an explicit set of predicted pairs (e.g. before clustering)."""
    predicted_set = {(a, b) if a < b else (b, a) for a, b in predicted}
    tp = sum(1 for a, b in predicted_set if a in truth and truth.get(a) == truth.get(b))
    return scores(tp, len(predicted_set), sum(1 for _ in true_pairs(truth)))
