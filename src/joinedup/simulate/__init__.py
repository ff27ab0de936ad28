"""Synthetic borough: agency export files with the ground truth kept beside them.

The public entry point is :func:`joinedup.simulate.core.simulate`; the ``joinedup simulate``
command is a thin wrapper around it. Nothing here touches a database: the simulator writes
CSV files and JSON manifests only. All data are synthetic; no real person is represented.
"""

from __future__ import annotations

from joinedup.simulate.core import SimulationResult, simulate
from joinedup.simulate.scenario import AGENCIES, Scenario, ScenarioError, load

__all__ = ["AGENCIES", "Scenario", "ScenarioError", "SimulationResult", "load", "simulate"]
