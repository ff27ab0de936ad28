"""Fixtures for ingest tests: a store with a police agency and a field cipher."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest

from joinedup.access.crypto import FieldCipher
from joinedup.access.keys import Keyring
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
    ring = Keyring(active="k1", keys={"k1": secrets.token_bytes(32)})
    return IngestStore(store, FieldCipher(ring))
