"""Shared fixtures: one person model trained once on synthetic records."""

from __future__ import annotations

from typing import Any

import pytest

from joinedup.linkage.prepare import prepare_records
from joinedup.linkage.synthetic import generate_people
from joinedup.linkage.train import TrainingOptions, train_model

SMALL_TRAINING = TrainingOptions(u_max_pairs=3e5, em_max_pairs=3e5, seed=7)


@pytest.fixture(scope="session")
def synthetic() -> tuple[list[dict[str, Any]], dict[str, str], dict[str, str]]:
    """1,200 synthetic people (about 2,600 records) with truth and name origin."""
    return generate_people(1200, seed=11, invented_names=200)


@pytest.fixture(scope="session")
def model(synthetic: tuple[list[dict[str, Any]], dict[str, str], dict[str, str]]) -> dict[str, Any]:
    """The person model trained on the synthetic records (DuckDB)."""
    records, _, _ = synthetic
    return train_model(prepare_records(records), training=SMALL_TRAINING)


def person(
    record_id: str, forename: str | None, surname: str | None, **fields: Any
) -> dict[str, Any]:
    """A record on the input contract with sensible defaults."""
    row: dict[str, Any] = {
        "record_id": record_id,
        "agency": "police",
        "forename": forename,
        "surname": surname,
        "date_of_birth": "2008-05-17",
        "sex": "2",
        "postcode": "S60 1AB",
        "nhs_number": None,
        "upn": None,
        "police_id": None,
    }
    row.update(fields)
    return row
