"""Use cases: the problem profile and the network export."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from joinedup.app.context import Caller, runtime
from joinedup.network.disclose import GraphExport, GraphExported, export_graph
from joinedup.network.report import ProfileRun, problem_profile
from joinedup.network.scope import Window

__all__ = [
    "GraphExported",
    "ProfileRun",
    "Window",
    "export_network",
    "write_problem_profile",
]


def write_problem_profile(
    who: Caller, window: Window, out: Path, *, shared: bool = False
) -> ProfileRun:
    """Write the VOLT problem profile of what ``who`` may see in ``window`` to ``out``; with
    ``shared``, across the agencies of ``who``'s live aggregate information-sharing
    agreements, persons ``who`` cannot otherwise reach pseudonymised."""
    rt = runtime()
    return problem_profile(rt.door, who.username, who.purpose, window, out, shared=shared)


def export_network(
    who: Caller,
    fmt: Literal["graphml", "i2"],
    out: Path,
    window: Window,
    *,
    extent: Literal["cse", "all"] = "cse",
    pseudonymise: bool = False,
    recipient: str | None = None,
) -> GraphExported:
    """Write the network of the window for another tool (the disclosure is logged, with its
    recipient, before any file is written)."""
    rt = runtime()
    request = GraphExport(fmt, out, window, extent, pseudonymise, recipient)
    return export_graph(rt.door, who.username, who.purpose, request)
