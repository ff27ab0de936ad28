"""Assessment by partitions equals a whole assessment: after a sequence of drops re-assessed
incrementally, and for the full rebuild in small batches (issue 19 point 2).

Every run is judged as of one date, so that only the records differ between runs: what time
alone changes is the nightly full rebuild's (docs/operations.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.linkage.persist import load_person_ids, run_linkage
from joinedup.safeguarding.incremental import (
    Opener,
    changed_records,
    flag_keys,
    reassess,
    rebuild,
    save_index,
)
from joinedup.safeguarding.run import assess
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.simulate import simulate
from joinedup.simulate.drops import write_drops
from joinedup.store import partitions as index
from tests.conftest import Store

AS_OF = date(2026, 1, 1)
BATCH = 1_000  # records a batch: 7 batches of this borough


@pytest.fixture(scope="module")
def borough(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny borough cut into weekly drops over its last months."""
    out = tmp_path_factory.mktemp("incr") / "borough"
    simulate(out, seed=7, scale=0.01, end_date=AS_OF)
    write_drops(out, "weekly", start=date(2025, 9, 1))
    return out


def _drop_dates(borough: Path) -> list[Path]:
    return sorted(p for p in (borough / "drops").iterdir() if p.is_dir())


def _take(store: Store, folder: Path) -> set[str]:
    """Ingest one date's drops and link; the records whose person changed."""
    run_jobs(
        store.door, SERVICE_ACCOUNT, "data_ingest", plan(sorted(folder.iterdir()), *[None] * 3)
    )
    with store.door.session(SERVICE_ACCOUNT, "linkage") as s:
        before = load_person_ids(s)
        run_linkage(s)
        return changed_records(before, load_person_ids(s))


def _opener(store: Store) -> Opener:
    return lambda: store.door.session(SERVICE_ACCOUNT, "analysis")


def _full_agrees(store: Store) -> None:
    """A whole assessment raises nothing new, updates nothing, and finds every flag held."""
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        held = flag_keys(s)
        full = assess(s, as_of=AS_OF)
    assert sum(full.flags.created.values()) == 0, full.flags.to_dict()
    assert sum(full.flags.updated.values()) == 0, full.flags.to_dict()
    assert sum(full.flags.not_found_again.values()) == 0, full.flags.to_dict()
    assert held and all(n == 1 for n in held.values())


@pytest.mark.sqlite_only("timed on SQLite; the index is plain SQL on both")
def test_incremental_drops_hold_the_flags_a_full_assessment_holds(
    store: Store, borough: Path
) -> None:
    dates = _drop_dates(borough)
    assert len(dates) >= 6
    modes = []
    for folder in dates[:6]:
        changed = _take(store, folder)
        report = reassess(_opener(store), store.engine, changed=changed, as_of=AS_OF)
        modes.append(report.mode)
        assert index.unindexed_records(store.engine) == []
    assert modes[0] == "rebuild" and "incremental" in modes[1:]
    _full_agrees(store)


@pytest.mark.sqlite_only("timed on SQLite; the index is plain SQL on both")
def test_the_full_rebuild_in_small_batches_holds_what_one_assessment_holds(
    store: Store, borough: Path
) -> None:
    for folder in _drop_dates(borough):
        run_jobs(
            store.door, SERVICE_ACCOUNT, "data_ingest", plan(sorted(folder.iterdir()), *[None] * 3)
        )
    with store.door.session(SERVICE_ACCOUNT, "linkage") as s:
        run_linkage(s)
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        report = rebuild(s, as_of=AS_OF, batch_records=BATCH)
    save_index(store.engine, report)
    assert index.unindexed_records(store.engine) == []
    assert report.batches > 3 and report.flags_created > 0
    _full_agrees(store)


@pytest.mark.sqlite_only("timed on SQLite; the index is plain SQL on both")
def test_a_drop_into_a_large_partition_assesses_only_what_it_can_change(
    store: Store, borough: Path
) -> None:
    """Narrowed to the subjects within reach of the new records (every partition counts as
    large here), the drops hold the flags a full assessment holds. In this tiny borough the
    records their rules read are their whole partitions (``test_reach.py`` shows a chain
    where they are fewer; bench/README.md the offender network at scale 1)."""
    narrowed = []
    for folder in _drop_dates(borough)[:6]:
        changed = _take(store, folder)
        report = reassess(
            _opener(store), store.engine, changed=changed, as_of=AS_OF, narrow_above=0
        )
        assert index.unindexed_records(store.engine) == []
        if report.mode == "incremental" and not report.whole_because:
            narrowed.append(report)
    assert narrowed and all(0 < r.assessed_records <= r.records for r in narrowed)
    _full_agrees(store)
