"""Fixtures for ingest tests: a store with a police agency and a field cipher; the files a
test opens for reading."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from joinedup.access.crypto import FieldCipher
from joinedup.ingest.layout import Column
from tests.conftest import Store

PEOPLE_COLUMNS = (
    Column("ref"),
    Column("forename", canonical="forename", required=True),
    Column("surname", canonical="surname"),
    Column("dob", "date", canonical="date_of_birth"),
    Column("phone", canonical="phone"),
    Column("note", encrypt=True),
)
"""A small person layout's columns (key ``ref``), shared by the ingest tests."""


@dataclass
class IngestStore:
    """A store plus the cipher ingest encrypts free text with."""

    store: Store
    cipher: FieldCipher


@pytest.fixture
def ing(store: Store) -> IngestStore:
    store.agency("Police")
    return IngestStore(store, store.cipher)


_opened: list[str] | None = None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    """Record files opened for reading (``open`` and ``os.open``; a walk by ``dir_fd``
    records each name alone)."""
    if _opened is None or event != "open" or not isinstance(args[0], str | bytes | Path):
        return
    path, mode, flags = args
    reading = (
        flags & os.O_ACCMODE == os.O_RDONLY if mode is None else not any(c in mode for c in "wax+")
    )
    if reading:
        _opened.append(os.fsdecode(path))


sys.addaudithook(_hook)


@pytest.fixture
def opened() -> Iterator[list[str]]:
    """Every path this process opens for reading during the test (the ``open`` audit event)."""
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None
