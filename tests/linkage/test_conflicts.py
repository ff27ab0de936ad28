"""Hard conflicts: dates of birth no recording error explains, two identifiers, two sexes."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.linkage.cluster import cluster_pairs, clusters_as_groups
from joinedup.linkage.conflicts import (
    ConflictRules,
    dob_compatible,
    record_values,
    values_conflict,
)
from joinedup.linkage.decisions import ReviewDecision, resolve_decisions
from joinedup.linkage.prepare import prepare_records
from joinedup.simulate.noise import mistype_date, swap_day_month
from tests.linkage.conftest import person

DATES = st.dates(min_value=date(1940, 1, 1), max_value=date(2020, 12, 31))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("2009-03-07", "2009-03-07"),  # the same
        ("2009-03-07", "2009-07-03"),  # day and month swapped
        ("2009-03-07", "2009-03-17"),  # a digit of the day
        ("2009-03-27", "2009-03-21"),  # the day slipped within the month
        ("1985-06-01", "1958-06-01"),  # two digits of the year transposed
        ("2009-03-07", "2010-03-07"),  # the year one out
        ("1990-05-30", "1991-05-28"),  # the year one out, the day capped at 28
        ("2009-03-07", "2009-04-07"),  # a digit of the month
        ("2009-03-07", "2009-01-01"),  # an estimated date of birth
        ("2009-03-07", "2010-02-20"),  # under 13 months apart
    ],
)
def test_recording_errors_are_compatible(a: str, b: str) -> None:
    assert dob_compatible(a, b) and dob_compatible(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("2009-03-07", "2011-10-21"),
        ("2009-03-07", "2007-03-17"),  # two errors, two years apart
        ("1990-08-26", "1992-11-22"),
        ("1985-12-26", "1975-12-25"),  # ten years and a day apart
        ("1990-25-03", "1995-03-25"),  # not a calendar date, years apart
    ],
)
def test_other_differences_conflict(a: str, b: str) -> None:
    assert not dob_compatible(a, b)


@given(DATES, st.integers(min_value=0, max_value=2**32))
def test_every_simulated_date_error_is_compatible(day: date, seed: int) -> None:
    """Each kind of date error the simulator makes (noise.py) is explained."""
    rng = random.Random(seed)
    typo = mistype_date(day, rng)
    assert dob_compatible(day.isoformat(), typo.isoformat())
    swapped = swap_day_month(day)
    if swapped is not None:
        assert dob_compatible(day.isoformat(), swapped.isoformat())


@given(DATES, DATES)
def test_compatibility_is_symmetric(a: date, b: date) -> None:
    assert dob_compatible(a.isoformat(), b.isoformat()) == dob_compatible(
        b.isoformat(), a.isoformat()
    )


@given(DATES, st.integers(min_value=401, max_value=20000))
def test_dates_far_apart_and_unlike_conflict(day: date, days: int) -> None:
    a, b = day.isoformat(), (day + timedelta(days=days)).isoformat()
    if sum(x != y for x, y in zip(a, b, strict=True)) >= 3:
        assert not dob_compatible(a, b)


@given(DATES, st.integers(min_value=0, max_value=400))
def test_dates_within_thirteen_months_are_compatible(day: date, days: int) -> None:
    assert dob_compatible(day.isoformat(), (day + timedelta(days=days)).isoformat())


def test_identifier_values_conflict_unless_one_group_holds_the_other() -> None:
    assert values_conflict("nhs_number", frozenset({"1"}), frozenset({"2"}))
    assert not values_conflict("nhs_number", frozenset({"1"}), frozenset({"1"}))
    assert not values_conflict("nhs_number", frozenset({"1", "2"}), frozenset({"1"}))
    assert not values_conflict("nhs_number", frozenset(), frozenset({"1"}))
    assert values_conflict("date_of_birth", frozenset({"2009-03-07"}), frozenset({"2001-10-21"}))


def _pairs(rows: list[tuple[str, str, float]]) -> pa.Table:
    return pa.table(
        {
            "record_id_l": [a for a, _, _ in rows],
            "record_id_r": [b for _, b, _ in rows],
            "match_weight": [w for _, _, w in rows],
            "match_probability": [2**w / (1 + 2**w) for _, _, w in rows],
        }
    )


# a (NHS 1) - b (no NHS) - c (NHS 2) - d: the b-c link is the weaker one on the path
CHAIN = _pairs([("a", "b", 12.0), ("b", "c", 6.0), ("c", "d", 15.0)])
VALUES = {"nhs_number": {"a": "1", "c": "2"}}


def test_a_chain_through_a_record_without_identifier_cannot_join_two_nhs_numbers() -> None:
    plain = cluster_pairs("abcd", CHAIN, threshold=0.9)
    assert len(set(plain.clusters.values())) == 1
    result = cluster_pairs("abcd", CHAIN, threshold=0.9, values=VALUES)
    assert clusters_as_groups(result.clusters) == {"a": ["a", "b"], "c": ["c", "d"]}
    assert result.conflicting_links == [("b", "c")]
    assert result.refused_links == []


def test_a_confirmed_pair_joins_whatever_its_values() -> None:
    decisions = resolve_decisions([ReviewDecision("a", "c", "confirmed")])
    result = cluster_pairs("abcd", CHAIN, threshold=0.9, values=VALUES, decisions=decisions)
    assert len(set(result.clusters.values())) == 1


def test_dates_of_birth_years_apart_split_a_chain() -> None:
    values = {"date_of_birth": {"a": "2009-03-07", "b": "2009-03-17", "d": "1995-11-02"}}
    result = cluster_pairs("abcd", CHAIN, threshold=0.9, values=values)
    assert clusters_as_groups(result.clusters) == {"a": ["a", "b"], "c": ["c", "d"]}


def test_record_values_reads_the_rules_columns() -> None:
    prepared = prepare_records(
        [
            person("a", "Amy", "Shaw", nhs_number="943 476 5919", sex="9"),
            person("b", "Amy", "Shaw", upn="A123"),
        ]
    )
    values = record_values(prepared, ConflictRules())
    columns = {c: v.to_pylist() for c, v in values.columns.items()}
    assert values.record_ids.to_pylist() == ["a", "b"]
    assert columns["nhs_number"] == ["9434765919", None]
    assert columns["upn"] == [None, "A123"]
    assert columns["sex"] == [None, "2"]  # 9 (not known) is no value
    assert columns["date_of_birth"] == ["2008-05-17", "2008-05-17"]
    plain = record_values(prepared, ConflictRules(identifiers=(), sex=False))
    assert plain.columns.keys() == {"date_of_birth"}
    reordered = values.aligned(pa.array(["b", "x", "a"]))
    assert reordered["upn"].to_pylist() == ["A123", None, None]
