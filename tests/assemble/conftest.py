"""A small simulated borough, ingested once into a SQLite store and assembled with perfect
linkage (the simulator's truth), shared by the assembly tests."""

from __future__ import annotations

import csv
import secrets
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from joinedup.access.bootstrap import initialise
from joinedup.assemble.build import assemble
from joinedup.assemble.view import Assembly, EventView
from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.linkage.sources import person_records, record_keys
from joinedup.simulate import simulate
from joinedup.store.door import Door
from joinedup.store.engine import make_engine
from joinedup.store.hooks import FieldCrypto
from tests.conftest import installed_hooks

SCALE, SEED = 0.02, 1
SERVICE = ("joinedup-service", "analysis")


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file (UTF-8, with or without a byte-order mark)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Borough:
    """The simulated borough in a store, with its truth and the assembled picture."""

    root: Path
    door: Door
    cipher: FieldCrypto
    keys: dict[str, tuple[str, str, str]]
    # record id -> true person id, for every person record (perfect linkage)
    truth_ids: dict[str, str]
    assembly: Assembly
    _by_key: dict[tuple[str, str, str], str] = field(default_factory=dict)
    _events: dict[str, list[EventView]] = field(default_factory=dict)

    def truth(self, name: str) -> list[dict[str, str]]:
        """Rows of ``truth/<name>.csv``."""
        return read_csv(self.root / "truth" / f"{name}.csv")

    def export(self, agency: str, file: str) -> list[dict[str, str]]:
        """Rows of an agency's export file (comma-separated files only)."""
        return read_csv(self.root / agency / file)

    def record_id(self, agency: str, file: str, key: str) -> str:
        """The source record id of a row of an agency's file."""
        if not self._by_key:
            self._by_key = {v: k for k, v in self.keys.items()}
        return self._by_key[(agency, file, key)]

    def events_of_record(self, agency: str, file: str, key: str) -> list[EventView]:
        """The assembled events that come from one row."""
        if not self._events:
            self._events = by_source(self.assembly)
        return self._events.get(self.record_id(agency, file, key), [])


@pytest.fixture(scope="session")
def borough(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Borough]:
    """Simulate (scale 0.02), ingest into SQLite, assemble with the true person ids."""
    root = tmp_path_factory.mktemp("assemble")
    simulate(root, seed=SEED, scale=SCALE)
    engine = make_engine(f"sqlite:///{root / 'store.db'}")
    key = secrets.token_bytes(32)
    initialise(engine, key, root / "checkpoints", admin=("admin", None))
    door = Door(engine, key, root / "checkpoints", hooks=installed_hooks())
    cipher = door.field_crypto()
    run_jobs(door, "joinedup-service", "data_ingest", plan([root], None, None, None))
    with door.session(*SERVICE) as s:
        keys = record_keys(s)
        people = person_records(s)
    truth_rows = {
        (r["agency"], r["file"], r["record_key"]): r["person_id"]
        for r in read_csv(root / "truth" / "records.csv")
    }
    truth_ids = {
        r["record_id"]: truth_rows[keys[r["record_id"]]]
        for r in people
        if keys[r["record_id"]] in truth_rows
    }
    with door.session(*SERVICE) as s:
        assembly = assemble(s, person_ids=truth_ids)
    try:
        yield Borough(root, door, cipher, keys, truth_ids, assembly)
    finally:
        engine.dispose()


def by_source(assembly: Assembly) -> dict[str, list[EventView]]:
    """Events by the id of the record they come from."""
    out: dict[str, list[EventView]] = defaultdict(list)
    for event in assembly.events:
        out[event.source.record_id].append(event)
    return out
