"""The linkage façade: records in, persons (stable ids), scored pairs and review queue out."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from joinedup.linkage.backend import BackendName, LinkageBackend, get_backend
from joinedup.linkage.cluster import Clustering, cluster_pairs
from joinedup.linkage.collective import CollectiveOptions, collective_decide, links_table
from joinedup.linkage.conflicts import ConflictRules, record_values
from joinedup.linkage.context import RecordContext
from joinedup.linkage.corroboration import (
    NAME_GAMMAS,
    attach_unique_candidates,
    hold_uncorroborated,
    restore_linked,
    thin_records,
)
from joinedup.linkage.decisions import (
    DecisionSet,
    ReviewDecision,
    resolve_decisions,
    review_queue,
    value_order,
)
from joinedup.linkage.evidence import with_evidence
from joinedup.linkage.neighbourhood import (
    NeighbourhoodIndex,
    NeighbourhoodOptions,
    attach_in_neighbourhood,
)
from joinedup.linkage.predict import PAIR_COLUMNS, predict_incremental, predict_pairs
from joinedup.linkage.prepare import (
    BIRTH_YEAR_ESTIMATE,
    OPTIONAL_COLUMNS,
    OPTIONAL_DATE_COLUMNS,
    OPTIONAL_KEY_COLUMNS,
    RecordsInput,
    prepare_records,
)
from joinedup.linkage.settings import LinkType, PersonSettingsOptions
from joinedup.linkage.stable import StableIds, carried_links, stable_person_ids
from joinedup.linkage.train import Model, TrainingOptions, train_model

Progress = Callable[[str], None]
DecisionsInput = Iterable[ReviewDecision | Mapping[str, Any]] | DecisionSet | None


@dataclass(frozen=True)
class LinkConfig:
    """Thresholds and back end of a run.

    Pairs with ``match_probability >= threshold`` are linked; pairs in
    ``[review_lower, threshold)`` go to the review queue.

    - ``require_corroboration``: a pair whose only agreement is on names (no date of
      birth, postcode, address or identifier agrees) is never linked on its own score: it
      goes to the review queue, since a common name alone cannot tell two people apart.
    - ``conflicts``: values no person may hold two of (identifiers, sex, dates of birth no
      recording error explains); clustering never joins across them
      (:mod:`joinedup.linkage.conflicts`).
    - ``attach_unique``: after clustering, a cluster whose only plausible person is one
      other cluster joins it, when a pair between them scores ``attach_threshold`` or more
      (default ``review_lower``) and their names agree. Plausible persons are the clusters
      with a date of birth or an identifier reached by a pair scored ``candidate_lower``
      or more (:mod:`joinedup.linkage.corroboration`). ``attach_only_thin`` limits this to
      clusters of records without a date of birth or identifier.
    - ``neighbourhood``: with the records' context, a name-only record joins the only
      namesake among the people around it (:mod:`joinedup.linkage.neighbourhood`).
    - ``keep_drop_index``: keep the drop index and a full run's statistics
      (:mod:`joinedup.linkage.drop_store`). Off by default: nothing reads them yet (the
      restricted drop path that will is not built), and at scale 1 the index is as large
      as the rest of the store and adds about 6 s to a full run (docs/linkage.md).
    """

    threshold: float = 0.9
    review_lower: float = 0.5
    backend: BackendName = "duckdb"
    link_type: LinkType = "dedupe_only"
    training: TrainingOptions = field(default_factory=TrainingOptions)
    settings: PersonSettingsOptions | None = None
    require_corroboration: bool = True
    conflicts: ConflictRules = field(default_factory=ConflictRules)
    attach_unique: bool = True
    attach_threshold: float | None = None
    attach_only_thin: bool = False
    candidate_lower: float = 0.01
    collective: CollectiveOptions = field(default_factory=CollectiveOptions)
    neighbourhood: NeighbourhoodOptions = field(default_factory=NeighbourhoodOptions)
    keep_drop_index: bool = False

    @property
    def scoring_lower(self) -> float:
        """Pairs scoring below this are dropped as soon as they are scored."""
        if self.attach_unique:
            return min(self.review_lower, self.candidate_lower)
        return self.review_lower


@dataclass
class LinkRun:
    """Everything one run produced (the store persists what it needs of it)."""

    model: Model
    prepared: pa.Table
    pairs: pa.Table
    review_queue: pa.Table
    clustering: Clustering
    ids: StableIds
    timings: dict[str, float] = field(default_factory=dict)
    incremental: bool = False
    #: what the collective stage did (:mod:`joinedup.linkage.collective`); empty without it
    collective: dict[str, Any] = field(default_factory=dict)

    @property
    def person_ids(self) -> dict[str, str]:
        """``record_id -> person_id`` (stable across runs)."""
        return self.ids.person_ids

    @property
    def cluster_count(self) -> int:
        """Number of resolved persons."""
        return len(set(self.ids.person_ids.values()))


def _decisions(decisions: DecisionsInput) -> DecisionSet:
    if isinstance(decisions, DecisionSet):
        return decisions
    return resolve_decisions(decisions)


def _backend(config: LinkConfig, backend: LinkageBackend | None) -> LinkageBackend:
    return backend or get_backend(config.backend)


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def link_records(
    records: RecordsInput,
    *,
    model: Model | None = None,
    decisions: DecisionsInput = None,
    previous_person_ids: Mapping[str, str] | None = None,
    config: LinkConfig | None = None,
    backend: LinkageBackend | None = None,
    progress: Progress | None = None,
    context: RecordContext | None = None,
) -> LinkRun:
    """Link all records: prepare, train (when no ``model`` is given), score, cluster.

    Review decisions are honoured (confirmed pairs merged, rejected pairs kept apart) and
    person ids carried over from ``previous_person_ids``. With the records' ``context``
    the collective stage decides what it can of the uncertain pairs
    (:mod:`joinedup.linkage.collective`).
    """
    config = config or LinkConfig()
    engine = _backend(config, backend)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    _say(progress, "preparing records")
    prepared = prepare_records(records)
    timings["prepare"] = time.perf_counter() - start
    if model is None:
        _say(progress, "training the model (u by random sampling, m by EM)")
        model = train_model(
            prepared,
            link_type=config.link_type,
            settings_options=config.settings,
            training=config.training,
            backend=engine,
        )
        timings["train"] = time.perf_counter() - start - sum(timings.values())
    _say(progress, "scoring candidate pairs")
    pairs = predict_pairs(
        prepared, model, threshold_probability=config.scoring_lower, backend=engine
    )
    timings["predict"] = time.perf_counter() - start - sum(timings.values())
    return _finish(
        prepared,
        pairs,
        model,
        _decisions(decisions),
        previous_person_ids or {},
        config,
        timings,
        start,
        progress,
        carried=(),
        incremental=False,
        context=context,
    )


def link_new_records(
    existing_records: RecordsInput,
    existing_person_ids: Mapping[str, str],
    new_records: RecordsInput,
    model: Model,
    *,
    decisions: DecisionsInput = None,
    config: LinkConfig | None = None,
    backend: LinkageBackend | None = None,
    progress: Progress | None = None,
    context: RecordContext | None = None,
    restrict: bool = True,
) -> LinkRun:
    """Link a new batch against existing records without re-scoring existing pairs.

    Existing persons are carried forward as they are; only new-vs-existing and new-vs-new
    pairs are scored, reading only the existing records that share a blocking key with a
    new one (``restrict=False``: all of them; the same pairs). If a rejected decision falls
    inside an existing person (which needs that person's pairs re-scored), this falls back
    to a full :func:`link_records`.
    """
    config = config or LinkConfig()
    resolved = _decisions(decisions)
    if any(
        a in existing_person_ids and existing_person_ids.get(a) == existing_person_ids.get(b)
        for a, b in resolved.rejected
    ):
        _say(progress, "a rejection splits an existing person: re-linking everything")
        everything = prepare_records(existing_records).to_pylist()
        everything += prepare_records(new_records).to_pylist()
        raw = [_unprepare(row) for row in everything]
        return link_records(
            raw,
            model=model,
            decisions=resolved,
            previous_person_ids=existing_person_ids,
            config=config,
            backend=backend,
            progress=progress,
            context=context,
        )
    engine = _backend(config, backend)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    existing = prepare_records(existing_records)
    new = prepare_records(new_records)
    overlap = set(existing["record_id"].to_pylist()) & set(new["record_id"].to_pylist())
    if overlap:
        raise ValueError(f"{len(overlap)} new record ids already exist, e.g. {min(overlap)!r}")
    timings["prepare"] = time.perf_counter() - start
    _say(progress, "scoring new records against existing ones")
    pairs = predict_incremental(
        existing,
        new,
        model,
        threshold_probability=config.scoring_lower,
        backend=engine,
        restrict=restrict,
    )
    timings["predict"] = time.perf_counter() - start - sum(timings.values())
    prepared = pa.concat_tables([existing, new])
    return _finish(
        prepared,
        pairs,
        model,
        resolved,
        existing_person_ids,
        config,
        timings,
        start,
        progress,
        carried=carried_links(existing_person_ids),
        incremental=True,
        context=context,
    )


def _unprepare(row: Mapping[str, Any]) -> dict[str, Any]:
    """A prepared row back on the input contract (keys are already clean)."""
    out = {
        "record_id": row["record_id"],
        "agency": row["agency"],
        "forename": row["forename_key"],
        "surname": row["surname_key"],
    }
    for column in ("date_of_birth", "sex", "postcode", "nhs_number", "upn", "police_id"):
        out[column] = row[column]
    for column in (*OPTIONAL_COLUMNS, *OPTIONAL_KEY_COLUMNS, *OPTIONAL_DATE_COLUMNS):
        if column in row:
            out[column] = row[column]
    if "birth_year" in row:  # the date of birth's year comes back from the date itself
        out[BIRTH_YEAR_ESTIMATE] = row["birth_year"]
    return out


__all__ = [
    "NAME_GAMMAS",
    "LinkConfig",
    "LinkRun",
    "link_new_records",
    "link_records",
    "uncorroborated_to_review",
]


def uncorroborated_to_review(pairs: pa.Table, config: LinkConfig) -> pa.Table:
    """``pairs`` with name-only matches held just below the link threshold (for review).

    A pair is corroborated when any comparison other than the names and sex agrees at some
    level (its gamma is above 0: Splink's 0 is "all other comparisons", -1 a null); see
    :func:`joinedup.linkage.corroboration.hold_uncorroborated`.
    """
    return hold_uncorroborated(pairs, config.threshold)


def _cluster(
    record_ids: list[str],
    scored: pa.Table,
    candidates: pa.Table,
    thin: set[str],
    values: Any,
    usable: DecisionSet,
    config: LinkConfig,
    carried: list[tuple[str, str]] | tuple[()],
    hood: NeighbourhoodIndex | None = None,
) -> Clustering:
    """Constrained clustering at the threshold, then attaching to the only candidate
    (by score, then among the people around a name-only record)."""
    clustering = cluster_pairs(
        record_ids,
        scored,
        threshold=config.threshold,
        decisions=usable,
        carried_links=carried,
        values=values,
    )
    if config.attach_unique:
        attachment = attach_unique_candidates(
            clustering.clusters,
            candidates,
            thin,
            attach_threshold=config.review_lower
            if config.attach_threshold is None
            else config.attach_threshold,
            candidate_lower=config.candidate_lower,
            decisions=usable,
            values=values,
            only_thin=config.attach_only_thin,
        )
        clustering.clusters = attachment.clusters
        clustering.attached_links = attachment.attached
    if hood is not None:
        clustering.attached_links += attach_in_neighbourhood(clustering.clusters, hood, usable)
    return clustering


def _finish(
    prepared: pa.Table,
    pairs: pa.Table,
    model: Model,
    decisions: DecisionSet,
    previous: Mapping[str, str],
    config: LinkConfig,
    timings: dict[str, float],
    start: float,
    progress: Progress | None,
    *,
    carried: list[tuple[str, str]] | tuple[()],
    incremental: bool,
    context: RecordContext | None = None,
) -> LinkRun:
    _say(progress, "clustering into persons")
    begun = time.perf_counter()
    spent = 0.0
    candidates = pairs
    pairs = pairs.filter(pc.greater_equal(pairs["match_probability"], config.review_lower))
    record_ids = prepared["record_id"].to_pylist()
    known = set(record_ids)
    usable = DecisionSet(
        confirmed=frozenset(p for p in decisions.confirmed if set(p) <= known),
        rejected=frozenset(p for p in decisions.rejected if set(p) <= known),
    )
    scored = uncorroborated_to_review(pairs, config) if config.require_corroboration else pairs
    values = record_values(prepared, config.conflicts)
    thin = thin_records(prepared)
    hood = None
    if context is not None and context.neighbours and config.neighbourhood.enabled:
        hood = NeighbourhoodIndex.build(prepared, thin, context, config.neighbourhood)
    clustering = _cluster(
        record_ids, scored, candidates, thin, values, usable, config, carried, hood
    )
    collective: dict[str, Any] = {}
    queue: pa.Table | None = None
    if context is not None and (context.tokens or context.neighbours) and config.collective.enabled:
        started = time.perf_counter()
        _say(progress, "weighing collective evidence")
        linked = scored.select(list(PAIR_COLUMNS))
        collective = {"linked": 0, "rounds": 0}
        stage = None
        for round_ in range(config.collective.rounds + 1):
            result = collective_decide(
                clustering.clusters,
                candidates,
                context,
                thin,
                review_lower=config.review_lower,
                threshold=config.threshold,
                options=config.collective,
                decisions=usable,
                values=values,
                stage=stage,
            )
            stage = result.stage
            collective["model"] = result.model.as_dict() if result.model else {}
            collective["out_of_review"] = result.rejected
            collective["conflicting"] = result.conflicting
            if result.stage is not None:
                collective["second_stage"] = {
                    "positives": result.stage.positives,
                    "negatives": result.stage.negatives,
                }
            if not result.link or round_ == config.collective.rounds:
                queue = value_order(result.undecided, clustering.clusters)
                break
            collective["linked"] += len(result.link)
            collective["rounds"] = round_ + 1
            linked = pa.concat_tables([linked, links_table(result.link)])
            clustering = _cluster(
                record_ids, linked, candidates, thin, values, usable, config, carried, hood
            )
        spent = time.perf_counter() - started
    if config.require_corroboration:
        scored = restore_linked(scored, pairs, clustering.clusters)
    ids = stable_person_ids(previous, clustering.clusters)
    if queue is None:
        queue = value_order(
            review_queue(
                scored, lower=config.review_lower, upper=config.threshold, decisions=usable
            ),
            clustering.clusters,
        )
    held = (clustering.clusters, context, config.collective, collective.get("model"))
    queue = with_evidence(queue, candidates, model, *held)  # what decides each held pair
    timings["cluster"] = time.perf_counter() - begun - spent
    if spent:
        timings["collective"] = spent
    timings["total"] = time.perf_counter() - start
    return LinkRun(
        model=model,
        prepared=prepared,
        pairs=pairs,
        review_queue=queue,
        clustering=clustering,
        ids=ids,
        timings=timings,
        incremental=incremental,
        collective=collective,
    )
