"""The door's hooks: typed text passes session.entered() before a person's session commits;
encrypted columns are tokens in the database and plain text to those who may read them."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from joinedup.model.records import QuarantinedRow
from joinedup.model.safeguarding import Flag, IntelligenceSubmission
from joinedup.store.door import Door
from joinedup.store.hooks import NoFieldCrypto, SessionHooks, UncheckedText, values_at
from joinedup.store.kinds import KINDS_BY_NAME
from tests.conftest import Store


@dataclasses.dataclass(frozen=True)
class _Seen:
    held: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {}

    def message(self) -> str:
        return "seen"


def _flag(store: Store) -> Flag:
    police = store.agency("Police")
    with store.door.session("joinedup-service", "data_ingest") as s:
        return s.add(Flag(agency_id=police, rule_id="r", subject_type="person", subject_id="c"))


def test_a_person_saving_typed_text_without_the_check_cannot_commit(store: Store) -> None:
    flag = _flag(store)
    store.user("sw", "Police", "social_worker")
    with (
        pytest.raises(UncheckedText, match=r"flag\.resolution of .* was not checked"),
        store.door.session("sw", "safeguarding") as s,
    ):
        s.update(Flag, flag.id, status="resolved", resolution="Seen by the school nurse.")
    with store.door.session("sw", "safeguarding") as s:
        assert s.get(Flag, flag.id).status == "open"  # rolled back


def test_typed_text_that_passed_the_entry_point_commits(store: Store) -> None:
    flag = _flag(store)
    store.user("sw", "Police", "social_worker")
    seen: list[str] = []

    def check(session: Any, text: str | None, **kw: Any) -> list[_Seen]:
        seen.append(f"{kw['where']}:{text}")
        return [_Seen()]

    store.door.hooks = dataclasses.replace(store.door.hooks, check_text=check)
    with store.door.session("sw", "safeguarding") as s:
        found = s.entered(
            "Seen by the nurse.", where="resolution", subject_type="flag", subject_id=flag.id
        )
        s.update(Flag, flag.id, status="resolved", resolution="Seen by the nurse.")
        # composed around checked text (a history line) or cut short to fit: still checked
        evidence = {"history": [{"note": "Seen by the"}]}
        s.update(Flag, flag.id, evidence=evidence)
    assert seen == ["resolution:Seen by the nurse."] and len(found) == 1
    with store.door.session("sw", "safeguarding") as s:
        assert s.get(Flag, flag.id).resolution == "Seen by the nurse."


def test_the_service_account_writes_without_the_check(store: Store) -> None:
    flag = _flag(store)
    with store.door.session("joinedup-service", "safeguarding") as s:
        s.update(Flag, flag.id, status="resolved", resolution="Closed by the pipeline.")


def test_without_hooks_typed_text_is_refused(store: Store) -> None:
    bare = Door(store.engine, store.key, store.home / "checkpoints")
    flag = _flag(store)
    store.user("sw", "Police", "social_worker")
    with (
        pytest.raises(UncheckedText, match="no check of typed text"),
        bare.session("sw", "safeguarding") as s,
    ):
        s.entered("A note.", where="x", subject_type="flag", subject_id=flag.id)
    police = store.agency("Police")
    with pytest.raises(NoFieldCrypto), bare.session("joinedup-service", "safeguarding") as s:
        s.add(IntelligenceSubmission(agency_id=police, summary="A car."))


def test_encrypted_columns_are_tokens_in_the_database_and_text_when_read(store: Store) -> None:
    police = store.agency("Police")
    with store.door.session("joinedup-service", "safeguarding") as s:
        added = s.add(IntelligenceSubmission(agency_id=police, summary="A silver taxi."))
        assert added.summary == "A silver taxi."
    with store.engine.connect() as conn:
        token = conn.execute(text("SELECT summary FROM intelligence_submission")).scalar_one()
    assert token.startswith("v1:k1:") and "taxi" not in token
    assert (
        store.cipher.decrypt(
            token, table="intelligence_submission", column="summary", row_id=added.id
        )
        == "A silver taxi."
    )  # the format of existing databases
    with store.door.session("joinedup-service", "safeguarding") as s:
        assert s.get(IntelligenceSubmission, added.id).summary == "A silver taxi."
        changed = s.update(IntelligenceSubmission, added.id, summary="A black cab.")
        assert changed.summary == "A black cab."
        assert [r.summary for r in s.list(IntelligenceSubmission)] == ["A black cab."]
        scanned = [
            row for chunk in s.scan(IntelligenceSubmission, ["urgency", "summary"]) for row in chunk
        ]
        assert scanned == [(added.id, "routine", "A black cab.")]
    bare = Door(store.engine, store.key, store.home / "checkpoints")
    with bare.session("joinedup-service", "safeguarding") as s:  # no keyring: tokens only
        assert s.get(IntelligenceSubmission, added.id).summary.startswith("v1:k1:")


def test_rows_ingest_encrypted_are_not_encrypted_again(store: Store) -> None:
    police = store.agency("Police")
    crypto = store.cipher
    row = QuarantinedRow(
        agency_id=police,
        batch_id="b1",
        file_name="f.csv",
        row_number=1,
        line=2,
        reason="missing_value",
        message="m",
        raw="x",
    ).model_dump()
    row["raw"] = crypto.encrypt("R1,,Lowe", table="quarantine", column="raw", row_id=row["id"])
    with store.door.session("joinedup-service", "data_ingest") as s:
        s.add_values(QuarantinedRow, [row], encrypted=True)
        assert s.get(QuarantinedRow, row["id"]).raw == "R1,,Lowe"
        assert s.field_crypto() is crypto


def test_every_typed_and_encrypted_column_exists() -> None:
    for kind in KINDS_BY_NAME.values():
        columns = kind.table.__table__.columns  # type: ignore[attr-defined]
        for path in (*kind.typed_text, *kind.encrypted_columns):
            assert path.split(".")[0].removesuffix("[]") in columns, (kind.name, path)


@given(st.lists(st.text(max_size=5), max_size=4))
def test_values_at_walks_lists_and_mappings(notes: list[str]) -> None:
    row = {"evidence": {"history": [{"note": n} for n in notes] + [{"status": "open"}]}}
    assert values_at(row, "evidence.history[].note") == notes
    assert values_at(row, "evidence.missing[].note") == []
    assert values_at({"reason": None}, "reason") == []


def test_a_door_installs_hooks() -> None:
    assert SessionHooks().check_text is None and SessionHooks().field_crypto is None
