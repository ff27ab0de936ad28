"""Helpers for the tamper-evidence tests: fill the chain, attack it as a DBA would, verify."""

from __future__ import annotations

from sqlalchemy import text

from joinedup.model.records import SourceRecord
from joinedup.store import audit, immutability
from joinedup.store.door import Door
from tests.conftest import Store


def fill(store: Store, n: int = 6) -> list[SourceRecord]:
    """``n`` source records added by the pipeline (one audit row each)."""
    agency = store.agency("Police")
    records = []
    with store.door.session("joinedup-service", "data_ingest") as s:
        for i in range(n):
            records.append(
                s.add(
                    SourceRecord(
                        agency_id=agency,
                        record_type="person",
                        agency_key=f"P{i}",
                        payload={"name": f"Secret Name {i}"},
                    )
                )
            )
    return records


def verify(store: Store, door: Door | None = None) -> audit.Verification:
    """Verify as a new process would: a fresh door on the same database and home."""
    door = door or Door(store.engine, store.key, store.home / "checkpoints")
    with store.engine.connect() as conn:
        return audit.verify(conn, store.key, door.checkpoint())


def attack(store: Store, *statements: str) -> None:
    """Run SQL as an attacker with DDL rights: drop the triggers first."""
    dialect = store.engine.dialect.name
    with store.engine.begin() as conn:
        for table in immutability.APPEND_ONLY_TABLES:
            for sql in immutability.drop_statements(dialect, table):
                conn.execute(text(sql))
        for sql in statements:
            conn.execute(text(sql))


def rows(store: Store) -> int:
    """How many audit rows the database holds."""
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one())


def cut_tail(store: Store, keep: int) -> None:
    """Delete the rows after ``keep`` and point the head at the last one kept."""
    attack(
        store,
        f"DELETE FROM audit_event WHERE seq > {keep}",
        f"UPDATE audit_head SET last_seq = {keep}, "
        f"last_mac = (SELECT mac FROM audit_event WHERE seq = {keep})",
    )


def ordinary_commands(store: Store, record: SourceRecord, n: int = 14) -> None:
    """``n`` sessions that read a record, as ordinary commands would (one row each)."""
    for _ in range(n):
        with store.door.session("joinedup-service", "data_ingest") as s:
            s.get(SourceRecord, record.id)
