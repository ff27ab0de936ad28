"""Collective (relational) evidence for the pairs the pairwise model cannot decide.

Two thin "Aisha Khan" records are far more likely one person when their clusters share a
rare phone, a vehicle, an address or a neighbour (a person both appear with), and not when
they share nothing. This stage scores that *context* at cluster level and adds it to the
pairwise match weight as one more Fellegi–Sunter comparison:

1. Each cluster's tokens are its records' context (:mod:`joinedup.linkage.context`:
   ``phone:``, ``vrm:``, ``addr:``) and ``nb:<cluster>`` for every cluster a record of it
   appears with. A token held by ``df`` clusters weighs ``ln(N / df)`` (rarity, as
   Bhattacharya & Getoor's relational similarity with IDF weights); tokens held by more
   than ``max_df`` clusters are ignored. Two clusters' *relational score* is the summed
   weight of the tokens they share.
2. The score is cut into levels (none, some, strong, very strong), and each level's
   ``m`` (share of true matches at it) and ``u`` (share of non-matches) are estimated from
   the run's own confident decisions: ``m`` from records of multi-record clusters against
   the rest of their cluster (a record joined to its person on strong evidence; thin
   records when there are enough), ``u`` from namesakes the data hold apart (names agree,
   dates of birth disagree beyond any typo). Reviewers' confirmed and rejected pairs are
   added to these samples (the queue's decisions train the next run).
3. An undecided pair's collective weight is its match weight plus ``log2(m/u)`` of its
   level; the collective probability follows. Pairs reaching ``link_probability`` with
   agreeing names (a forename agreeing at some level, the surname not different: a parent
   and child, or two siblings, sharing a surname and an address never qualify) and some
   shared context are linked; pairs below the review band leave the queue; the rest wait
   for a person, one pair per pair of clusters.

Linked pairs go back through clustering, so hard conflicts and rejections still hold; the
stage repeats (``rounds``) since a join changes its clusters' context.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from joinedup.linkage.conflicts import RecordValues, groups_conflict
from joinedup.linkage.context import RecordContext
from joinedup.linkage.corroboration import corroborated, names_agree_mask
from joinedup.linkage.decisions import DecisionSet
from joinedup.linkage.second_stage import SecondStage, cluster_value_sets, recalibrate, spread

#: token kinds the pairwise model compares record to record already
PAIRWISE_KINDS = ("phone:",)


@dataclass(frozen=True)
class CollectiveOptions:
    """How collective evidence decides pairs (see the module docstring)."""

    enabled: bool = True
    link_probability: float = 0.9
    max_df: int = 50
    cuts: tuple[float, ...] = (0.0, 6.0, 12.0)
    rounds: int = 2
    sample: int = 20_000
    #: second-stage probability below which an undecided pair leaves review
    reject_probability: float = 0.01
    second_stage: bool = True
    training_pairs: int = 200_000


@dataclass
class RelationalModel:
    """Levels of the relational score and their estimated ``m`` and ``u``."""

    cuts: tuple[float, ...]
    m: list[float]
    u: list[float]
    m_pairs: int = 0
    u_pairs: int = 0

    @property
    def weights(self) -> list[float]:
        """``log2(m/u)`` per level, never lower than the level below's (more shared
        context is never weaker evidence; thin samples at the top levels stay sensible)."""
        out: list[float] = []
        for i, (m, u) in enumerate(zip(self.m, self.u, strict=True)):
            weight = math.log2(m / u)
            out.append(weight if i < 2 else max(weight, out[-1]))
        return out

    def level(self, score: float) -> int:
        """The level of a relational score (0: nothing shared)."""
        if score <= 0:
            return 0
        return sum(1 for cut in self.cuts if score > cut)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (stored with the run's statistics)."""
        return {**asdict(self), "weights": [round(w, 3) for w in self.weights]}


@dataclass
class ClusterContext:
    """Tokens per cluster and record, with each token's rarity weight."""

    clusters: Mapping[str, str]
    by_cluster: dict[str, set[str]]
    by_record: dict[str, set[str]]
    idf: dict[str, float]

    def shared(self, a: Iterable[str], b: set[str], exclude: set[str] | None = None) -> float:
        """Summed weight of the tokens of ``a`` also in ``b`` (``exclude`` left out)."""
        total = 0.0
        for token in a:
            if token in b and (exclude is None or token not in exclude):
                total += self.idf.get(token, 0.0)
        return total

    def score(self, left: str, right: str) -> float:
        """Relational score of the clusters of two records (0 when in one cluster)."""
        ca, cb = self.clusters.get(left, left), self.clusters.get(right, right)
        if ca == cb:
            return 0.0
        ta, tb = self.by_cluster.get(ca, set()), self.by_cluster.get(cb, set())
        if len(ta) > len(tb):
            ta, tb = tb, ta
        exclude = {
            t
            for t in self.by_record.get(left, set()) & self.by_record.get(right, set())
            if t.startswith(PAIRWISE_KINDS)
        }
        return self.shared(ta, tb, exclude)


def cluster_context(
    clusters: Mapping[str, str], context: RecordContext, max_df: int
) -> ClusterContext:
    """Tokens of every cluster and record (neighbours as ``nb:<cluster>``), weighted."""
    by_record: dict[str, set[str]] = {}
    for record, tokens in context.tokens.items():
        by_record[record] = set(tokens)
    for record, others in context.neighbours.items():
        own = clusters.get(record, record)
        found = {f"nb:{clusters.get(o, o)}" for o in others}
        found.discard(f"nb:{own}")
        if found:
            by_record.setdefault(record, set()).update(found)
    by_cluster: dict[str, set[str]] = {}
    for record, tokens in by_record.items():
        by_cluster.setdefault(clusters.get(record, record), set()).update(tokens)
    df: Counter[str] = Counter()
    for tokens in by_cluster.values():
        df.update(tokens)
    n = max(len(set(clusters.values())), 2)
    idf = {t: math.log(n / c) for t, c in df.items() if c <= max_df}
    return ClusterContext(clusters, by_cluster, by_record, idf)


def _rest_score(ctx: ClusterContext, record: str, members: list[str]) -> float:
    """A record's context against the rest of its cluster's records."""
    rest: set[str] = set()
    for other in members:
        if other != record:
            rest |= ctx.by_record.get(other, set())
    own = ctx.by_record.get(record, set())
    return ctx.shared(own, rest, {t for t in own if t.startswith(PAIRWISE_KINDS)})


def estimate(
    ctx: ClusterContext,
    pairs: pa.Table,
    thin: set[str],
    options: CollectiveOptions,
    decisions: DecisionSet | None = None,
) -> RelationalModel:
    """``m`` and ``u`` of each level from the run's confident decisions (module docstring)."""
    levels = len(options.cuts) + 1
    probe = RelationalModel(options.cuts, [1.0] * levels, [1.0] * levels)
    members: dict[str, list[str]] = {}
    for record, cluster in ctx.clusters.items():
        members.setdefault(cluster, []).append(record)
    multi = sorted(r for r, c in ctx.clusters.items() if len(members[c]) > 1)
    thin_multi = [r for r in multi if r in thin]
    chosen = thin_multi if len(thin_multi) >= 300 else multi
    m_counts = [0] * levels
    for i in spread(len(chosen), options.sample):
        record = chosen[i]
        m_counts[probe.level(_rest_score(ctx, record, members[ctx.clusters[record]]))] += 1
    u_counts = [0] * levels
    for left, right in _namesakes(pairs, options.sample):
        u_counts[probe.level(ctx.score(left, right))] += 1
    if decisions is not None:
        for left, right in decisions.confirmed:
            m_counts[probe.level(_decided_score(ctx, left, right))] += 1
        for left, right in decisions.rejected:
            u_counts[probe.level(_decided_score(ctx, left, right))] += 1
    n_m, n_u = sum(m_counts), sum(u_counts)
    return RelationalModel(
        options.cuts,
        [(c + 1) / (n_m + levels) for c in m_counts],
        [(c + 1) / (n_u + levels) for c in u_counts],
        n_m,
        n_u,
    )


def _decided_score(ctx: ClusterContext, left: str, right: str) -> float:
    own = ctx.by_record.get(left, set())
    return ctx.shared(own, ctx.by_record.get(right, set()))


def _namesakes(pairs: pa.Table, limit: int) -> list[tuple[str, str]]:
    """Scored pairs whose names agree but whose dates of birth disagree outright."""
    if "gamma_date_of_birth" not in pairs.column_names or not pairs.num_rows:
        return []
    mask = pc.and_(
        names_agree_mask(pairs), pc.equal(pc.fill_null(pairs["gamma_date_of_birth"], -1), 0)
    )
    chosen = pairs.filter(mask)
    lefts = chosen["record_id_l"].to_pylist()
    rights = chosen["record_id_r"].to_pylist()
    return [(lefts[i], rights[i]) for i in spread(len(lefts), limit)]


@dataclass
class CollectiveResult:
    """Pairs the stage links, the undecided pairs with their collective probability."""

    link: list[tuple[str, str, float]] = field(default_factory=list)
    undecided: pa.Table | None = None
    model: RelationalModel | None = None
    stage: SecondStage | None = None
    rejected: int = 0
    conflicting: int = 0


def collective_decide(
    clusters: Mapping[str, str],
    candidates: pa.Table,
    context: RecordContext,
    thin: set[str],
    *,
    review_lower: float,
    threshold: float,
    options: CollectiveOptions,
    decisions: DecisionSet | None = None,
    values: RecordValues | None = None,
    stage: SecondStage | None = None,
) -> CollectiveResult:
    """Collective probabilities of the pairs between different clusters whose names agree.

    ``candidates`` are scored pairs before holding (with comparison columns); those the
    pairwise model decided (``threshold`` or more and corroborated: apart only because
    clustering refused them) are left alone. Returns the pairs to link (collective
    probability at least ``link_probability``, some context shared) and the rest scoring
    ``review_lower`` or more (columns ``record_id_l``, ``record_id_r``, ``match_weight``,
    ``match_probability``: the collective ones, ``pairwise_weight``,
    ``relational_score``), the best pair of each pair of clusters only. Uncertain pairs
    whose names do not agree keep their pairwise probability (context never lifts them).
    """
    ctx = cluster_context(clusters, context, options.max_df)
    model = estimate(ctx, candidates, thin, options, decisions)
    weights = model.weights
    agree = pc.fill_null(names_agree_mask(candidates), False)
    undecided = pc.or_(
        pc.less(candidates["match_probability"], threshold),
        pc.invert(corroborated(candidates)),
    )
    reachable = pc.greater_equal(
        pc.fill_null(candidates["match_weight"], -1e9),
        -max(weights) + math.log2(review_lower / (1 - review_lower)),
    )
    chosen = candidates.filter(pc.and_(pc.and_(agree, undecided), reachable))
    lefts = chosen["record_id_l"].to_pylist()
    rights = chosen["record_id_r"].to_pylist()
    match_weights = chosen["match_weight"].to_pylist()
    decided = decisions.decided if decisions is not None else frozenset()
    best: dict[tuple[str, str], tuple[float, float, str, str, float]] = {}
    for left, right, weight in zip(lefts, rights, match_weights, strict=True):
        ca, cb = clusters.get(left, left), clusters.get(right, right)
        if ca == cb or (left, right) in decided or weight is None:
            continue
        score = ctx.score(left, right)
        total = float(weight) + weights[model.level(score)]
        key = (ca, cb) if ca < cb else (cb, ca)
        if key not in best or total > best[key][0]:
            best[key] = (total, score, left, right, float(weight))
    band = candidates.filter(
        pc.and_(
            pc.invert(agree),
            pc.and_(
                pc.greater_equal(candidates["match_probability"], review_lower),
                pc.less(candidates["match_probability"], threshold),
            ),
        )
    )
    for left, right, weight in zip(
        band["record_id_l"].to_pylist(),
        band["record_id_r"].to_pylist(),
        band["match_weight"].to_pylist(),
        strict=True,
    ):
        ca, cb = clusters.get(left, left), clusters.get(right, right)
        key = (ca, cb) if ca < cb else (cb, ca)
        fresh = ca != cb and (left, right) not in decided and weight is not None
        if fresh and (key not in best or float(weight) > best[key][0]):
            best[key] = (float(weight), -1.0, left, right, float(weight))
    result = CollectiveResult(model=model)
    sets = cluster_value_sets(clusters, values) if values is not None else {}
    for key in [k for k in best if groups_conflict(sets.get(k[0], {}), sets.get(k[1], {}))]:
        del best[key]  # clustering can never join them: no decision to make
        result.conflicting += 1
    recalibrated: dict[tuple[str, str], float] = {}
    if options.second_stage and values is not None:
        result.stage, recalibrated = recalibrate(
            clusters,
            candidates,
            values,
            decisions,
            options,
            [(b[2], b[3]) for b in best.values()],
            stage,
            sets,
        )
    rows: dict[str, list[Any]] = {
        "record_id_l": [],
        "record_id_r": [],
        "match_weight": [],
        "match_probability": [],
        "pairwise_weight": [],
        "relational_score": [],
    }
    for total, score, left, right, weight in best.values():
        probability = 1.0 / (1.0 + 2.0 ** (-total))
        second = recalibrated.get((left, right), 1.0)
        if second < options.reject_probability:
            result.rejected += 1
        elif (
            probability >= options.link_probability
            and score > 0
            and model.level(score) > 0
            and second >= 0.5
        ):
            result.link.append((left, right, probability))
        elif probability >= review_lower:
            for column, value in zip(
                rows, (left, right, total, probability, weight, score), strict=True
            ):
                rows[column].append(value)
    result.undecided = pa.table(
        rows,
        schema=pa.schema(
            [
                ("record_id_l", pa.string()),
                ("record_id_r", pa.string()),
                ("match_weight", pa.float64()),
                ("match_probability", pa.float64()),
                ("pairwise_weight", pa.float64()),
                ("relational_score", pa.float64()),
            ]
        ),
    )
    return result


def links_table(links: list[tuple[str, str, float]]) -> pa.Table:
    """Pairs the stage links as a pairs table (weight from the collective probability)."""
    probability = [min(p, 1.0 - 1e-12) for _, _, p in links]
    return pa.table(
        {
            "record_id_l": pa.array([a for a, _, _ in links], pa.string()),
            "record_id_r": pa.array([b for _, b, _ in links], pa.string()),
            "match_weight": pa.array([math.log2(p / (1 - p)) for p in probability], pa.float64()),
            "match_probability": pa.array(probability, pa.float64()),
        }
    )
