"""Stable person ids and incremental linking."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from joinedup.linkage.link import LinkConfig, link_new_records, link_records
from joinedup.linkage.stable import stable_person_ids


def _counter() -> Any:
    numbers = itertools.count(1)
    return lambda: f"new-{next(numbers)}"


def test_unchanged_clusters_keep_their_ids() -> None:
    previous = {"a": "P1", "b": "P1", "c": "P2"}
    result = stable_person_ids(
        previous, {"a": "x", "b": "x", "c": "y", "d": "z"}, new_id=_counter()
    )
    assert result.person_ids == {"a": "P1", "b": "P1", "c": "P2", "d": "new-1"}
    assert result.created == {"new-1"}


def test_merge_keeps_the_larger_overlap_and_retires_the_other() -> None:
    previous = {"a": "P1", "b": "P1", "c": "P2"}
    result = stable_person_ids(previous, {"a": "x", "b": "x", "c": "x"}, new_id=_counter())
    assert set(result.person_ids.values()) == {"P1"}
    assert result.retired == {"P2": "P1"}


def test_split_keeps_the_id_on_the_larger_part_with_deterministic_ties() -> None:
    previous = {"a": "P1", "b": "P1", "c": "P1", "d": "P2", "e": "P2"}
    result = stable_person_ids(
        previous, {"a": "x", "b": "x", "c": "y", "d": "u", "e": "v"}, new_id=_counter()
    )
    assert result.person_ids["a"] == result.person_ids["b"] == "P1"
    assert result.person_ids["c"].startswith("new-")
    assert result.person_ids["d"] == "P2"  # tie between u and v: smaller cluster key wins


@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.sampled_from(["P1", "P2", "P3"])),
)
def test_identical_clustering_keeps_every_id(previous: dict[str, str]) -> None:
    result = stable_person_ids(previous, dict(previous), new_id=_counter())
    assert result.person_ids == previous
    assert not result.created and not result.retired


def test_ids_stay_stable_when_a_new_batch_arrives(
    model: dict[str, Any], synthetic: tuple[list[dict[str, Any]], dict[str, str], Any]
) -> None:
    records, truth, _ = synthetic
    old = [r for i, r in enumerate(records) if i % 4]
    new = [r for i, r in enumerate(records) if not i % 4]
    config = LinkConfig()
    first = link_records(old, model=model, config=config)
    second = link_new_records(old, first.person_ids, new, model, config=config)
    assert second.incremental
    # every old record keeps its person id unless a new record bridged two old persons
    changed = {r for r in first.person_ids if second.person_ids[r] != first.person_ids[r]}
    assert len(changed) <= len(second.ids.retired) * 10
    assert set(second.person_ids) == {r["record_id"] for r in records}
    # new records join the person their true duplicates already belong to
    joined = sum(
        1
        for r in new
        for o in old
        if truth[o["record_id"]] == truth[r["record_id"]]
        and second.person_ids[o["record_id"]] == second.person_ids[r["record_id"]]
    )
    assert joined > 0
    # an incremental run scores only pairs involving a new record
    new_ids = {r["record_id"] for r in new}
    assert all(
        a in new_ids or b in new_ids
        for a, b in zip(
            second.pairs["record_id_l"].to_pylist(),
            second.pairs["record_id_r"].to_pylist(),
            strict=False,
        )
    )
