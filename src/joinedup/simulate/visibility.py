"""How visible one victim's exploitation is to each agency.

Every victim has a latent visibility ``v`` (a gamma frailty with mean 1; its ``shape`` in the
scenario sets how unequal victims are), multiplied per agency by the child's circumstances
(looked after, missing or known to services before onset, learning disability, trafficked:
``exploitation.visibility.circumstances``, log-multipliers). An agency that would record an
event with probability ``p`` for a victim of visibility 1 records it with ``1 - (1 - p)**v``,
and a rate ``r`` of records becomes ``r * v``. The victims no agency records are then those
every agency missed by chance, and the lists are dependent (a visible child is visible to
all) and heterogeneous, as real lists are.

``exploitation.invisible_share`` is a separate scenario option: a share of victims whose
exploitation no agency records at all, with certainty (the inquiry's point that some children
are beyond any list). No capture-recapture estimate can reach them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from joinedup.simulate.life import Life

CIRCUMSTANCES = (
    "looked_after",
    "prior_contact",
    "missing_before_onset",
    "health_before_onset",
    "learning_disability",
    "trafficked",
)


@dataclass(frozen=True)
class Visibility:
    """One victim's visibility: ``base`` times each agency's multiplier; ``invisible`` when
    the victim belongs to the scenario's group beyond any list."""

    base: float
    by_agency: dict[str, float] = field(default_factory=dict)
    invisible: bool = False

    def of(self, agency: str) -> float:
        """The victim's visibility to ``agency``."""
        return self.base * self.by_agency.get(agency, 1.0)

    def chance(self, agency: str, p: float) -> float:
        """The probability that ``agency`` records what it would record with ``p`` at
        visibility 1."""
        p = min(max(float(p), 0.0), 1.0)
        if p >= 1.0:
            return 1.0
        return float(1.0 - (1.0 - p) ** self.of(agency))

    def rate(self, agency: str, r: float) -> float:
        """A rate of records by ``agency`` scaled by the victim's visibility to it."""
        return float(r) * self.of(agency)


def settings(exploitation: dict[str, Any]) -> tuple[float, dict[str, dict[str, float]]]:
    """The frailty's shape and the circumstances' log-multipliers from the scenario."""
    raw = exploitation.get("visibility") or {}
    shape = float(raw.get("shape", 0.0))
    circumstances = {
        str(name): {str(a): float(x) for a, x in (effects or {}).items()}
        for name, effects in (raw.get("circumstances") or {}).items()
    }
    return shape, circumstances


def circumstances_of(life: Life, onset: date, *, looked_after: bool, trafficked: bool) -> set[str]:
    """Which of ``CIRCUMSTANCES`` hold for the child at onset (looked after: in the window)."""
    before = [e for e in life.events if e.start < onset and e.seen]
    found = {
        "looked_after": looked_after,
        "prior_contact": any(e.kind == "contact" for e in before),
        "missing_before_onset": any(e.kind == "missing_episode" for e in before),
        "health_before_onset": any(e.kind == "health_attendance" for e in before),
        "learning_disability": life.child.learning_disability,
        "trafficked": trafficked,
    }
    return {name for name, holds in found.items() if holds}


def draw(
    exploitation: dict[str, Any], held: set[str], rng: random.Random, *, invisible: bool = False
) -> Visibility:
    """A victim's visibility: a gamma frailty (mean 1) and the multipliers of ``held``.
    A shape of 0 (or none given) means every victim has visibility 1."""
    shape, circumstances = settings(exploitation)
    base = rng.gammavariate(shape, 1.0 / shape) if shape > 0 else 1.0
    logs: dict[str, float] = {}
    for name in held:
        for agency, effect in circumstances.get(name, {}).items():
            logs[agency] = logs.get(agency, 0.0) + effect
    return Visibility(base, {a: math.exp(x) for a, x in logs.items()}, invisible)
