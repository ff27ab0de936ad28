"""The place directory (issue 19): kept up to date from drops it equals one built from
scratch, and a partition's assembly with it equals the assembly with a places pass over every
record naming a place (including after a new version of a place-naming record and after an
erasure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from joinedup.assemble import directory
from joinedup.assemble.build import assemble, compiled_files
from joinedup.assemble.partition import partition
from joinedup.assemble.view import Assembly
from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.linkage.persist import run_linkage
from joinedup.model.base import new_id, utcnow
from joinedup.model.organisation import Agency, Batch
from joinedup.model.records import SourceRecord
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.simulate import simulate
from joinedup.simulate.drops import write_drops
from joinedup.store.tables.places import PlaceCiteRow, PlaceEntryRow, PlaceKeyRow, PlaceRowRow
from tests.conftest import Store

AS_OF = date(2026, 1, 1)


@pytest.fixture(scope="module")
def borough(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny borough cut into weekly drops over its last months."""
    out = tmp_path_factory.mktemp("places") / "borough"
    simulate(out, seed=11, scale=0.01, end_date=AS_OF)
    write_drops(out, "weekly", start=date(2025, 10, 1))
    return out


def _take(store: Store, folder: Path) -> None:
    run_jobs(
        store.door, SERVICE_ACCOUNT, "data_ingest", plan(sorted(folder.iterdir()), *[None] * 3)
    )
    with store.door.session(SERVICE_ACCOUNT, "linkage") as s:
        run_linkage(s)


def _ids(store: Store) -> set[str]:
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        return {row[0] for chunk in s.scan(SourceRecord, ["record_type"]) for row in chunk}


def _dump(store: Store) -> dict[str, Any]:
    """The directory's tables, comparable (votes as sets; records in their order)."""
    with store.engine.connect() as conn:
        rows = {tuple(r) for r in conn.execute(select(PlaceRowRow.__table__))}
        cites = {
            (r.record_id, r.name, r.position, r.place_id, r.pending, repr(sorted(r.args.items())))
            for r in conn.execute(select(PlaceCiteRow.__table__))
        }
        entries = {
            r.id: (
                r.postcode,
                {f: sorted(map(tuple, v)) for f, v in r.votes.items()},
                [tuple(x) for x in r.records],
            )
            for r in conn.execute(select(PlaceEntryRow.__table__))
        }
        keys = {tuple(r) for r in conn.execute(select(PlaceKeyRow.__table__))}
    return {"rows": rows, "cites": cites, "entries": entries, "keys": keys}


def _rebuilt(store: Store) -> dict[str, Any]:
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        directory.build(s)
    return _dump(store)


def _refresh(store: Store, new: set[str]) -> dict[str, int]:
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        return directory.refresh(s, new)


def _new_version(store: Store, record_type: str, change: Any) -> tuple[str, str]:
    """A later version (same agency, file and key, a later batch) of a record of
    ``record_type`` that names a place, changed by ``change(payload)``; its id and the old."""
    with store.door.session(SERVICE_ACCOUNT, "data_ingest") as s:
        [old] = [
            r
            for chunk in s.scan(
                SourceRecord,
                ["agency_id", "batch_id", "agency_key", "payload", "normalised"],
                where={"record_type": record_type},
            )
            for r in chunk
        ][:1]
        record_id, agency, batch_id, key, payload, normalised = old
        batch = s.get(Batch, batch_id)
        later = s.add(
            batch.model_copy(
                update={
                    "id": new_id(),
                    "created_at": utcnow() + timedelta(days=1),
                    "file_sha256": "1" * 64,
                }
            )
        )
        payload = dict(payload)
        change(payload)
        new = SourceRecord(
            id=new_id(),
            agency_id=agency,
            batch_id=later.id,
            record_type=record_type,
            agency_key=key,
            payload=payload,
            normalised=normalised,
        )
        s.add(new)
    return new.id, record_id


def _erase(store: Store, record_id: str) -> None:
    """Erase a record, as its agency's data protection officer (an auditor)."""
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        agency_id = s.get(SourceRecord, record_id).agency_id
        name = next(a.name for a in s.list(Agency) if a.id == agency_id)
    store.agencies[name] = agency_id
    store.user("dpo-test", name, "auditor")
    with store.door.session("dpo-test", "audit") as s:
        s.erase(SourceRecord, record_id, reason="test: erasure")


def _street(payload: dict[str, Any]) -> None:
    payload["street"] = "1 Renamed Street"
    payload["premises_name"] = "The Renamed House"


def _same(old: Assembly, new: Assembly) -> None:
    """The picture with the directory is the one with the places pass (its places: those
    the records reach, each as the pass built it)."""
    assert new.persons == old.persons
    assert new.objects == old.objects
    assert new.events == old.events
    assert new.links == old.links
    assert new.person_of_record == old.person_of_record
    assert sorted(new.joins) == sorted(old.joins)
    assert set(new.places) <= set(old.places)
    for place_id, place in new.places.items():
        assert place == old.places[place_id], place_id
    reached = {e.place_id for e in new.events if e.place_id}
    reached |= {end for link in new.links for end in (link.from_id, link.to_id)}
    assert {p for p in reached if p.startswith("place:")} <= set(new.places)


def _compare_assemblies(store: Store, most: int = 400) -> int:
    """Both assemblies of every batch of whole partitions; returns how many batches."""
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        parts = partition(assemble(s, decrypt_text=False))
        batches = list(parts.batches(most))
        for batch in batches:
            old = assemble(s, record_ids=batch, until=AS_OF)
            new = assemble(s, record_ids=batch, until=AS_OF, directory=True)
            _same(old, new)
    return len(batches)


@pytest.mark.slow
def test_the_directory_kept_from_drops_equals_one_built_from_scratch(
    store: Store, borough: Path
) -> None:
    dates = sorted(p for p in (borough / "drops").iterdir() if p.is_dir())
    _take(store, dates[0])
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        assert directory.build(s) > 0
    seen = _ids(store)
    added_to = 0
    for n, folder in enumerate(dates[1:], 1):
        _take(store, folder)
        now = _ids(store)
        added_to += _refresh(store, now - seen)["added_to"]
        seen = now
        assert _dump(store) == _rebuilt(store), folder.name
        # four drops, and more until one took the quick path: whether a place may take a
        # citation without voting again depends on the records' random ids (a citation
        # ordered before the place's first record may not), so four drops seldom miss it
        if n >= 4 and added_to > 0:
            break
    assert added_to > 0  # places added to without voting them again (schools)
    # a later version of a police location (a place-only record) and its directory entry
    new_id_, old_id = _new_version(store, "locations", _street)
    counts = _refresh(store, {new_id_})
    assert counts["taken"] == 1 and counts["dropped"] == 1
    kept = _dump(store)
    assert kept == _rebuilt(store)
    assert old_id not in {r[0] for r in kept["rows"]}
    assert any("renamed" in key for _kind, key, _p in kept["keys"])
    assert _compare_assemblies(store) > 1
    # an erased record leaves nothing of its values in the directory
    _erase(store, new_id_)
    _refresh(store, set())
    kept = _dump(store)
    assert new_id_ not in {r[0] for r in kept["rows"]}
    assert not any("renamed" in key for _kind, key, _p in kept["keys"])
    assert not any("Renamed" in repr(v) for v in kept["entries"].values())


@pytest.mark.slow
def test_a_new_version_of_a_home_address_is_voted_again(store: Store, borough: Path) -> None:
    dates = sorted(p for p in (borough / "drops").iterdir() if p.is_dir())
    _take(store, dates[0])
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        directory.build(s)
    new_id_, old_id = _new_version(
        store, "supervision", lambda p: p.update(address="99 Moved Road", postcode="DM9 9ZZ")
    )
    _refresh(store, {new_id_})
    kept = _dump(store)
    assert kept == _rebuilt(store)
    assert {old_id, new_id_} & {r[0] for r in kept["rows"]} == {new_id_}
    assert _compare_assemblies(store, most=2_000) >= 1


def _ssd(store: Store, table: str, key: str, payload: dict[str, Any], **normal: Any) -> str:
    """One SSD record in a batch of its own (a later batch than every earlier one)."""
    agency = store.agency("Children", "social_care")
    with store.door.session(SERVICE_ACCOUNT, "data_ingest") as s:
        batch = s.add(
            Batch(
                agency_id=agency,
                file_name=f"{table}.csv",
                file_sha256="0" * 64,
                format="ssd",
                record_type=table,
            )
        )
        record = s.add(
            SourceRecord(
                id=new_id(),
                agency_id=agency,
                batch_id=batch.id,
                record_type=table,
                agency_key=key,
                payload=payload,
                normalised=normal,
            )
        )
    return record.id


def _address(store: Store, key: str, house: str, postcode: str = "DM4 6NS") -> str:
    json = {"HOUSE": house, "STREET": "Dale Way", "TOWN": "Dunmore"}
    payload = {"addr_table_id": key, "addr_person_id": "C1", "addr_address_type": "Placement"}
    return _ssd(store, "ssd_address", key, payload, postcode=postcode, addr_address_json=json)


def test_placements_are_settled_again_when_a_postcode_gains_or_loses_its_addressed_place(
    store: Store,
) -> None:
    child = {"pers_person_id": "C1"}
    _ssd(store, "ssd_person", "C1", child, forename="Amy", surname="Lowe")
    placement = {"clap_cla_placement_id": "P1", "clap_person_id": "C1"}
    placement["clap_cla_placement_type"] = "U4"
    placed = _ssd(store, "ssd_cla_placement", "P1", placement, postcode="DM4 6NS")
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        directory.build(s)
    alone = {c[0]: c[3] for c in _dump(store)["cites"]}
    assert alone[placed] == "place:DM4 6NS"
    first = _address(store, "A1", "4")  # the one addressed place at the postcode
    _refresh(store, {first})
    kept = _dump(store)
    assert kept == _rebuilt(store)
    assert {c[0]: c[3] for c in kept["cites"]}[placed] == "place:DM4 6NS|4 dale way"
    assert "place:DM4 6NS" not in kept["entries"]
    second = _address(store, "A2", "6")  # two: the placement is its postcode's own again
    _refresh(store, {second})
    kept = _dump(store)
    assert kept == _rebuilt(store)
    assert {c[0]: c[3] for c in kept["cites"]}[placed] == "place:DM4 6NS"
    moved = _address(store, "A2", "6", postcode="DM5 1AA")  # a later version moves away
    _refresh(store, {moved})
    kept = _dump(store)
    assert kept == _rebuilt(store)
    assert {c[0]: c[3] for c in kept["cites"]}[placed] == "place:DM4 6NS|4 dale way"
    assert second not in {r[0] for r in kept["rows"]}
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        whole = assemble(s, person_ids={})
        parts = partition(whole)
        for batch in parts.batches(10):
            old = assemble(s, person_ids={}, record_ids=batch)
            new = assemble(s, person_ids={}, record_ids=batch, directory=True)
            _same(old, new)


def test_a_place_read_from_an_encrypted_column_is_refused() -> None:
    files = compiled_files()
    directory.place_files(files)  # the built-in mappings read places from clear columns
    pupils = files[("education", "pupils")]
    home = pupils.spec.places["home"]
    column = home.postcode.column if home.postcode else None
    assert column is not None
    pupils.sources[column] = replace(pupils.sources[column], encrypt=True)
    with pytest.raises(ValueError, match="stored encrypted"):
        directory.place_files(files)
