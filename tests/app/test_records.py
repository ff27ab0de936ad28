"""The source record use case (app.records): the record verbatim with its free text
decrypted, its agency, file and person; out of reach is not found; the read is logged."""

from __future__ import annotations

import pytest

from joinedup.app import records
from joinedup.app.audit import processing_of
from joinedup.app.context import Caller
from joinedup.app.errors import NotFound
from joinedup.app.record_facts import age_on, when
from tests.app.conftest import SUMMARY, World

ANALYST = Caller("an.one", "analysis", "test")


def test_record_verbatim_with_free_text_decrypted(world: World) -> None:
    shown = records.record(ANALYST, world.records["INC1"], rt=world.web.rt)
    sent = {f.column: f.value for f in shown.fields}
    assert sent["summary"] == SUMMARY  # stored encrypted, shown in clear to a reader in reach
    assert sent["occurred_at"] == "01/03/2024 21:00"  # as the agency wrote it
    assert [f.column for f in shown.fields][:3] == ["event_ref", "event_type", "occurred_at"]
    assert shown.agency == "Police" and shown.agency_key == "INC1"
    assert shown.file_name == "events.csv" and shown.date and shown.date.startswith("2024-03-01")
    assert shown.person_id is None  # an event is not a person's record
    described = {f.column: f.description for f in shown.fields}
    assert described["summary"]  # the format's description of the column


def test_record_names_its_person(world: World) -> None:
    shown = records.record(ANALYST, world.records["N1001"], rt=world.web.rt)
    assert (shown.person_id, shown.person_name) == (world.zara, "Zara Hussain")
    assert shown.title == "Persons N1001"


@pytest.mark.parametrize(
    "who", [Caller("sw.one", "safeguarding", "t"), Caller("ref.one", "safeguarding", "t")]
)
def test_out_of_reach_is_not_found(world: World, who: Caller) -> None:
    with pytest.raises(NotFound):
        records.record(who, world.records["INC1"], rt=world.web.rt)
    with pytest.raises(NotFound):
        records.record(ANALYST, "no-such-record", rt=world.web.rt)


def test_reading_a_record_is_logged(world: World) -> None:
    record_id = world.records["INC1"]
    records.record(ANALYST, record_id, rt=world.web.rt)
    looked = processing_of(Caller("dpo.one", "audit", "t"), record=record_id)
    assert any(
        e.actor_name == "an.one" and e.operation == "consultation" and record_id in e.object_ids
        for e in looked.events
    )


def test_dates_and_ages() -> None:
    assert when({"occurred_at": "2024-03-01T21:00:00"}) == "2024-03-01T21:00:00"
    assert when({}, {"concern_date": "30/01/2011"}) == "2011-01-30"
    assert when({}, {"concern_date": "31/02/2011"}) is None
    assert when({"licence_issued": "2023-01-01"}) == "2023-01-01"
    assert when({"addr_address_start_date": "2011-11-05", "end_date": "2012-01-01"}) == "2011-11-05"
    assert age_on({"date_of_birth": "2009-05-05"}, "2024-05-04") == 14
    assert age_on({"date_of_birth": "2009-05-05"}, "2024-05-05T00:00") == 15
    assert age_on({}, "2024-05-05") is None
