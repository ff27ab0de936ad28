"""The identity path: its audit rows are written in the same transaction as its changes (a
rollback leaves neither), on the door's chain, with the origin an interface set."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from joinedup.model.organisation import Agency as AgencyModel
from joinedup.store import origin
from joinedup.store.identity import AUTHENTICATION, NOBODY, IdentityPath
from joinedup.store.tables.identity import CredentialRow
from tests.conftest import Store
from tests.store.chain import verify


def _rows(store: Store) -> list[dict[str, object]]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(text("SELECT * FROM audit_event")).mappings()]


def test_a_rolled_back_change_leaves_no_audit_row(store: Store) -> None:
    path = IdentityPath(store.engine, store.key, store.door.advance)
    before = len(_rows(store))
    with pytest.raises(RuntimeError), path.transaction() as tx:
        admin = tx.user("admin")
        assert admin is not None
        tx.credential(admin.id, create=True)
        tx.log(NOBODY, "alteration", "reset", "user", [admin.id])
        raise RuntimeError("boom")
    assert len(_rows(store)) == before
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(CredentialRow)).scalar_one() == 0
    assert verify(store).ok


def test_rows_join_the_door_chain_with_the_origin(store: Store) -> None:
    path = IdentityPath(store.engine, store.key, store.door.advance)
    with origin.acting_from("cli, token t-1"):
        with path.transaction() as tx:
            tx.log(NOBODY, "consultation", "sign_in", "user", [], detail={"reason": "x"})
        with store.door.session("admin", "administration") as s:
            s.list(AgencyModel)
    with path.transaction() as tx:
        tx.log(NOBODY, "consultation", "sign_in", "user", [])
    rows = _rows(store)[-3:]
    details = [json.loads(str(r["detail"])) if r["detail"] else None for r in rows]
    assert details[0] == {"origin": "cli, token t-1", "reason": "x"}
    assert details[1] == {"origin": "cli, token t-1"} and rows[1]["actor_name"] == "admin"
    assert details[2] is None  # the origin is gone once the block ends
    assert rows[0]["purpose"] == AUTHENTICATION
    assert verify(store).ok
