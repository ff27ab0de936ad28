"""The whole log cannot be wiped unnoticed (issue 13, point 2): the anchor in JOINEDUP_HOME
names the database and the head it had, signed, outside the database's control."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from joinedup.store.checkpoint import AnchorFile, CheckpointFile
from joinedup.store.door import Door
from joinedup.store.sink import SyslogSink, parse_address, sink_from
from tests.conftest import Store
from tests.store.chain import attack, fill, ordinary_commands, verify

WIPE = (
    "DELETE FROM audit_event",
    "UPDATE audit_head SET last_seq = 0, last_mac = '" + "0" * 64 + "'",
)


def test_a_wiped_log_under_a_new_database_id_fails_verify(store: Store) -> None:
    fill(store)
    attack(
        store,
        *WIPE,
        "UPDATE meta SET value = 'feedfacefeedfacefeedfacefeedface' WHERE key = 'database_id'",
    )
    result = verify(store)  # a new process: nothing cached from before the attack
    assert not result.ok
    kinds = {f.kind for f in result.findings}
    assert "database_id" in kinds
    assert any("feedface" in f.message for f in result.findings)


def test_an_emptied_chain_fails_verify_against_the_anchor(store: Store) -> None:
    fill(store)
    door = Door(store.engine, store.key, store.home / "checkpoints")
    door.checkpoint().path.unlink()  # and the checkpoint file is gone too
    attack(store, *WIPE)
    result = verify(store, door)
    assert not result.ok
    anchor = [f for f in result.findings if f.kind == "anchor"]
    assert anchor and "emptied" in anchor[0].message


def test_a_forged_anchor_is_refused(store: Store) -> None:
    fill(store)
    path = store.door.anchor().path
    body = json.loads(path.read_text())
    body["seq"] = 0
    path.write_text(json.dumps(body))
    result = verify(store)
    assert not result.ok and any("anchor signature" in f.message for f in result.findings)


def test_a_missing_anchor_is_reported_and_writes_do_not_advance(store: Store) -> None:
    records = fill(store)
    door = store.door
    recorded = door.checkpoint().read()
    door.anchor().path.unlink()
    ordinary_commands(store, records[0], 2)
    assert door.checkpoint().read() == recorded
    result = verify(store)
    assert not result.ok and any(f.kind == "anchor" for f in result.findings)


def test_the_anchor_names_the_database_and_its_url(store: Store) -> None:
    anchor = store.door.anchor().read()
    assert anchor is not None
    assert anchor.database_id == store.door.database_id
    assert len(anchor.url_fingerprint) == 16 and anchor.seq >= 2


def test_each_checkpoint_and_anchor_goes_to_the_syslog_sink(tmp_path: Path) -> None:
    folder = tmp_path
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    port = receiver.getsockname()[1]
    sink = SyslogSink(f"udp://127.0.0.1:{port}")
    try:
        key = b"k" * 32
        CheckpointFile(folder, "db1", key, sink).reset(7, "a" * 64)
        AnchorFile(folder, key, sink).write("db1", "f" * 16, 7, "a" * 64)
        first, second = receiver.recv(65536).decode(), receiver.recv(65536).decode()
    finally:
        sink.close()
        receiver.close()
    assert "joinedup-audit:" in first
    sent = json.loads(first.split("joinedup-audit: ", 1)[1].rstrip("\x00"))
    assert sent["record"] == "checkpoint" and sent["database_id"] == "db1"
    assert sent["seq"] == 7 and len(sent["signature"]) == 64
    assert '"record":"anchor"' in second


def test_sink_addresses_parse_and_bad_ones_are_named() -> None:
    assert parse_address("udp://127.0.0.1:514")[0] == ("127.0.0.1", 514)
    assert parse_address("tcp://logs.example:6514")[1] == socket.SOCK_STREAM
    assert parse_address("unix:/dev/log")[0] == "/dev/log"
    assert parse_address("/dev/log")[0] == "/dev/log"
    assert sink_from(None) is None and sink_from("  ") is None
    with pytest.raises(ValueError, match="JOINEDUP_AUDIT_SYSLOG"):
        parse_address("logs.example")


def test_an_unreachable_sink_does_not_stop_a_checkpoint(tmp_path: Path) -> None:
    sink = SyslogSink("unix:/nonexistent/joinedup.sock")
    checkpoint = CheckpointFile(tmp_path, "db1", b"k" * 32, sink)
    checkpoint.reset(1, "b" * 64)
    point = checkpoint.read()
    assert point is not None and point.seq == 1
