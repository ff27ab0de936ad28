"""Use cases: the problem profile and the network export; in the web, the profile, the network
explorer and the estimate as background runs (:mod:`joinedup.app.analysis_runs`)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal

from joinedup.app.analysis_runs import Run, Stage, start_run
from joinedup.app.context import Caller, runtime
from joinedup.app.network_view import explore_network
from joinedup.assemble.lists import selected
from joinedup.network.disclose import GraphExport, GraphExported, export_graph
from joinedup.network.report import ProfileRun, build_problem_profile, problem_profile
from joinedup.network.scope import Window

__all__ = [
    "GraphExported",
    "ProfileRun",
    "Window",
    "export_network",
    "start_estimate",
    "start_network",
    "start_profile",
    "write_problem_profile",
]


def _window(window: Window) -> dict[str, str | None]:
    return {
        "since": window.since.isoformat() if window.since else None,
        "until": window.until.isoformat() if window.until else None,
        "area": window.area,
    }


def start_profile(who: Caller, window: Window, *, shared: bool = False, wait: bool = False) -> Run:
    """Build the problem profile of ``window`` in the background (see
    :func:`write_problem_profile`); the profile is kept sealed for ``who`` to view."""

    def work(me: Caller, stage: Stage) -> tuple[dict[str, Any], dict[str, Any]]:
        built = build_problem_profile(
            runtime().door, me.username, me.purpose, window, shared=shared, stage=stage
        )
        summary = {
            "children": built.children,
            "offenders": built.offenders,
            "groups": built.groups,
            "places": built.places,
            "linked": built.linked,
        }
        return summary, {"profile": asdict(built.profile), **summary}

    asked = {**_window(window), "shared": shared}
    return start_run(who, "profile", asked, work, shared=shared, wait=wait)


def start_network(who: Caller, window: Window, *, wait: bool = False) -> Run:
    """Analyse the network of ``window`` in the background, for the network explorer."""

    def work(me: Caller, stage: Stage) -> tuple[dict[str, Any], dict[str, Any]]:
        return explore_network(me, window, stage)

    return start_run(who, "network", _window(window), work, wait=wait)


def start_estimate(
    who: Caller,
    options: dict[str, Any],
    *,
    definitions: str = "specific",
    shared: bool = False,
    quick: bool = False,
    wait: bool = False,
) -> Run:
    """Estimate the hidden number of victims from the agency lists in the background (the
    CLI's ``joinedup estimate --from-db``); the lists' definitions and bases go with it."""
    chosen = [
        {"id": d.id, "agency": d.agency, "level": d.level, "basis": d.basis}
        for d in selected(definitions)
    ]

    def work(me: Caller, stage: Stage) -> tuple[dict[str, Any], dict[str, Any]]:
        stage("building the lists and searching the models")
        # loaded when an estimate runs: the estimators bring scipy (seconds of a server's start)
        from joinedup.app.estimation import estimate_from_store

        out = estimate_from_store(me, options, definitions=definitions, shared=shared, quick=quick)
        keys = ("estimate", "ci_low", "ci_high", "headline", "n_observed")
        return {k: out.get(k) for k in keys}, {"estimate": out, "definitions": chosen}

    asked = {"definitions": definitions, "shared": shared, "quick": quick, **options}
    return start_run(who, "estimate", asked, work, shared=shared, wait=wait)


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
