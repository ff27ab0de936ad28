"""Column-wise preparation equals the row-by-row reference; clustering shortcuts are exact."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.linkage.cluster import _constrained, cluster_pairs
from joinedup.linkage.decisions import resolve_decisions
from joinedup.linkage.prepare import prepare_records, prepare_row
from joinedup.linkage.synthetic import generate_people


def _awkward_records() -> list[dict[str, Any]]:
    records, _, _ = generate_people(300, seed=3, realistic=True)
    records[0]["date_of_birth"] = datetime.date(2001, 2, 3)
    records[1]["sex"] = 2
    records[2]["forename"] = "Zoë O'Brien"
    records[3]["postcode"] = " s60\xa0 1ab "
    records[4]["date_of_birth"] = "1990-25-03"
    records[5]["postcode"] = "not a postcode"
    records[6]["surname"] = "--"
    records[7]["forename"] = "Ｍｏｈｄ"  # full-width: NFKD folds it
    return records


def test_prepare_records_matches_prepare_row() -> None:
    records = _awkward_records()
    table = prepare_records(records)
    expected = [prepare_row(r) for r in records]
    assert table.to_pylist() == [{k: row.get(k) for k in table.column_names} for row in expected]
    assert prepare_records(pa.Table.from_pylist(records[8:])).to_pylist() == (table.to_pylist()[8:])


def _pairs(edges: list[tuple[str, str, float]]) -> pa.Table:
    return pa.table(
        {
            "record_id_l": pa.array([a for a, _, _ in edges], pa.string()),
            "record_id_r": pa.array([b for _, b, _ in edges], pa.string()),
            "match_weight": pa.array([w for _, _, w in edges], pa.float64()),
            "match_probability": pa.array([1.0 if w > 0 else 0.0 for *_, w in edges]),
        }
    )


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_components_shortcut_equals_constrained_clustering(seed: int) -> None:
    rng = random.Random(seed)
    ids = [f"r{i:02d}" for i in range(30)]
    edges = []
    for _ in range(35):
        a, b = sorted(rng.sample(ids, 2))
        edges.append((a, b, rng.uniform(-5, 20)))
    decisions = resolve_decisions(
        {"record_id_a": a, "record_id_b": b, "verdict": rng.choice(["confirmed", "rejected"])}
        for a, b in (rng.sample(ids, 2) for _ in range(4))
    )
    pairs = _pairs(edges)
    fast = cluster_pairs(ids, pairs, threshold=0.9, decisions=decisions)
    strong = pairs.filter(pa.compute.greater_equal(pairs["match_probability"], 0.9))
    exact = _constrained(list(ids), set(ids), strong, decisions, [])
    assert fast.clusters == exact.clusters
    assert fast.refused_links == exact.refused_links
    assert fast.conflicts == exact.conflicts
