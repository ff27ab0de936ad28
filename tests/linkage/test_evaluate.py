"""Evaluation arithmetic on tiny hand-made truths."""

from __future__ import annotations

import pytest

from joinedup.linkage.evaluate import (
    EVIDENCE_CLASSES,
    blocking_recall,
    evaluate_linkage,
    evidence_of,
    family_merges,
    name_group,
    pair_set_scores,
    pairwise_scores,
    recall_by_evidence,
    recall_by_group,
)
from joinedup.linkage.prepare import prepare_records
from tests.linkage.conftest import person

TRUTH = {"a": "P1", "b": "P1", "c": "P1", "d": "P2", "e": "P2", "f": "P3"}


def test_perfect_clustering() -> None:
    result = pairwise_scores(dict(TRUTH), TRUTH)
    assert (result.precision, result.recall, result.f1) == (1.0, 1.0, 1.0)
    assert result.true_pairs == 4


def test_one_wrong_merge_and_one_missed_link() -> None:
    # predicted: {a,b} {c} {d,e,f}: true pairs ab ac bc de; predicted ab de df ef
    clusters = {"a": "1", "b": "1", "c": "2", "d": "3", "e": "3", "f": "3"}
    result = pairwise_scores(clusters, TRUTH)
    assert result.true_positives == 2
    assert result.predicted_pairs == 4
    assert result.precision == pytest.approx(0.5)
    assert result.recall == pytest.approx(0.5)
    assert result.f1 == pytest.approx(0.5)


def test_all_singletons_have_precision_one_and_recall_zero() -> None:
    result = pairwise_scores({r: r for r in TRUTH}, TRUTH)
    assert (result.precision, result.recall, result.f1) == (1.0, 0.0, 0.0)


def test_recall_by_group() -> None:
    clusters = {"a": "1", "b": "1", "c": "2", "d": "3", "e": "3", "f": "4"}
    groups = {
        "a": "south_asian",
        "b": "south_asian",
        "c": "south_asian",
        "d": "other",
        "e": "other",
    }
    assert recall_by_group(clusters, TRUTH, groups) == {
        "other": 1.0,
        "south_asian": pytest.approx(1 / 3),
    }


def test_blocking_recall_counts_true_pairs_any_key_reaches() -> None:
    table = prepare_records(
        [
            person("a", "Aisha", "Khan", postcode="S60 1AB"),
            person("b", "Khan", "Aisha", postcode="S61 1AB", date_of_birth="2001-01-01"),
            person("c", "Zed", "Jones", postcode="S70 1AB", date_of_birth="1999-01-01"),
        ]
    )
    truth = {"a": "P", "b": "P", "c": "P"}
    assert blocking_recall(table, truth, [("name_pair",)]) == pytest.approx(1 / 3)
    assert blocking_recall(table, truth, [("postcode",)]) == 0.0


def test_pair_set_scores_and_full_evaluation() -> None:
    assert pair_set_scores([("b", "a"), ("d", "f")], TRUTH).precision == 0.5
    report = evaluate_linkage(dict(TRUTH), TRUTH, name_origin={"a": "x"})
    assert report.cluster_count == 3 and report.true_person_count == 3
    assert report.as_dict()["f1"] == 1.0


def test_recall_by_evidence_counts_a_pair_under_its_weaker_record() -> None:
    table = prepare_records(
        [
            person("a", "Amy", "Shaw"),  # date of birth
            person("b", "Amy", "Shaw", date_of_birth=None),  # postcode only
            person("c", "Amy", "Shaw", date_of_birth=None, postcode=None),  # name only
            person("d", "Amy", "Shaw", date_of_birth=None, postcode=None, upn="A1"),
        ]
    )
    evidence = evidence_of(table)
    assert [evidence[r] for r in "abcd"] == [
        EVIDENCE_CLASSES[2],
        EVIDENCE_CLASSES[1],
        EVIDENCE_CLASSES[0],
        EVIDENCE_CLASSES[2],
    ]
    truth = dict.fromkeys("abcd", "P")
    clusters = {"a": "1", "b": "1", "c": "2", "d": "1"}  # the name-only record is apart
    assert recall_by_evidence(clusters, truth, evidence) == {
        EVIDENCE_CLASSES[0]: (3, 0.0),
        EVIDENCE_CLASSES[1]: (2, 1.0),
        EVIDENCE_CLASSES[2]: (1, 1.0),
    }
    report = evaluate_linkage(clusters, truth, prepared=table)
    assert report.recall_by_evidence[EVIDENCE_CLASSES[0]] == (3, 0.0)


def test_recall_by_name_group_puts_south_asian_origins_together() -> None:
    clusters = {"a": "1", "b": "1", "c": "2", "d": "3", "e": "3", "f": "4"}
    origins = {"a": "pakistani", "b": "pakistani", "c": "pakistani", "d": "irish", "e": "irish"}
    report = evaluate_linkage(clusters, TRUTH, name_origin=origins)
    assert report.recall_by_name_group == {"other": 1.0, "south_asian": pytest.approx(1 / 3)}
    assert name_group("bangladeshi") == name_group("indian") == "south_asian"
    assert name_group("white_british") == "other"


def test_family_merges_counts_persons_of_one_family_in_one_cluster() -> None:
    # P1 and P2 are one family (a child and its mother), P3 another family's child
    family = {"P1": "F1", "P2": "F1", "P3": "F3"}
    merged = {"a": "1", "b": "1", "c": "1", "d": "1", "e": "2", "f": "2"}
    assert family_merges(merged, TRUTH, family) == 1  # P1+P2 only; P2+P3 are not family
    apart = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "2", "f": "3"}
    assert family_merges(apart, TRUTH, family) == 0


def test_evaluation_reports_review_pairs_and_family_merges() -> None:
    family = {"P1": "F1", "P2": "F1"}
    merged = {"a": "1", "b": "1", "c": "1", "d": "1", "e": "1", "f": "3"}
    result = evaluate_linkage(merged, TRUTH, family_of=family, review_pairs=7).as_dict()
    assert result["family_merges"] == 1
    assert result["review_pairs"] == 7
    assert evaluate_linkage(merged, TRUTH).as_dict()["family_merges"] is None
