"""Score a built borough once, then re-run only the cluster and collective stage on the cache.

    python bench/linkage_cache.py score --truth DIR/truth --out cache.pkl
        [--without-associate-address]
    python bench/linkage_cache.py finish --cache cache.pkl [--hops-full 4] [--hops-forename 2]
        [--no-neighbourhood] [--misses misses.csv] [--json]

``score`` reads every person record and its context from the store named by
``JOINEDUP_DATABASE_URL`` / ``JOINEDUP_HOME`` (a borough built with ``joinedup init``,
``simulate``, ``ingest``), prepares them, trains the model and scores the candidate pairs as
``joinedup link`` does (``link_records`` up to ``predict_pairs``) and pickles all of it with
the truth. ``--without-associate-address`` first blanks what probation's associates record
of an address (the postcode and the address token), to measure the borough as it was before
the export carried it. ``finish`` runs the rest of ``link_records`` (``link._finish``) on the
cache with the platform's settings (or the reach given) and prints what
``evaluate linkage --json`` reports, plus the recall of pairs with a probation associate (a
fixed set of records, whatever evidence class they fall in), and with ``--misses`` writes the
associates still apart from their person.
"""

from __future__ import annotations

import argparse
import csv
import json
import pickle
import resource
import time
from dataclasses import replace
from pathlib import Path

from joinedup.app.context import pipeline, session
from joinedup.linkage.context import RecordContext
from joinedup.linkage.corroboration import thin_records
from joinedup.linkage.decisions import DecisionSet
from joinedup.linkage.evaluate import evaluate_linkage, evidence_of, recall_by_group, true_pairs
from joinedup.linkage.link import LinkConfig, LinkRun, _finish
from joinedup.linkage.neighbourhood import NeighbourhoodIndex, cluster_graph, compatible, within
from joinedup.linkage.predict import predict_pairs
from joinedup.linkage.prepare import prepare_records
from joinedup.linkage.settings import blocking_keys_from_model
from joinedup.linkage.sources import person_records_with_context, record_keys
from joinedup.linkage.train import train_model
from joinedup.linkage.truth import families, name_origins, true_person_of_records

SOUTH_ASIAN = frozenset({"pakistani", "bangladeshi", "indian"})
ASSOCIATES = ("probation", "associates.csv")


def score(truth_dir: Path, out: Path, without_address: bool) -> None:
    """Prepare, train and score once; pickle the inputs of the cluster stage."""
    with session(pipeline("linkage")) as s:
        records, context = person_records_with_context(s)
        keys = record_keys(s)
        truth = true_person_of_records(s, truth_dir)
    associates = {r for r, k in keys.items() if k[:2] == ASSOCIATES}
    if without_address:
        for row in records:
            if row["record_id"] in associates:
                row["postcode"] = None
        for record in associates:
            tokens = context.tokens.get(record)
            if tokens:
                context.tokens[record] = {t for t in tokens if not t.startswith("addr:")}
    config = LinkConfig()
    started = time.process_time()
    prepared = prepare_records(records)
    model = train_model(prepared, link_type=config.link_type, training=config.training)
    pairs = predict_pairs(prepared, model, threshold_probability=config.scoring_lower)
    cache = {
        "prepared": prepared,
        "pairs": pairs,
        "model": model,
        "context": context,
        "truth": truth,
        "keys": {r: keys[r] for r in prepared["record_id"].to_pylist()},
        "origins": name_origins(truth_dir),
        "families": families(truth_dir),
        "score_cpu": time.process_time() - started,
    }
    out.write_bytes(pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))
    print(json.dumps({"records": len(records), "pairs": pairs.num_rows, "cpu": cache["score_cpu"]}))


def _associate_recall(
    clusters: dict[str, str], truth: dict[str, str], associates: set[str]
) -> tuple[int, float]:
    total = found = 0
    for a, b in true_pairs(truth):
        if a in associates or b in associates:
            total += 1
            found += clusters[a] == clusters[b]
    return total, found / total if total else 0.0


def _cause(
    record: str,
    others: set[str],
    clusters: dict[str, str],
    index: NeighbourhoodIndex,
    graph: dict[str, set[str]],
    candidates: list[str],
) -> tuple[str, int | None]:
    """Why an associate is apart from its person, and the person's distance from the
    offender (``None``: unreachable) in the graph the neighbourhood stage walks."""
    options = index.options
    name = index.names[record]
    own = clusters.get(record, record)
    anchors = {clusters.get(o, o) for o in index.context.neighbours.get(record, ())} - {own}
    reach = within(graph, anchors, 8)
    distance = min((reach[c] for c in others if c in reach), default=None)
    if not any(c in others for c in candidates):
        return "the person's records carry another name", distance
    if distance is None:
        return "person unreachable", None
    if distance > (options.hops_full_name if name[3] else options.hops_forename):
        return "person beyond reach", distance
    near = [reach[c] for c in candidates if c in reach and c not in others]
    if any(d < distance for d in near):
        return "another compatible person nearer", distance
    if any(d == distance for d in near):
        return "another compatible person as near", distance
    return "other", distance


def _misses(
    path: Path,
    run: LinkRun,
    truth: dict[str, str],
    associates: set[str],
    context: RecordContext,
) -> int:
    """Associates whose true person has records in another cluster, one row each, with the
    cause (:func:`_cause`)."""
    clusters = dict(run.clustering.clusters)
    prepared = run.prepared
    options = LinkConfig().neighbourhood
    index = NeighbourhoodIndex.build(prepared, thin_records(prepared), context, options)
    graph = cluster_graph(clusters, context, options.max_df)
    members: dict[str, list[str]] = {}
    for record, cluster in clusters.items():
        members.setdefault(cluster, []).append(record)
    full = {c for c, rs in members.items() if not all(r in index.thin for r in rs)}
    clusters_of: dict[str, set[str]] = {}
    for record, person in truth.items():
        clusters_of.setdefault(person, set()).add(clusters[record])
    evidence = evidence_of(prepared)
    rows = []
    for record in sorted(associates & truth.keys()):
        own = clusters[record]
        others = clusters_of[truth[record]] - {own}
        if not others:
            continue
        name = index.names[record]
        candidates = [
            c for c in full - {own} if any(compatible(name, index.names[m]) for m in members[c])
        ]
        cause, distance = _cause(record, others, clusters, index, graph, candidates)
        rows.append(
            {
                "record_id": record,
                "evidence": evidence.get(record, ""),
                "name": "full name" if name[3] else "forename only",
                "cause": cause,
                "distance": distance,
                "compatible_clusters": len(candidates),
                "person_records": sum(len(members[c]) for c in others),
            }
        )
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["record_id"])
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def finish(args: argparse.Namespace) -> None:
    """The cluster and collective stage on the cache, evaluated against the truth."""
    cache = pickle.loads(Path(args.cache).read_bytes())
    base = LinkConfig()
    hood = replace(
        base.neighbourhood,
        enabled=not args.no_neighbourhood,
        hops_full_name=args.hops_full or base.neighbourhood.hops_full_name,
        hops_forename=args.hops_forename or base.neighbourhood.hops_forename,
    )
    config = replace(base, neighbourhood=hood)
    started = time.process_time()
    begun = time.perf_counter()
    run = _finish(
        cache["prepared"],
        cache["pairs"],
        cache["model"],
        DecisionSet(frozenset(), frozenset()),
        {},
        config,
        {},
        begun,
        None,
        carried=(),
        incremental=False,
        context=cache["context"],
    )
    cpu = time.process_time() - started
    truth = {r: p for r, p in cache["truth"].items() if r in cache["keys"]}  # person records
    ids = run.person_ids
    clusters = {r: ids.get(r, r) for r in truth}
    origin = {r: cache["origins"].get(p, "") for r, p in truth.items()}
    result = evaluate_linkage(
        clusters,
        truth,
        prepared=cache["prepared"],
        blocking_keys=blocking_keys_from_model(cache["model"]),
        name_origin=origin,
        family_of=cache["families"],
        review_pairs=run.review_queue.num_rows,
    ).as_dict()
    pooled = {r: "south_asian" if o in SOUTH_ASIAN else "other" for r, o in origin.items()}
    associates = {r for r, k in cache["keys"].items() if k[:2] == ASSOCIATES and r in truth}
    result["recall_south_asian_vs_other"] = recall_by_group(clusters, truth, pooled)
    result["recall_with_an_associate"] = _associate_recall(clusters, truth, associates)
    result["attached_links"] = len(run.clustering.attached_links)
    result["stage_cpu"] = round(cpu, 1)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if args.misses:
        result["associates_apart"] = _misses(
            Path(args.misses), run, truth, associates, cache["context"]
        )
    result.pop("recall_by_name_origin", None)
    print(json.dumps(result, indent=2) if args.json else result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    first = sub.add_parser("score")
    first.add_argument("--truth", type=Path, required=True)
    first.add_argument("--out", type=Path, required=True)
    first.add_argument("--without-associate-address", action="store_true")
    second = sub.add_parser("finish")
    second.add_argument("--cache", required=True)
    second.add_argument("--hops-full", type=int, default=0)
    second.add_argument("--hops-forename", type=int, default=0)
    second.add_argument("--no-neighbourhood", action="store_true")
    second.add_argument("--misses", type=Path)
    second.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.command == "score":
        score(args.truth, args.out, args.without_associate_address)
    else:
        finish(args)


if __name__ == "__main__":
    main()
