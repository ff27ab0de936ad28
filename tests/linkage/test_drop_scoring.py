"""A drop's scoring reads only the existing records sharing a blocking key with a new record,
and gives the pairs and memberships that scoring against every existing record gives
(issue 19)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from joinedup.linkage.decisions import ReviewDecision
from joinedup.linkage.link import LinkConfig, link_new_records, link_records
from joinedup.linkage.predict import blocked_with, equality_keys, predict_incremental
from joinedup.linkage.prepare import prepare_records
from joinedup.linkage.settings import blocking_keys_from_model

Synthetic = tuple[list[dict[str, Any]], dict[str, str], dict[str, str]]


def _partition(person_ids: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record, person in person_ids.items():
        groups.setdefault(person, set()).add(record)
    return {frozenset(g) for g in groups.values()}


def _drops(records: list[dict[str, Any]], n: int, size: int) -> list[list[dict[str, Any]]]:
    """The last ``n * size`` records (by id) as ``n`` drops of ``size``."""
    ordered = sorted(records, key=lambda r: r["record_id"])
    tail = ordered[len(ordered) - n * size :]
    return [tail[i * size : (i + 1) * size] for i in range(n)]


def test_the_model_rules_are_plain_equalities(model: dict[str, Any]) -> None:
    keys = equality_keys(model)
    assert keys is not None and keys == blocking_keys_from_model(model)
    odd = {**model, "blocking_rules_to_generate_predictions": ["l.surname = r.forename"]}
    assert equality_keys(odd) is None
    salted = {
        **model,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": 'l."upn" = r."upn"', "salting_partitions": 4}
        ],
    }
    assert equality_keys(salted) is None


def test_scoring_against_the_blocked_records_gives_the_same_pairs(
    synthetic: Synthetic, model: dict[str, Any]
) -> None:
    records, _, _ = synthetic
    for drop in _drops(records, 3, 25):
        new_ids = {r["record_id"] for r in drop}
        existing = prepare_records([r for r in records if r["record_id"] not in new_ids])
        new = prepare_records(drop)
        blocked = blocked_with(existing, new, model)
        assert 0 < blocked.num_rows < existing.num_rows / 4
        every = predict_incremental(existing, new, model, restrict=False)
        assert every.num_rows > 0
        assert predict_incremental(existing, new, model).equals(every)
    odd = {**model, "blocking_rules_to_generate_predictions": ["l.surname = r.forename"]}
    assert blocked_with(existing, new, odd) is existing


def test_a_drop_no_existing_record_blocks_with_is_scored_within_itself(
    synthetic: Synthetic, model: dict[str, Any]
) -> None:
    records, _, _ = synthetic
    existing = prepare_records(records[:300])
    stranger = {
        "record_id": "drop-1",
        "agency": "police",
        "forename": "Zebedee",
        "surname": "Quixotrova",
        "date_of_birth": "1931-02-03",
        "sex": "1",
        "postcode": "ZZ9 9ZZ",
        "nhs_number": None,
        "upn": None,
        "police_id": None,
    }
    twin = {**stranger, "record_id": "drop-2"}
    new = prepare_records([stranger, twin])
    assert blocked_with(existing, new, model).num_rows == 0
    pairs = predict_incremental(existing, new, model)
    assert pairs.equals(predict_incremental(existing, new, model, restrict=False))
    assert pairs["record_id_l"].to_pylist() == ["drop-1"]


@pytest.mark.parametrize("size", [25])
def test_memberships_after_a_sequence_of_drops_equal_the_unrestricted_path(
    synthetic: Synthetic, model: dict[str, Any], size: int
) -> None:
    records, _, _ = synthetic
    drops = _drops(records, 4, size)
    later = {r["record_id"] for drop in drops for r in drop}
    known = [r for r in records if r["record_id"] not in later]
    config = LinkConfig()
    person_ids = link_records(known, model=model, config=config).person_ids
    for drop in drops:
        runs = [
            link_new_records(known, person_ids, drop, model, config=config, restrict=restrict)
            for restrict in (True, False)
        ]
        assert all(run.incremental for run in runs)
        assert runs[0].pairs.equals(runs[1].pairs)
        assert _partition(runs[0].person_ids) == _partition(runs[1].person_ids)
        assert {r: runs[0].person_ids[r] for r in person_ids} == {
            r: runs[1].person_ids[r] for r in person_ids
        }
        held = [run.review_queue.select(["record_id_l", "record_id_r"]) for run in runs]
        assert held[0].equals(held[1])
        person_ids = runs[0].person_ids
        known = known + drop


def test_a_rejection_inside_an_existing_person_still_relinks_everything(
    synthetic: Synthetic, model: dict[str, Any]
) -> None:
    records, _, _ = synthetic
    drop = _drops(records, 1, 10)[0]
    new_ids = {r["record_id"] for r in drop}
    known = [r for r in records if r["record_id"] not in new_ids]
    person_ids = link_records(known, model=model).person_ids
    groups: dict[str, list[str]] = {}
    for record, person in sorted(person_ids.items()):
        groups.setdefault(person, []).append(record)
    a, b = next(g[:2] for g in groups.values() if len(g) > 1)
    run = link_new_records(
        known, person_ids, drop, model, decisions=[ReviewDecision(a, b, "rejected")]
    )
    assert not run.incremental
    assert run.person_ids[a] != run.person_ids[b]
    assert isinstance(run.pairs, pa.Table)
