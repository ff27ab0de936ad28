"""A borough at reduced scale, simulated once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.simulate import SimulationResult, simulate

SCALE = 0.1


@pytest.fixture(scope="session")
def borough(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SimulationResult]:
    out = tmp_path_factory.mktemp("borough")
    return out, simulate(out, seed=3, scale=SCALE)
