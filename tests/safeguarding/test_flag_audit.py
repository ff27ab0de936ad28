"""``flags show`` logs the flag's subject (the child) and its evidence as shown, so the child's
own history lists who looked at the flag (issue 13, point 4)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from joinedup.model.records import SourceRecord
from joinedup.model.safeguarding import Flag
from joinedup.safeguarding.flags import get_flag
from joinedup.store import audit
from tests.conftest import Store


def test_showing_a_flag_logs_the_child_and_the_evidence(store: Store) -> None:
    social = store.agency("Social care", "social_care")
    store.user("sw", "Social care", "social_worker")
    with store.door.session("sw", "safeguarding") as s:
        record = s.add(
            SourceRecord(agency_id=social, record_type="persons", agency_key="C1", payload={})
        )
        flag = s.add(
            Flag(
                agency_id=social,
                rule_id="cse-indicators-no-assessment",
                subject_type="person",
                subject_id="child-person-1",
                evidence={"records": [{"record_id": record.id}], "summary": "two indicators"},
            )
        )
    with store.door.session("sw", "safeguarding") as s:
        assert get_flag(s, flag.id).subject_id == "child-person-1"
    with Session(store.engine) as orm:
        child = audit.events_for_record(orm, "child-person-1")
        evidence = audit.events_for_record(orm, record.id)
    shown = ("sw", "consultation", "show")
    assert [(e.actor_name, e.operation, e.access) for e in child] == [shown]
    assert shown in [(e.actor_name, e.operation, e.access) for e in evidence]
