"""Use case: write a synthetic borough's agency exports with the ground truth beside them,
and, when asked, each agency's extracts as dated drops (:mod:`joinedup.simulate.drops`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from joinedup.simulate import ScenarioError, SimulationResult, simulate
from joinedup.simulate.drops import Cadence, DropsResult, write_drops

__all__ = ["DropsResult", "ScenarioError", "SimulationResult", "simulate_borough"]


def simulate_borough(
    out: Path,
    *,
    seed: int = 0,
    scenario: str = "default",
    scale: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
    drops: Cadence | None = None,
    drops_from: date | None = None,
    **options: Any,
) -> tuple[SimulationResult, DropsResult | None]:
    """Simulate a borough into ``out`` (same seed, same bytes); ``options`` pass through to
    the simulator. With ``drops`` (weekly or monthly) the exports are also cut into dated
    drops under ``out/drops`` (the first drop carries what was recorded before
    ``drops_from``)."""
    result = simulate(out, seed=seed, scenario=scenario, scale=scale, progress=progress, **options)
    cut = write_drops(out, drops, start=drops_from) if drops else None
    return result, cut
