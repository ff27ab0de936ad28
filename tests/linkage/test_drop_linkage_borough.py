"""On the incremental test borough, each drop's linkage through the door scores only the
stored records blocking with its new ones and decides what scoring every stored record
decides: the same pairs, persons and review queue after every drop (issue 19)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.linkage import link
from joinedup.linkage.link import LinkRun
from joinedup.linkage.persist import run_linkage
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.simulate import simulate
from joinedup.simulate.drops import write_drops
from tests.conftest import Store


@pytest.fixture(scope="module")
def borough(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The borough of tests/safeguarding/test_incremental.py: weekly drops over its last months."""
    out = tmp_path_factory.mktemp("drops") / "borough"
    simulate(out, seed=7, scale=0.01, end_date=date(2026, 1, 1))
    write_drops(out, "weekly", start=date(2025, 9, 1))
    return out


def _partition(person_ids: Mapping[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record, person in person_ids.items():
        groups.setdefault(person, set()).add(record)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.sqlite_only("the same linkage on both back ends; the borough's drops take a while")
def test_each_drop_links_as_scoring_every_stored_record_would(
    store: Store, borough: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner = link.link_new_records
    compared: list[int] = []

    def both(*args: Any, **kwargs: Any) -> LinkRun:
        every = inner(*args, **{**kwargs, "restrict": False})
        blocked = inner(*args, **kwargs)
        assert blocked.incremental and every.incremental
        assert blocked.pairs.equals(every.pairs)
        assert _partition(blocked.person_ids) == _partition(every.person_ids)
        kept = set(args[1])  # the stored records keep their persons alike
        assert {r: blocked.person_ids[r] for r in kept} == {r: every.person_ids[r] for r in kept}
        columns = ["record_id_l", "record_id_r", "match_probability"]
        assert blocked.review_queue.select(columns).equals(every.review_queue.select(columns))
        compared.append(blocked.pairs.num_rows)
        return blocked

    monkeypatch.setattr(link, "link_new_records", both)
    dates = sorted(p for p in (borough / "drops").iterdir() if p.is_dir())
    for folder in dates[:8]:  # the first load and seven weekly drops
        run_jobs(
            store.door, SERVICE_ACCOUNT, "data_ingest", plan(sorted(folder.iterdir()), *[None] * 3)
        )
        with store.door.session(SERVICE_ACCOUNT, "linkage") as s:
            run_linkage(s)
    assert len(compared) >= 4 and sum(compared) > 0, compared  # drops with new persons
