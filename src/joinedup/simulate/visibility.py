"""Which agencies come to know of one victim's exploitation, by chance.

Every victim has a latent visibility ``v`` (a gamma frailty with mean 1; the scenario's
``shape`` sets how unequal victims are), multiplied per agency by the child's circumstances
(looked after, known to services, missing or at hospital before onset, learning disability,
trafficked: ``exploitation.visibility.circumstances``, log-multipliers). Agency ``a``
recognises the exploitation with probability ``1 - (1 - p_a)**(v * m_a)`` (``p_a``:
``visibility.awareness``, the chance at visibility 1); an agency that does not records none
of it as CSE (a missing episode it is told of is an ordinary one), and one that does records
its events at the scenario's rates. The victims no agency records are then those every
agency missed by chance, and the lists are dependent (a visible child is visible to all) and
heterogeneous, as real lists are.

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

AGENCIES_AWARE = ("police", "social_care", "education", "health", "probation", "voluntary")
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
    """One victim's visibility: ``base`` times each agency's multiplier, and the agencies that
    recognised the exploitation (``aware``; ``None``: every agency, at the scenario's rates);
    ``invisible`` when the victim belongs to the scenario's group beyond any list."""

    base: float
    by_agency: dict[str, float] = field(default_factory=dict)
    aware: frozenset[str] | None = None
    invisible: bool = False

    def of(self, agency: str) -> float:
        """The victim's visibility to ``agency``."""
        return self.base * self.by_agency.get(agency, 1.0)

    def knows(self, agency: str) -> bool:
        """Whether ``agency`` recognised the exploitation."""
        return not self.invisible and (self.aware is None or agency in self.aware)

    def chance(self, agency: str, p: float) -> float:
        """The chance that ``agency`` records an event it would record with ``p``: ``p`` if it
        recognised the exploitation, else none."""
        return float(p) if self.knows(agency) else 0.0

    def rate(self, agency: str, r: float) -> float:
        """A rate of records by ``agency``: ``r`` if it recognised the exploitation, else 0."""
        return float(r) if self.knows(agency) else 0.0


def recognition(p: float, visibility: float) -> float:
    """The chance an agency recognises the exploitation: ``1 - (1 - p)**visibility``."""
    p = min(max(float(p), 0.0), 1.0)
    return 1.0 if p >= 1.0 else float(1.0 - (1.0 - p) ** visibility)


def settings(
    exploitation: dict[str, Any],
) -> tuple[float, dict[str, float], dict[str, dict[str, float]]]:
    """The frailty's shape, the agencies' awareness at visibility 1 and the circumstances'
    log-multipliers from the scenario."""
    raw = exploitation.get("visibility") or {}
    shape = float(raw.get("shape", 0.0))
    awareness = {str(a): float(p) for a, p in (raw.get("awareness") or {}).items()}
    circumstances = {
        str(name): {str(a): float(x) for a, x in (effects or {}).items()}
        for name, effects in (raw.get("circumstances") or {}).items()
    }
    return shape, awareness, circumstances


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
    """A victim's visibility (gamma frailty with mean 1, times the multipliers of ``held``)
    and the agencies that recognise the exploitation. No ``visibility`` in the scenario:
    every agency, at its rates."""
    shape, awareness, circumstances = settings(exploitation)
    base = rng.gammavariate(shape, 1.0 / shape) if shape > 0 else 1.0
    logs: dict[str, float] = {}
    for name in sorted(held):
        for agency, effect in circumstances.get(name, {}).items():
            logs[agency] = logs.get(agency, 0.0) + effect
    by_agency = {a: math.exp(x) for a, x in logs.items()}
    vis = Visibility(base, by_agency, None, invisible)
    if not awareness:
        return vis
    aware = {a for a in AGENCIES_AWARE if a not in awareness}
    for agency, p in sorted(awareness.items()):
        if rng.random() < recognition(p, vis.of(agency)):
            aware.add(agency)
    return Visibility(base, by_agency, frozenset(aware), invisible)
