"""Reading a simulator's ``truth/`` folder against the records in the store (evaluation only).

Nothing in the linkage itself reads truth: these helpers exist for ``joinedup evaluate``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from joinedup.common.errors import JoinedupError
from joinedup.linkage.evaluate import LinkageEvaluation, evaluate_linkage
from joinedup.linkage.persist import latest_run, load_person_ids
from joinedup.linkage.prepare import prepare_records
from joinedup.linkage.settings import blocking_keys_from_model
from joinedup.linkage.sources import person_records, record_keys
from joinedup.model.linkage import MatchReview
from joinedup.store.actor_session import ActorSession


class TruthError(JoinedupError, ValueError):
    """The truth folder is missing or is not a simulator's truth."""


def _rows(truth_dir: Path, name: str) -> list[dict[str, str]]:
    path = truth_dir / name
    if not path.is_file():
        raise TruthError(f"{path} not found: --truth must be a simulator's truth/ folder")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def true_person_of_records(session: ActorSession, truth_dir: Path) -> dict[str, str]:
    """``record id -> true person id`` for every record in scope the truth names."""
    truth = {
        (r["agency"], r["file"], r["record_key"]): r["person_id"]
        for r in _rows(truth_dir, "records.csv")
    }
    keys = record_keys(session)
    return {record: truth[key] for record, key in keys.items() if key in truth}


def name_origins(truth_dir: Path) -> dict[str, str]:
    """``true person id -> name origin`` (white_british, pakistani, …)."""
    return {r["person_id"]: r["name_origin"] for r in _rows(truth_dir, "persons.csv")}


def families(truth_dir: Path) -> dict[str, str]:
    """``true person id -> family id`` (a child and its parents share one)."""
    return {r["person_id"]: r.get("family_id") or "" for r in _rows(truth_dir, "persons.csv")}


def open_review_pairs(session: ActorSession, run_id: str | None) -> int:
    """Open review items the latest run left (or every open item without a run)."""
    items = session.list(MatchReview, {"status": "open"})
    return sum(1 for m in items if run_id is None or m.run_id == run_id)


def evaluate_stored_linkage(session: ActorSession, truth_dir: Path) -> LinkageEvaluation:
    """Score the persisted persons (the latest ``joinedup link``) against the truth."""
    session.require("evaluate.run")
    person_ids = load_person_ids(session)
    if not person_ids:
        raise TruthError("no linkage results in scope: run `joinedup link` first")
    truth_of = true_person_of_records(session, truth_dir)
    records = [r for r in person_records(session) if r["record_id"] in truth_of]
    truth = {r["record_id"]: truth_of[r["record_id"]] for r in records}
    clusters = {record: person_ids.get(record, record) for record in truth}
    run = latest_run(session)
    origins = name_origins(truth_dir)
    return evaluate_linkage(
        clusters,
        truth,
        prepared=prepare_records(records) if run is not None else None,
        blocking_keys=blocking_keys_from_model(run.model) if run is not None else None,
        name_origin={record: origins.get(person, "") for record, person in truth.items()},
        family_of=families(truth_dir),
        review_pairs=open_review_pairs(session, None if run is None else run.id),
    )
