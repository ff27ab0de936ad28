"""What a drop can touch, walked on the drop index, against the same walk over every record."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.linkage.context import RecordContext
from joinedup.linkage.drop_reach import drop_reach, reach_from
from joinedup.linkage.drop_store import kept_statistics
from joinedup.linkage.link import LinkConfig
from joinedup.linkage.persist import latest_run, load_person_ids, run_linkage
from joinedup.linkage.predict import blocked_with, equality_keys
from joinedup.linkage.prepare import prepare_records
from joinedup.linkage.settings import key_values
from joinedup.linkage.sources import person_records_with_context
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.simulate import simulate
from joinedup.simulate.drops import write_drops
from tests.conftest import Store
from tests.linkage.test_persist import _store_records, health_held_back

INDEXED = LinkConfig(keep_drop_index=True)  # the index is kept only when asked


@pytest.fixture(scope="module")
def people() -> tuple[list[dict[str, Any]], dict[str, str], dict[str, str]]:
    """About 450 synthetic person records with their true persons."""
    from joinedup.linkage.synthetic import generate_people

    return generate_people(200, seed=11, invented_names=40)


def _sharing(existing: pa.Table, new: pa.Table, model: dict[str, Any]) -> set[str]:
    """The stored records sharing a blocking-key value with a new record (a key on a column
    the new records lack shares nothing; ``blocked_with`` then takes every record)."""
    out: set[str] = set()
    ids = existing["record_id"].to_pylist()
    for key in equality_keys(model) or ():
        if set(key) <= set(existing.column_names) & set(new.column_names):
            wanted = {v for v in key_values(new, key) if v is not None}
            out |= {r for r, v in zip(ids, key_values(existing, key), strict=True) if v in wanted}
    return out


def _walk(
    records: set[str],
    previous: dict[str, str],
    context: RecordContext,
    fresh: set[str],
    blocked: set[str],
    steps: int,
) -> list[set[str]]:
    """The walk over every record's context (as bench/drop_linkage.py --reach does it)."""
    members: dict[str, set[str]] = {}
    for record, person in previous.items():
        members.setdefault(person, set()).add(record)
    holders: dict[str, set[str]] = {}
    for record, tokens in context.tokens.items():
        if record in previous or record in fresh:
            for token in tokens:
                holders.setdefault(token, set()).add(record)
    persons = {previous[r] for r in blocked} | fresh
    out = [set().union(*(members.get(p, {p}) for p in persons))]
    for _ in range(steps):
        step = set(persons)
        for record in out[-1]:
            step |= {previous.get(o, o) for o in context.neighbours.get(record, ())}
            for token in context.tokens.get(record, ()):
                step |= {previous.get(h, h) for h in holders[token]}
        persons = step
        out.append(set().union(*(members.get(p, {p}) for p in persons)))
    return out


def _compare(store: Store, steps: int) -> list[int]:
    """The walk on the index against the walk over every record, for the unlinked records."""
    with store.door.session("joinedup-service", "linkage") as s:
        rows, context = person_records_with_context(s)
        previous = load_person_ids(s)
        existing = prepare_records([r for r in rows if r["record_id"] in previous])
        new = prepare_records([r for r in rows if r["record_id"] not in previous])
        last = latest_run(s)
        assert last is not None
        model = last.model
        statistics = kept_statistics(s, model)
        assert statistics is not None
        reach = drop_reach(s, new, context, model, statistics, steps=steps)
    fresh = set(new["record_id"].to_pylist())
    blocked = _sharing(existing, new, model)
    assert reach.blocked == blocked
    assert blocked <= set(blocked_with(existing, new, model)["record_id"].to_pylist())
    expected = _walk(set(previous), previous, context, fresh, blocked, steps=steps)
    assert reach.by_step == [len(e) for e in expected]
    assert reach.records == expected[-1]
    assert fresh <= reach.records < set(previous) | fresh
    return reach.by_step


def test_the_walk_on_the_index_finds_the_blocked_records_and_their_persons(
    store: Store, people: Any, model: dict[str, Any]
) -> None:
    records, _, _ = people
    late, agencies = health_held_back(store, records, model)
    with store.door.session("joinedup-service", "linkage") as s:
        run_linkage(s, INDEXED)
    _store_records(store, late, agencies)
    by_step = _compare(store, steps=2)
    assert by_step[0] > len(late)  # no context here: the steps add nothing
    assert by_step[0] == by_step[-1]


@pytest.mark.sqlite_only("the borough's first load and a drop take a while")
def test_on_a_borough_the_walk_on_the_index_follows_context_as_the_full_walk(
    store: Store, tmp_path: Path
) -> None:
    borough = tmp_path / "borough"
    simulate(borough, seed=7, scale=0.01, end_date=date(2026, 1, 1))
    write_drops(borough, "weekly", start=date(2025, 9, 1))
    dates = sorted(p for p in (borough / "drops").iterdir() if p.is_dir())
    walks: list[list[int]] = []
    for folder in dates[:4]:  # the first load and three weekly drops, each compared
        run_jobs(
            store.door, SERVICE_ACCOUNT, "data_ingest", plan(sorted(folder.iterdir()), *[None] * 3)
        )
        if folder != dates[0]:
            walks.append(_compare(store, steps=3))
        with store.door.session(SERVICE_ACCOUNT, "linkage") as s:
            run_linkage(s, INDEXED)
    # stored records with context, as if a drop blocked with them: the walk reaches further
    with store.door.session(SERVICE_ACCOUNT, "linkage") as s:
        _rows, context = person_records_with_context(s)
        previous = load_person_ids(s)
        last = latest_run(s)
        assert last is not None
        statistics = kept_statistics(s, last.model)
        assert statistics is not None
        seeds = set(sorted(r for r in previous if context.neighbours.get(r))[:10])
        seeds |= set(sorted(r for r in previous if context.tokens.get(r))[:10])
        reach = reach_from(s, seeds, statistics, steps=3)
    expected = _walk(set(previous), previous, context, set(), seeds, steps=3)
    assert reach.by_step == [len(e) for e in expected] and reach.records == expected[-1]
    assert reach.by_step[-1] > reach.by_step[0], reach.by_step
