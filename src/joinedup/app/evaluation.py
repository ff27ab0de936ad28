"""Use cases: measure the platform against a simulator's truth (linkage, flags, networks;
the estimate's is in :mod:`joinedup.app.estimation`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from joinedup.app.context import Caller, runtime, session
from joinedup.linkage.sources import record_keys
from joinedup.linkage.truth import evaluate_stored_linkage
from joinedup.network.communities import offender_groups
from joinedup.network.evaluate import evaluate_network
from joinedup.network.hotspots import rank_places
from joinedup.network.scope import Window
from joinedup.network.store import load_network
from joinedup.safeguarding.evaluate import evaluate_stored_flags

__all__ = ["evaluate_flags", "evaluate_linkage", "evaluate_networks"]


def evaluate_linkage(who: Caller, truth_dir: Path) -> dict[str, Any]:
    """Pairwise precision, recall and F1 of the stored persons, blocking recall, and recall
    by name origin."""
    with session(who) as opened:
        return evaluate_stored_linkage(opened, truth_dir).as_dict()


def evaluate_flags(who: Caller, truth_dir: Path) -> dict[str, Any]:
    """Victim recall and precision of the held flags, and each rule's."""
    with session(who) as opened:
        return evaluate_stored_flags(opened, truth_dir)


def evaluate_networks(who: Caller, truth_dir: Path) -> dict[str, Any]:
    """Adjusted Rand index of the offender groups and hotspot hits in the top ten."""
    rt = runtime()
    with session(who, rt) as opened:
        net, _ = load_network(opened, rt.cipher, Window(), require_linkage=True)
        keys = record_keys(opened)
    groups = offender_groups(net)
    return evaluate_network(net, groups, rank_places(net, groups), truth_dir, keys).as_dict()
