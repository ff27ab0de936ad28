"""Erasure requests: recorded and decided by a data protection officer for their own agency,
hidden from administrators, free text stored encrypted, nothing of the person deleted."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from joinedup.access import directory
from joinedup.app import erasure
from joinedup.app.context import Caller
from joinedup.app.errors import Forbidden, NotFound
from joinedup.common.errors import InputError
from joinedup.store.tables.admin import ErasureRequestRow
from joinedup.store.tables.records import SourceRecordRow
from tests.access.conftest import PASSWORD
from tests.web.conftest import Web

DPO = Caller("dpo.one", "audit")


def test_a_request_is_decided_once_by_its_agency_and_deletes_nothing(web: Web) -> None:
    with web.store.door.session("admin", "administration") as s:
        directory.add_user(s, "dpo.health", "Health", "auditor", password=PASSWORD)
        directory.add_user(s, "adm.two", "Police", "admin", password=PASSWORD)
    person = web.persons["aisha"]
    made = erasure.record_request(
        DPO, person, "Her solicitor", date(2026, 11, 30), "objection", "wants it gone"
    )
    with web.store.engine.connect() as conn:
        stored = conn.execute(
            select(ErasureRequestRow.requester).where(ErasureRequestRow.id == made.id)
        ).scalar_one()
        records_before = conn.execute(select(func.count()).select_from(SourceRecordRow)).scalar()
    assert "solicitor" not in stored  # free text: stored only encrypted
    with pytest.raises((NotFound, Forbidden)):  # another agency's officer
        erasure.decide_request(Caller("dpo.health", "audit"), made.id, "erase", "agreed")
    with pytest.raises(Forbidden):  # administrators reach admin rows, not these
        erasure.list_requests(Caller("adm.two", "administration"))
    decided = erasure.decide_request(DPO, made.id, "restrict", "accuracy disputed")
    assert decided.status == "decided" and decided.decision == "restrict"
    with pytest.raises(InputError, match="already decided"):
        erasure.decide_request(DPO, made.id, "erase", "again")
    [row] = erasure.list_requests(DPO)
    assert row["requester"] == "Her solicitor" and row["decided_by"] == "dpo.one"
    assert row["grounds_label"].endswith("(art. 17(1)(c))")
    with web.store.engine.connect() as conn:
        after = conn.execute(select(func.count()).select_from(SourceRecordRow)).scalar()
    assert after == records_before  # nothing of the person was deleted


def test_a_decision_is_one_of_three_with_a_reason(web: Web) -> None:
    made = erasure.record_request(DPO, "p-1", "the person", date(2026, 12, 1), "unlawful")
    for decision, reason in (("delete", "x"), ("erase", " ")):
        with pytest.raises(InputError):
            erasure.decide_request(DPO, made.id, decision, reason)
