"""Use case: write a synthetic borough's agency exports with the ground truth beside them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from joinedup.simulate import ScenarioError, SimulationResult, simulate

__all__ = ["ScenarioError", "SimulationResult", "simulate_borough"]


def simulate_borough(
    out: Path,
    *,
    seed: int = 0,
    scenario: str = "default",
    scale: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
    **options: Any,
) -> SimulationResult:
    """Simulate a borough into ``out`` (same seed, same bytes); ``options`` pass through to
    the simulator."""
    return simulate(out, seed=seed, scenario=scenario, scale=scale, progress=progress, **options)
