"""The drop index and a full run's statistics (issue 19): kept by every run, hashed, and
finding the stored records a drop blocks with without reading every record."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.access.keys import KeyMaterialError, load_linkage_key
from joinedup.linkage.drop_index import blocking_digests, digest
from joinedup.linkage.drop_store import keep_index, kept_statistics
from joinedup.linkage.link import LinkConfig
from joinedup.linkage.persist import run_linkage
from joinedup.linkage.predict import blocked_with
from joinedup.linkage.prepare import prepare_records
from joinedup.linkage.sources import person_records
from joinedup.model.linkage import LinkageKey, LinkageStatistics, PersonLink
from tests.conftest import Store
from tests.linkage.test_persist import _agencies, _seed_model, _store_records, health_held_back

INDEXED = LinkConfig(keep_drop_index=True)  # the index is kept only when asked


@pytest.fixture(scope="module")
def people() -> tuple[list[dict[str, Any]], dict[str, str], dict[str, str]]:
    """About 450 synthetic person records with their true persons."""
    from joinedup.linkage.synthetic import generate_people

    return generate_people(200, seed=11, invented_names=40)


def _index(store: Store) -> dict[str, set[tuple[str, str]]]:
    with store.door.session("joinedup-service", "linkage") as s:
        rows = s.index_rows()
    return {record: set(keys) for record, keys in rows.items()}


def test_a_full_run_keeps_the_index_and_statistics_hashed(
    store: Store, people: Any, model: dict[str, Any]
) -> None:
    records, _, _ = people
    _store_records(store, records, _agencies(store))
    _seed_model(store, model)
    with store.door.session("joinedup-service", "linkage") as s:
        outcome = run_linkage(s, INDEXED)
        stats = kept_statistics(s, model)
        other = kept_statistics(s, {**model, "probability_two_random_records_match": 0.5})
        body = json.dumps([r.body for r in s.list(LinkageStatistics)])
        keys = [row[2] for chunk in s.scan(LinkageKey, ["record_id", "key"]) for row in chunk]
    assert outcome.index["kept"] and outcome.index["added"] == len(keys) > len(records)
    assert outcome.index["changed"] == len(records)
    assert outcome.index["statistics"]["kept"]
    assert stats is not None and other is None  # stale under another model
    assert stats["records"] == len(records) and stats["term_frequencies"]
    assert stats["tokens"]["persons"] == outcome.persons
    # no name, date of birth or postcode is kept in clear, in the index or the statistics
    values = {
        str(r[c]).lower()
        for r in records
        for c in ("forename", "surname", "postcode", "date_of_birth")
        if r.get(c) and len(str(r[c])) >= 4
    }
    values = {v for v in values if set(v) - set("0123456789abcdef")}  # not found in a hash
    assert not values & {k.lower() for k in keys}
    assert not [v for v in values if v in body.lower()]
    assert all(len(k) == 24 and int(k, 16) >= 0 for k in keys)
    index = _index(store)
    with store.door.session("joinedup-service", "linkage") as s:
        linked = {row[1] for chunk in s.scan(PersonLink, ["record_id"]) for row in chunk}
    assert set(index) == linked
    # a second full run changes no row of the index
    with store.door.session("joinedup-service", "linkage") as s:
        again = run_linkage(s, INDEXED, retrain=False)
    assert again.index["changed"] == 0 == again.index["added"] == again.index["deleted"]
    assert _index(store) == index


def test_the_index_finds_what_a_drop_blocks_with_and_a_drop_adds_its_rows(
    store: Store, people: Any, model: dict[str, Any]
) -> None:
    records, _, _ = people
    late, agencies = health_held_back(store, records, model)
    with store.door.session("joinedup-service", "linkage") as s:
        run_linkage(s, INDEXED)
    before = _index(store)
    _store_records(store, late, agencies)
    with store.door.session("joinedup-service", "linkage") as s:
        rows = person_records(s)
        known = {row[1] for chunk in s.scan(PersonLink, ["record_id"]) for row in chunk}
        existing = prepare_records([r for r in rows if r["record_id"] in known])
        new = prepare_records([r for r in rows if r["record_id"] not in known])
        secret = s.linkage_index_key()
        assert secret is not None
        wanted = set().union(*blocking_digests(new, model, secret).values())
        found = set().union(*s.records_holding(wanted).values())
    blocked = set(blocked_with(existing, new, model)["record_id"].to_pylist())
    assert blocked and found == blocked
    with store.door.session("joinedup-service", "linkage") as s:
        outcome = run_linkage(s, INDEXED)
    assert outcome.incremental and outcome.index["records"] == len(late)
    after = _index(store)
    assert {r: k for r, k in after.items() if r in before} == before
    assert set(after) - set(before) == {r["record_id"] for r in new.to_pylist()}
    assert outcome.index["deleted"] == 0


def test_a_hash_is_keyed_and_names_its_kind() -> None:
    one, other = b"k" * 32, b"j" * 32
    assert digest(one, "b:postcode", "AB1 2CD") != digest(other, "b:postcode", "AB1 2CD")
    assert digest(one, "b:postcode", "AB1 2CD") != digest(one, "t", "AB1 2CD")
    assert digest(one, "t", "x") == digest(one, "t", "x")


def test_the_index_key_is_made_in_dev_mode_and_refused_missing_in_production(
    tmp_path: Path,
) -> None:
    made = load_linkage_key(tmp_path, create=True, env={})
    assert len(made) == 32 and load_linkage_key(tmp_path, create=False, env={}) == made
    assert (tmp_path / "keys" / "linkage-index.key").stat().st_mode & 0o077 == 0
    with pytest.raises(KeyMaterialError, match="linkage index key not found"):
        load_linkage_key(tmp_path / "other", create=False, env={"JOINEDUP_ENV": "production"})
    given = "ab" * 32
    assert load_linkage_key(tmp_path, create=False, env={"JOINEDUP_LINKAGE_KEY": given}) == (
        bytes.fromhex(given)
    )


def test_a_record_whose_values_changed_has_its_rows_rewritten(
    store: Store, people: Any, model: dict[str, Any]
) -> None:
    records, _, _ = people
    _store_records(store, records, _agencies(store))
    _seed_model(store, model)
    with store.door.session("joinedup-service", "linkage") as s:
        run_linkage(s, INDEXED)
    before = _index(store)
    with store.door.session("joinedup-service", "linkage") as s:
        rows = person_records(s)
        agency_of = {r["record_id"]: r["agency_id"] for r in rows}
        moved = next(r for r in rows if r.get("postcode") and r.get("date_of_birth"))
        changed = [{**r, "postcode": "ZZ9 9ZZ"} if r is moved else r for r in rows]
        run = SimpleNamespace(prepared=prepare_records(changed), model=model)
        kept = keep_index(s, run, None, agency_of)  # type: ignore[arg-type]
    after = _index(store)
    assert kept["changed"] == 1 and kept["deleted"] > 0 and kept["added"] > 0
    assert {r: k for r, k in after.items() if r != moved["record_id"]} == {
        r: k for r, k in before.items() if r != moved["record_id"]
    }
    gone, new = (
        before[moved["record_id"]] - after[moved["record_id"]],
        after[moved["record_id"]] - before[moved["record_id"]],
    )
    assert {k for k, _ in gone} == {k for k, _ in new} == {"b", "f"}
