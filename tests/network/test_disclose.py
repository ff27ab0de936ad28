"""An export is logged and committed before any file is written (issue 13, point 3), and its
files are private (point 11)."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from joinedup.model.records import SourceRecord
from joinedup.network import disclose
from joinedup.network.export import export_tables
from joinedup.network.graph import Network, build_network
from joinedup.network.scope import Window
from tests.conftest import Store
from tests.network.builder import two_groups


@pytest.fixture
def analyst(store: Store, monkeypatch: pytest.MonkeyPatch) -> Network:
    """An analyst of the police, whose records every entity of a small network rests on;
    ``load_network`` is replaced by that network (it reads one record through the door, so
    the read is on the chain as a real one would be)."""
    net = build_network(two_groups().done())
    ids = sorted(export_tables(net, net.cse_entities()).records)
    police = store.agency("Police")
    store.user("ana", "Police", "analyst")
    with store.door.session("joinedup-service", "data_ingest") as s:
        s.add_all(
            [
                SourceRecord(id=i, agency_id=police, record_type="events", agency_key=i, payload={})
                for i in ids
            ]
        )

    def load(session: Any, _window: Any) -> tuple[Network, bool]:
        session.get(SourceRecord, ids[0])
        return net, True

    monkeypatch.setattr(disclose, "load_network", load)
    return net


def _disclosures(store: Store, recipient: str) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM audit_event WHERE operation = 'disclosure' "
                    "AND recipient = :r"
                ),
                {"r": recipient},
            ).scalar_one()
        )


def _request(out: Path, fmt: disclose.Format = "i2", recipient: str | None = None) -> Any:
    return disclose.GraphExport(fmt, out, Window(), recipient=recipient)


def test_a_blank_recipient_fails_before_anything_is_read_or_written(
    store: Store, analyst: Network, tmp_path: Path
) -> None:
    with store.engine.connect() as conn:
        before = conn.execute(text("SELECT last_seq FROM audit_head")).scalar_one()
    with pytest.raises(ValueError, match="recipient is blank"):
        blank = _request(tmp_path / "i2", recipient="   ")
        disclose.export_graph(store.door, "ana", "analysis", blank)
    assert not (tmp_path / "i2").exists()
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT last_seq FROM audit_head")).scalar_one() == before


@pytest.mark.parametrize("fmt", ["i2", "graphml"])
def test_the_disclosure_is_committed_before_the_files_are_written(
    store: Store,
    analyst: Network,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: disclose.Format,
) -> None:
    seen: list[int] = []
    name = "write_i2" if fmt == "i2" else "write_graphml"
    real = getattr(disclose, name)

    def write(tables: Any, out: Path) -> Any:
        seen.append(_disclosures(store, "Operation Heron"))  # another connection's view
        return real(tables, out)

    monkeypatch.setattr(disclose, name, write)
    out = tmp_path / ("i2" if fmt == "i2" else "net.graphml")
    done = disclose.export_graph(
        store.door, "ana", "analysis", _request(out, fmt, "Operation Heron")
    )
    assert seen == [1]
    assert done.recipient == "Operation Heron" and done.entities > 0 and done.records > 0
    for path in done.files:
        assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_failure_after_reading_leaves_no_file_and_the_read_on_the_chain(
    store: Store, analyst: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: Any, **_kw: Any) -> Any:
        raise RuntimeError("disk full while building the tables")

    monkeypatch.setattr(disclose, "export_tables", refuse)
    with pytest.raises(RuntimeError):
        disclose.export_graph(store.door, "ana", "analysis", _request(tmp_path / "i2"))
    assert not (tmp_path / "i2").exists()
    with store.engine.connect() as conn:
        failed = conn.execute(
            text("SELECT actor_name, access FROM audit_event WHERE detail LIKE '%rolled back%'")
        ).all()
    assert [tuple(r) for r in failed] == [("ana", "get")]


def test_an_output_of_the_wrong_kind_is_refused_before_reading(
    store: Store, analyst: Network, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="is a folder"):
        disclose.export_graph(store.door, "ana", "analysis", _request(tmp_path, "graphml"))
    assert _disclosures(store, f"ana: {tmp_path.name}") == 0
