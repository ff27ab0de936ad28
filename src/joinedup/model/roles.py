"""What a person's role in an event indicates: risk to them, offending, neither.

One definition (the ``participant_roles`` vocabulary, a data file) read by the risk tool's
evidence, the rules, the agency lists and the network, so that a child recorded as a suspect
is never counted as a victim through the same record in one place and not in another.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from joinedup.model.vocab import vocabulary


@dataclass(frozen=True)
class ParticipantRoles:
    """The role codes of each group of the ``participant_roles`` vocabulary."""

    risk: frozenset[str]
    offending: frozenset[str]
    witness: frozenset[str]
    other: frozenset[str]

    def indicates_risk(self, role: str | None) -> bool:
        """Whether an event in this role may be evidence of risk to the person: any role but
        an offending one or an ``other`` one (an unknown role errs towards the child)."""
        return _norm(role) not in self.offending | self.other

    def indicates_offending(self, role: str | None) -> bool:
        """Whether the role records the person as (suspected of) doing harm."""
        return _norm(role) in self.offending

    @property
    def not_victim(self) -> frozenset[str]:
        """Roles in which a person is never counted as a victim (offending and ``other``)."""
        return self.offending | self.other


def _norm(role: str | None) -> str:
    return (role or "").strip().lower()


@cache
def participant_roles() -> ParticipantRoles:
    """The shipped role groups (cached)."""
    vocab = vocabulary("participant_roles")
    return ParticipantRoles(
        *(frozenset(vocab.codes_in(g)) for g in ("risk", "offending", "witness", "other"))
    )
