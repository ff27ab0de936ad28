"""A reference to a row that only gives a place (a police location) does not join partitions:
two nominals at one address are two partitions, and each partition's assembly still finds
the address through the reference (issue 19)."""

from __future__ import annotations

from typing import Any

from joinedup.assemble.build import assemble
from joinedup.assemble.partition import partition
from joinedup.model.base import new_id
from joinedup.model.organisation import Batch
from joinedup.model.records import SourceRecord
from tests.conftest import Store


def _record(agency: str, batch: str, table: str, key: str, **values: Any) -> SourceRecord:
    normalised = {k: v for k, v in values.items() if k in ("surname", "forename", "postcode")}
    return SourceRecord(
        id=new_id(),
        agency_id=agency,
        batch_id=batch,
        record_type=table,
        agency_key=key,
        payload=dict(values),
        normalised=normalised,
    )


def _batch(agency: str, table: str) -> Batch:
    return Batch(
        agency_id=agency,
        file_name=f"{table}.csv",
        file_sha256="0" * 64,
        format="police_pole",
        record_type=table,
    )


def _load(store: Store) -> None:
    police = store.agency("Police")
    with store.door.session("joinedup-service", "data_ingest") as s:
        persons = s.add(_batch(police, "persons"))
        locations = s.add(_batch(police, "locations"))
        s.add_all(
            [
                _record(police, locations.id, "locations", "L1", location_ref="L1",
                        house="4", street="Dale Way", postcode="DM1 1AA", place_type="home"),
                _record(police, persons.id, "persons", "N1", person_ref="N1",
                        surname="Lowe", forename="Amy", address_ref="L1"),
                _record(police, persons.id, "persons", "N2", person_ref="N2",
                        surname="Hart", forename="Bob", address_ref="L1"),
            ]
        )  # fmt: skip


def _homes(picture: Any) -> dict[str, str]:
    """``surname -> the place id of the person's home``."""
    return {
        picture.persons[link.from_id].surname: link.to_id
        for link in picture.links
        if link.link_type == "resides_at"
    }


def test_people_at_one_location_are_separate_partitions_that_still_find_it(
    store: Store,
) -> None:
    _load(store)
    with store.door.session("joinedup-service", "analysis") as s:
        whole = assemble(s, person_ids={})
        parts = partition(whole)
        by_key = {r.agency_key: r.record_id for p in whole.persons.values() for r in p.records}
        assert parts.of_record[by_key["N1"]] != parts.of_record[by_key["N2"]]
        [amy_part] = [g for g in parts.groups() if by_key["N1"] in g]
        alone = assemble(s, person_ids={}, record_ids=amy_part)
    homes = _homes(whole)
    assert homes["Lowe"] == homes["Hart"] == "place:DM1 1AA|4 dale way"
    assert _homes(alone) == {"Lowe": homes["Lowe"]}
    place = alone.places[homes["Lowe"]]
    assert place.place_type == "home" and place.address == "4 Dale Way"
    assert {p.surname for p in alone.persons.values()} == {"Lowe"}
