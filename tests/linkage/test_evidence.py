"""The evidence held with a pair queued for review: each comparison, the weights, the
collective evidence; stored with the item by a link run; said in plain words."""

from __future__ import annotations

import json
import math
from typing import Any

import pyarrow as pa
import pytest

from joinedup.linkage.context import RecordContext
from joinedup.linkage.evidence import model_levels, plain_words, with_evidence
from joinedup.linkage.persist import run_linkage
from joinedup.linkage.synthetic import generate_people
from joinedup.model.linkage import MatchReview
from tests.conftest import Store
from tests.linkage.test_persist import _agencies, _seed_model, _store_records

MODEL: dict[str, Any] = {
    "probability_two_random_records_match": 0.001,
    "comparisons": [
        {
            "output_column_name": "surname",
            "comparison_levels": [
                {"label_for_charts": "surname is NULL", "is_null_level": True},
                {"label_for_charts": "Exact match", "m_probability": 0.8, "u_probability": 0.01},
                {
                    "label_for_charts": "Jaro-Winkler >= 0.9",
                    "m_probability": 0.1,
                    "u_probability": 0.05,
                },
                {
                    "label_for_charts": "All other comparisons",
                    "m_probability": 0.1,
                    "u_probability": 0.94,
                },
            ],
        },
        {
            "output_column_name": "date_of_birth",
            "comparison_levels": [
                {"label_for_charts": "date_of_birth is NULL", "is_null_level": True},
                {"label_for_charts": "Exact match", "m_probability": 0.9, "u_probability": 0.001},
                {
                    "label_for_charts": "All other comparisons",
                    "m_probability": 0.1,
                    "u_probability": 0.999,
                },
            ],
        },
        {
            "output_column_name": "postcode",
            "comparison_levels": [
                {"label_for_charts": "postcode is NULL", "is_null_level": True},
                {"label_for_charts": "Exact match", "m_probability": 0.7, "u_probability": 0.01},
                {
                    "label_for_charts": "All other comparisons",
                    "m_probability": 0.3,
                    "u_probability": 0.99,
                },
            ],
        },
    ],
}


def _pairs(rows: list[tuple[str, str, float, int | None, int | None, int | None]]) -> pa.Table:
    return pa.table(
        {
            "record_id_l": [r[0] for r in rows],
            "record_id_r": [r[1] for r in rows],
            "match_weight": [r[2] for r in rows],
            "match_probability": [1 / (1 + 2 ** -r[2]) for r in rows],
            "gamma_surname": pa.array([r[3] for r in rows], pa.int32()),
            "gamma_date_of_birth": pa.array([r[4] for r in rows], pa.int32()),
            "gamma_postcode": pa.array([r[5] for r in rows], pa.int32()),
        }
    )


@pytest.fixture(scope="module")
def people() -> tuple[list[dict[str, Any]], dict[str, str], dict[str, str]]:
    """About 900 synthetic person records (as tests/linkage/test_persist.py)."""
    return generate_people(400, seed=5, invented_names=60)


def test_levels_follow_splink_numbering_with_labels_and_weights() -> None:
    levels = model_levels(MODEL)
    by_value, top = levels["gamma_surname"]
    assert top == 2
    assert by_value[2][0] == "Exact match" and math.isclose(by_value[2][1], math.log2(80))
    assert by_value[1][0] == "Jaro-Winkler >= 0.9" and by_value[0][0] == "All other comparisons"
    assert by_value[-1] == ("surname is NULL", 0.0)


def test_each_comparison_says_agreed_partly_disagreed_or_missing() -> None:
    candidates = _pairs([("a", "b", 1.5, 1, 0, None), ("a", "c", 9.0, 2, 1, 1)])
    queue = candidates.filter(pa.array([True, False]))
    (held,) = with_evidence(queue, candidates, MODEL, clusters={})["evidence"].to_pylist()
    evidence = json.loads(held)
    outcomes = {c["field"]: (c["outcome"], c["level"]) for c in evidence["comparisons"]}
    assert outcomes == {
        "surname": ("partly agreed", "Jaro-Winkler >= 0.9"),
        "date_of_birth": ("disagreed", "All other comparisons"),
        "postcode": ("missing", "postcode is NULL"),
    }
    assert evidence["pairwise_weight"] == 1.5 and evidence["collective"] is None
    summed = sum(c["weight"] for c in evidence["comparisons"])
    assert math.isclose(
        evidence["prior_weight"] + evidence["adjustments"] + summed, 1.5, abs_tol=0.01
    )
    words = plain_words(evidence)
    assert "Surname: partly agreed (Jaro-Winkler >= 0.9; +1.0)." in words
    assert any(w.startswith("Date of birth: disagreed") for w in words)
    assert "No collective evidence was weighed for this pair." in words


def test_collective_evidence_names_what_the_persons_share_never_its_value() -> None:
    candidates = _pairs([("a", "b", 2.0, 2, -1, 0), ("c", "d", 2.0, 2, -1, 0)])
    queue = candidates.append_column("relational_score", pa.array([7.0, -1.0]))
    context = RecordContext()
    context.add_token("a", "phone:07700900123")
    context.add_token("b", "phone:07700900123")
    context.add_token("x", "vrm:AB12CDE")
    context.add_token("b", "vrm:AB12CDE")
    context.add_neighbours("a", "n")
    context.add_neighbours("b", "n")
    clusters = {"a": "A", "x": "A", "b": "B", "c": "C", "d": "D", "n": "N"}
    relational = {"cuts": [0.0, 6.0, 12.0], "m": [0.1, 0.2, 0.3, 0.4], "u": [0.9, 0.05, 0.03, 0.02]}
    table = with_evidence(
        queue, candidates, MODEL, clusters=clusters, context=context, relational=relational
    )
    first, second = (json.loads(e) for e in table["evidence"].to_pylist())
    collective = first["collective"]
    assert collective["weighed"] and collective["level"] == 2
    assert math.isclose(collective["weight"], math.log2(0.3 / 0.03), abs_tol=0.01)
    # the phone both records hold is compared pair to pair already: not counted again
    assert {s["kind"] for s in collective["shared"]} == {"vrm", "nb"}
    assert "AB12CDE" not in json.dumps(first) and "07700" not in json.dumps(first)
    assert second["collective"] == {"weighed": False}
    said = " ".join(plain_words(first))
    assert "the same vehicle" in said and "a person both appear with" in said


def test_a_link_run_stores_the_evidence_with_each_held_pair(
    store: Store, people: Any, model: dict[str, Any]
) -> None:
    records, _, _ = people
    _store_records(store, records, _agencies(store))
    _seed_model(store, model)
    with store.door.session("joinedup-service", "linkage") as s:
        outcome = run_linkage(s)
        items = s.list(MatchReview, {"status": "open"})
    assert outcome.review_items and items
    for item in items:
        evidence = item.evidence
        assert evidence is not None and evidence["comparisons"]
        fields = {c["field"] for c in evidence["comparisons"]}
        assert {"forename", "surname", "date_of_birth", "postcode"} <= fields
        assert math.isclose(evidence["match_probability"], item.match_probability, abs_tol=1e-3)
        assert all(
            c["outcome"] in ("agreed", "partly agreed", "disagreed", "missing")
            for c in evidence["comparisons"]
        )


def test_a_pair_on_names_alone_says_why_it_is_held() -> None:
    candidates = _pairs([("a", "b", 12.0, 2, -1, -1), ("a", "c", 12.0, 2, -1, 2)])
    table = with_evidence(candidates, candidates, MODEL, clusters={})
    held, corroborated = (json.loads(e) for e in table["evidence"].to_pylist())
    reason = "Only the names agree: a name alone cannot tell two children apart"
    assert any(line.startswith(reason) for line in plain_words(held))
    assert not any(line.startswith(reason) for line in plain_words(corroborated))


def test_a_levels_label_reads_in_a_reviewers_words() -> None:
    from joinedup.linkage.evidence import plain_level

    assert plain_level("date_of_birth is NULL") == "not recorded on one side or both"
    assert plain_level("Exact match on forename_key") == "exactly the same"
    assert plain_level("All other comparisons") == "different"
    assert "0.9" in plain_level("Jaro-Winkler distance of surname >= 0.9")
    assert plain_level("Day and month swapped") == "Day and month swapped"  # already plain
