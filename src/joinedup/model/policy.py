"""The access policy: roles, their purposes and what each may do, reached how.

Declared in ``data/policy/roles.yml`` and validated when loaded. The store turns it into one
query predicate; this module only answers "which reaches does role R have for operation O on
category C" (an empty answer means deny).
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from joinedup.common.documents import packaged, parse_document
from joinedup.model.audit import Operation
from joinedup.model.vocab import VocabularyError, vocabulary

Category = Literal["case", "intelligence", "panel", "admin", "directory", "audit", "audit_chain"]
Reach = Literal["own_agency", "grant", "panel", "own_submissions", "partnership"]
CATEGORIES: tuple[Category, ...] = (
    "case",
    "intelligence",
    "panel",
    "admin",
    "directory",
    "audit",
    "audit_chain",
)
REACHES: tuple[Reach, ...] = ("own_agency", "grant", "panel", "own_submissions", "partnership")


class RolePolicy(BaseModel):
    """What one role may do."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field(min_length=1)
    purposes: tuple[str, ...] = Field(min_length=1)
    permissions: dict[Operation, dict[Category, tuple[Reach, ...]]]
    # the kinds of recipient this role may disclose to (the recipient's first word, e.g.
    # "panel"); empty: any recipient
    disclose_to: tuple[str, ...] = ()

    @field_validator("purposes")
    @classmethod
    def _known_purposes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for purpose in value:
            vocabulary("purposes").check(purpose)
        return value


class Policy(BaseModel):
    """Every role's policy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    roles: dict[str, RolePolicy] = Field(min_length=1)

    def role(self, name: str) -> RolePolicy:
        """The policy of role ``name``; unknown roles are an error."""
        try:
            return self.roles[name]
        except KeyError as exc:
            raise VocabularyError(
                f"unknown role {name!r}; roles: {', '.join(sorted(self.roles))}"
            ) from exc

    def reaches(self, role: str, operation: Operation, category: Category) -> tuple[Reach, ...]:
        """How ``role`` may reach rows of ``category`` for ``operation`` (empty: denied)."""
        policy = self.roles.get(role)
        if policy is None:
            return ()
        return policy.permissions.get(operation, {}).get(category, ())

    def allows_recipient(self, role: str, recipient: str) -> bool:
        """True when ``role`` may disclose to ``recipient`` (see ``disclose_to``)."""
        policy = self.roles.get(role)
        if policy is None:
            return False
        kinds = policy.disclose_to
        return not kinds or recipient.strip().split(" ", 1)[0] in kinds

    def allows_purpose(self, role: str, purpose: str) -> bool:
        """True when ``role`` may act for ``purpose``."""
        policy = self.roles.get(role)
        return policy is not None and purpose in policy.purposes


def parse_policy(text: str, *, where: str) -> Policy:
    """Parse and validate a policy document."""
    return parse_document(Policy, text, where=where, what="access policy", error=VocabularyError)


@cache
def policy() -> Policy:
    """The shipped access policy (cached)."""
    path = packaged("joinedup.model", "policy", "roles.yml")
    return parse_policy(path.read_text(encoding="utf-8"), where="policy file roles.yml")


def roles() -> tuple[str, ...]:
    """Names of all roles."""
    return tuple(sorted(policy().roles))
