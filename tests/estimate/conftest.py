"""Shared fixtures: the reference MSE datasets and published estimates."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from joinedup.estimate import CaptureTable, read_table


def reference_dir() -> Path:
    """``shared/reference/mse`` beside the repository, or ``$JOINEDUP_REFERENCE_DIR``."""
    env = os.environ.get("JOINEDUP_REFERENCE_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "reference" / "mse"


REF = reference_dir()


def load(name: str) -> CaptureTable:
    return read_table(REF / f"{name}.csv")


def published_rows() -> list[dict[str, str]]:
    with open(REF / "published.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def kosovo() -> CaptureTable:
    return load("kosovo_4lists")


@pytest.fixture(scope="session")
def korea() -> CaptureTable:
    return load("korea_palembang_3lists")


@pytest.fixture(scope="session")
def neworleans() -> CaptureTable:
    return load("neworleans_8lists_185")


@pytest.fixture(scope="session")
def diabetes() -> CaptureTable:
    return load("diabetes_bruno_4lists")
