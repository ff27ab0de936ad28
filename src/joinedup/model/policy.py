"""The access policy: roles, their purposes, the actions each may take and the rows each may
reach, and how.

Declared in ``data/policy/roles.yml`` and validated when loaded. The store turns the
permissions into one query predicate; this module answers "which reaches does role R have for
operation O on category C" (an empty answer means deny), "may role R take action A", and which
actions a person may have the service account take on their behalf (``elevations``). It is the
only Python that knows role names: everything else asks it.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from joinedup.common.documents import packaged, parse_document
from joinedup.model.audit import Operation
from joinedup.model.vocab import VocabularyError, vocabulary

Category = Literal["case", "intelligence", "panel", "admin", "directory", "audit", "audit_chain"]
Reach = Literal["own_agency", "grant", "agreement", "panel", "own_submissions", "partnership"]
CATEGORIES: tuple[Category, ...] = (
    "case",
    "intelligence",
    "panel",
    "admin",
    "directory",
    "audit",
    "audit_chain",
)
REACHES: tuple[Reach, ...] = (
    "own_agency",
    "grant",
    "agreement",
    "panel",
    "own_submissions",
    "partnership",
)


class RolePolicy(BaseModel):
    """What one role may do."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field(min_length=1)
    purposes: tuple[str, ...] = Field(min_length=1)
    permissions: dict[Operation, dict[Category, tuple[Reach, ...]]]
    # the kinds of recipient this role may disclose to (the recipient's first word, e.g.
    # "panel"); empty: any recipient
    disclose_to: tuple[str, ...] = ()
    # the actions of the ``actions`` vocabulary this role may take
    actions: tuple[str, ...] = ()
    # the role of the pipeline service account (exactly one role has it)
    service: bool = False

    @field_validator("purposes")
    @classmethod
    def _known_purposes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for purpose in value:
            vocabulary("purposes").check(purpose)
        return value


class Elevation(BaseModel):
    """An action the service account may take on a person's behalf, after the person's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    after: str = Field(min_length=1)


class Policy(BaseModel):
    """Every role's policy, the actions vocabulary and the elevations."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    actions: dict[str, str] = Field(min_length=1)
    roles: dict[str, RolePolicy] = Field(min_length=1)
    elevations: dict[str, Elevation] = Field(default_factory=dict)

    def unknown_actions(self) -> list[str]:
        """Action names used by a role or an elevation but missing from the vocabulary."""
        used = [a for r in self.roles.values() for a in r.actions]
        for action, elevation in self.elevations.items():
            used += [action, elevation.after]
        return sorted({a for a in used if a not in self.actions})

    def check_consistent(self) -> None:
        """Raise :class:`VocabularyError` for unknown action names, a service role that is
        missing or not alone, and elevations the service role or no person could use."""
        unknown = self.unknown_actions()
        if unknown:
            raise VocabularyError(f"unknown action(s): {', '.join(unknown)}")
        services = [name for name, r in self.roles.items() if r.service]
        if len(services) != 1:
            raise VocabularyError(f"exactly one role must be the service role, not {services}")
        for action, elevation in self.elevations.items():
            if not self.allows_action(services[0], action):
                raise VocabularyError(f"elevation {action}: the service role may not take it")
            if not self.roles_allowed(elevation.after, people_only=True):
                raise VocabularyError(f"elevation {action}: no person may {elevation.after}")

    # -- actions ------------------------------------------------------------------------

    def describe(self, action: str) -> str:
        """The one-line description of ``action``; unknown actions are an error."""
        try:
            return self.actions[action]
        except KeyError as exc:
            raise VocabularyError(f"unknown action {action!r}") from exc

    def allows_action(self, role: str, action: str) -> bool:
        """True when ``role`` may take ``action`` (an unknown action is an error)."""
        self.describe(action)
        policy = self.roles.get(role)
        return policy is not None and action in policy.actions

    def roles_allowed(self, action: str, *, people_only: bool = False) -> tuple[str, ...]:
        """The roles that may take ``action``, sorted (persons' roles only when asked)."""
        self.describe(action)
        return tuple(
            sorted(
                name
                for name, r in self.roles.items()
                if action in r.actions and not (people_only and r.service)
            )
        )

    def service_role(self) -> str:
        """The role of the pipeline service account."""
        return next(name for name, r in self.roles.items() if r.service)

    def person_roles(self) -> tuple[str, ...]:
        """The roles a person may hold (every role but the service role), in file order."""
        return tuple(name for name, r in self.roles.items() if not r.service)

    def administrator_role(self) -> str:
        """The person role that creates users (``users.add``): the first administrator's."""
        found = self.roles_allowed("users.add", people_only=True)
        if len(found) != 1:
            raise VocabularyError(f"exactly one person role must hold users.add, not {found}")
        return found[0]

    def elevation_after(self, action: str) -> str | None:
        """The person's action after which the service account may take ``action`` on their
        behalf; None when ``action`` is not an elevation."""
        elevation = self.elevations.get(action)
        return elevation.after if elevation else None

    def action_table(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """Rows for the docs: (action, description, roles that may take it), in vocabulary
        order."""
        return [(a, text, self.roles_allowed(a)) for a, text in self.actions.items()]

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
    parsed = parse_document(Policy, text, where=where, what="access policy", error=VocabularyError)
    try:
        parsed.check_consistent()
    except VocabularyError as exc:
        raise VocabularyError(f"{where}: invalid access policy: {exc}") from exc
    return parsed


@cache
def policy() -> Policy:
    """The shipped access policy (cached)."""
    path = packaged("joinedup.model", "policy", "roles.yml")
    return parse_policy(path.read_text(encoding="utf-8"), where="policy file roles.yml")


def roles() -> tuple[str, ...]:
    """Names of all roles."""
    return tuple(sorted(policy().roles))


def actions() -> tuple[str, ...]:
    """Names of all actions, in vocabulary order."""
    return tuple(policy().actions)


TABLE_START = "<!-- actions:start -->"
TABLE_END = "<!-- actions:end -->"


def action_table_markdown(rules: Policy | None = None) -> str:
    """The role x action table of docs/security.md (between its marker comments): one row per
    action, one column per role, the service role last; elevations listed below it."""
    rules = rules or policy()
    names = [*rules.person_roles(), rules.service_role()]
    header = ["action", "what it is", *[f"`{n}`" for n in names]]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for action, text, allowed in rules.action_table():
        marks = ["yes" if n in allowed else "" for n in names]
        lines.append("| " + " | ".join([f"`{action}`", text, *marks]) + " |")
    lines.append("")
    lines.append(
        f"The service role is `{rules.service_role()}`. A person may have it take these "
        "actions on their behalf (`Door.on_behalf`, logged with both names):"
    )
    lines.append("")
    for action, elevation in rules.elevations.items():
        lines.append(f"- `{action}` after `{elevation.after}`")
    return "\n".join(lines) + "\n"


def with_action_table(document: str, rules: Policy | None = None) -> str:
    """``document`` (docs/security.md) with the text between its action-table markers replaced
    by :func:`action_table_markdown`; a document without both markers is an error."""
    start, end = document.find(TABLE_START), document.find(TABLE_END)
    if start < 0 or end < start:
        raise ValueError(f"the document has no {TABLE_START} ... {TABLE_END} markers")
    head = document[: start + len(TABLE_START)]
    return f"{head}\n{action_table_markdown(rules)}{document[end:]}"


if __name__ == "__main__":  # python -m joinedup.model.policy docs/security.md
    import sys
    from pathlib import Path

    for name in sys.argv[1:]:
        doc = Path(name)
        doc.write_text(with_action_table(doc.read_text(encoding="utf-8")), encoding="utf-8")
