"""Fields classified special category or free text are tokens in the database and text when
read through the door (issue 13, point 13): panel decisions and actions, flag summaries and
phrases quoted from notes (JSON paths inside ``flag.evidence``), erasure reasons."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from joinedup.model.panel import Action, Decision
from joinedup.model.records import SourceRecord
from joinedup.model.safeguarding import Flag
from joinedup.store.guarded import is_token
from joinedup.store.hooks import replace_at, values_at
from tests.conftest import Store

SUMMARY = "self-harm in 3 records by health (2024-01-02 to 2024-03-04)"
PHRASE = "she put herself at risk"


def _raw(store: Store, sql: str) -> Any:
    with store.engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def _flag(agency: str) -> Flag:
    return Flag(
        agency_id=agency,
        rule_id="language.put_at_risk",
        subject_type="source_record",
        subject_id="r1",
        evidence={
            "summary": SUMMARY,
            "phrase": PHRASE,
            "severity": "low",
            "records": [{"record_id": "r1"}],
            "fingerprint": "fp1",
            "history": [{"status": "open", "note": "seen by the team"}, {"status": "x"}],
        },
    )


def test_flag_summaries_and_quoted_phrases_are_tokens_in_the_database(store: Store) -> None:
    police = store.agency("Police")
    with store.door.session("joinedup-service", "safeguarding") as s:
        added = s.add(_flag(police))
    stored = _raw(store, "SELECT evidence FROM flag")
    evidence = json.loads(stored) if isinstance(stored, str) else stored
    assert is_token(evidence["summary"]) and is_token(evidence["phrase"])
    assert is_token(evidence["history"][0]["note"]) and "note" not in evidence["history"][1]
    assert "self-harm" not in json.dumps(evidence) and "herself" not in json.dumps(evidence)
    # what the rules match on stays as it was
    assert evidence["fingerprint"] == "fp1" and evidence["records"] == [{"record_id": "r1"}]
    with store.door.session("joinedup-service", "safeguarding") as s:
        read = s.get(Flag, added.id)
        assert read.evidence == added.evidence
        scanned = [row for chunk in s.scan(Flag, ["rule_id", "evidence"]) for row in chunk]
        assert scanned[0][2]["summary"] == SUMMARY
        changed = s.update(Flag, added.id, resolution="Spoken to the school.")
        assert changed.resolution == "Spoken to the school."
        assert s.get(Flag, added.id).evidence["phrase"] == PHRASE
    assert is_token(_raw(store, "SELECT resolution FROM flag"))


def test_panel_decisions_and_actions_are_tokens_in_the_database(store: Store) -> None:
    police = store.agency("Police")
    decision = Decision(
        agency_id=police, panel_id="p1", meeting_id="m1", text="Disruption plan for the car."
    )
    action = Action(agency_id=police, description="Visit the home with the school nurse.")
    with store.door.session("joinedup-service", "panel") as s:
        s.add(decision)
        s.add(action)
    assert is_token(_raw(store, "SELECT text FROM decision"))
    assert is_token(_raw(store, "SELECT description FROM action"))
    with store.door.session("joinedup-service", "panel") as s:
        assert s.get(Decision, decision.id).text == "Disruption plan for the car."
        assert s.get(Action, action.id).description.startswith("Visit the home")


def test_an_erasure_reason_is_a_token(store: Store) -> None:
    police = store.agency("Police")
    record = SourceRecord(
        agency_id=police, record_type="persons", agency_key="N1", payload={}, normalised={}
    )
    with store.door.session("joinedup-service", "data_ingest") as s:
        s.add(record)
    store.user("dpo", "Police", "auditor")
    with store.door.session("dpo", "audit") as s:
        s.erase(SourceRecord, record.id, reason="the child's family asked, see case note")
    reason = _raw(store, "SELECT reason FROM erasure")
    assert is_token(reason) and "family" not in reason


def test_a_value_written_before_its_field_was_encrypted_reads_as_it_is(store: Store) -> None:
    police = store.agency("Police")
    action = Action(agency_id=police, description="written in clear before 0011")
    with store.door.session("joinedup-service", "panel") as s:
        s.add(action)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE action SET description = 'written in clear before 0011'"))
    with store.door.session("joinedup-service", "panel") as s:
        assert s.get(Action, action.id).description == "written in clear before 0011"


_json = st.recursive(
    st.none() | st.text(max_size=4) | st.integers(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=8,
)


@given(st.dictionaries(st.sampled_from(["a", "b", "note"]), _json, max_size=3))
def test_replace_at_changes_exactly_the_values_values_at_finds(value: dict[str, Any]) -> None:
    row = {"id": "x", "col": {"items": [value, {"note": "n"}], "other": value}}
    before = json.dumps(row, sort_keys=True)
    for path in ("col.items[].note", "col.other.note", "col.missing[].note"):
        changed = dict(row)
        replace_at(changed, path, lambda v: ("sealed", v))
        assert json.dumps(row, sort_keys=True) == before  # the caller's objects unchanged
        assert values_at(changed, path) == [("sealed", v) for v in values_at(row, path)]
