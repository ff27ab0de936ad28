"""After the whole pipeline (the demonstration: simulate, ingest, link, check notes, assess,
estimate, profile, route a concern, hold a panel with a decision and an action, grant and
revoke access), no field classified special category or free text is stored in clear: not in
any column of any table, not in the database file, not in any file left in the home folder
(issue 13, point 13; extends issue 14, point 1)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from joinedup.ingest.formats import encrypted, formats
from joinedup.model.classification import classification
from joinedup.store.engine import make_engine
from joinedup.store.guarded import is_token
from joinedup.store.hooks import values_at
from tests.web.demo_run import copy_demo

# typed during the demonstration (joinedup.app.demo_panel, joinedup.app.demo)
TYPED = [
    "disruption plan for the adults",
    "Convene the strategy discussion",
    "private hire car outside the school gates",
    "Driver and vehicle checked against the register",
    "strategy discussion about a missing child",
]
ASKED_FOR = {
    "demo-minutes.md",
    "demo-profile.html",
    "demo-profile.md",
    "demo-partnership-profile.html",
    "demo-partnership-profile.md",
}  # outputs the demonstration asks for


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The run's demonstration store (built once for every test module that asks), copied."""
    url, home = copy_demo("sqlite", tmp_path_factory.mktemp("demo"))
    yield home, url


def _encrypted_columns() -> dict[tuple[str, str], list[str]]:
    """(format, record type) -> the payload columns stored only encrypted."""
    return {
        (fmt.format, entry.table): [c.name for c in entry.columns if encrypted(fmt, entry, c)]
        for fmt in formats().values()
        for entry in fmt.files
    }


def _needles(borough: Path) -> list[str]:
    """Values of encrypted columns in the borough's files, long enough to be telling."""
    wanted = _encrypted_columns()
    found: set[str] = set()
    for fmt in formats().values():
        for entry in fmt.files:
            for path in borough.rglob(entry.file):
                body = path.read_bytes().decode("utf-8-sig", errors="replace")
                delimiter = max(",;|\t", key=body.split("\n", 1)[0].count)
                for row in csv.DictReader(body.splitlines(), delimiter=delimiter):
                    for column in wanted[(fmt.format, entry.table)]:
                        value = (row.get(column) or "").strip()
                        if len(value) >= 16 and value.isascii():
                            found.add(value)
    return sorted(found)


def _rows(url: str, sql: str) -> list[Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)))
    finally:
        engine.dispose()


def _tables(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    try:
        catalogue = inspect(engine)
        return {
            t: [c["name"] for c in catalogue.get_columns(t)] for t in catalogue.get_table_names()
        }
    finally:
        engine.dispose()


def test_every_encrypted_payload_field_is_a_token_and_none_is_normalised(
    demo: tuple[Path, str],
) -> None:
    _, url = demo
    wanted = _encrypted_columns()
    canonical = {
        c.canonical
        for fmt in formats().values()
        for entry in fmt.files
        for c in entry.columns
        if c.canonical and encrypted(fmt, entry, c)
    }
    assert "ethnicity" in canonical
    rows = _rows(
        url,
        "SELECT b.format, r.record_type, r.payload, r.normalised FROM source_record r "
        "JOIN import_batch b ON b.id = r.batch_id",
    )
    checked = 0
    for fmt, record_type, payload, normalised in rows:
        payload = json.loads(payload) if isinstance(payload, str) else payload
        normalised = json.loads(normalised) if isinstance(normalised, str) else normalised
        for column in wanted.get((fmt, record_type), []):
            value = payload.get(column)
            if value:
                assert is_token(value), (fmt, record_type, column, value)
                checked += 1
        assert not canonical & set(normalised), (fmt, record_type)
    assert checked > 1000


def test_every_encrypted_table_field_is_a_token(demo: tuple[Path, str]) -> None:
    _, url = demo
    data = classification()
    tokens = 0
    for table in _tables(url):
        for path in data.encrypted_fields(table):
            column = path.split(".")[0].removesuffix("[]")
            for (value,) in _rows(url, f'SELECT "{column}" FROM "{table}"'):
                if value is None:
                    continue
                if path == column:
                    assert is_token(value), f"{table}.{column}: {value[:60]!r}"
                    tokens += 1
                    continue
                stored = json.loads(value) if isinstance(value, str) else value
                for leaf in values_at({column: stored}, path):
                    assert is_token(leaf), f"{table}.{path}: {str(leaf)[:60]!r}"
                    tokens += 1
    assert tokens > 100  # flags, agenda items, decisions, actions, grants, quarantine...


def test_no_encrypted_value_is_in_any_table_or_file(demo: tuple[Path, str]) -> None:
    home, url = demo
    needles = [n.lower() for n in [*TYPED, *_needles(home / "demo-borough")]]
    assert len(needles) > 50
    found = []
    for table, columns in _tables(url).items():
        for name in columns:
            for (value,) in _rows(url, f'SELECT CAST("{name}" AS TEXT) FROM "{table}"'):
                low = (value or "").lower()
                found += [f"{table}.{name}: {n}" for n in needles if n in low]
    files = [p for p in home.parent.rglob("*") if p.is_file()]
    skipped = home / "demo-borough"
    for path in files:
        if path.name in ASKED_FOR or skipped in path.parents:
            continue
        low = path.read_bytes().decode("utf-8", errors="replace").lower()
        found += [f"{path.name}: {n}" for n in needles if n in low]
    assert any(p.name == "joinedup.db" for p in files)
    assert found == []
