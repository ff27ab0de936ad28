"""What a role may do, for interfaces deciding which buttons to show (the door decides again
when one is pressed: this never grants anything)."""

from __future__ import annotations

from joinedup.model.policy import policy

__all__ = ["actions_of"]


def actions_of(role: str) -> frozenset[str]:
    """Every action of roles.yml that ``role`` may take."""
    rules = policy()
    return frozenset(a for a in rules.actions if rules.allows_action(role, a))
