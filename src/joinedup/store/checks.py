"""The one check of what an actor may do: actions (``roles.yml``, ``actions:``), kinds of
processing on a category of rows, and recipients of a disclosure."""

from __future__ import annotations

from joinedup.common.errors import InputError, JoinedupError
from joinedup.model.access import Actor
from joinedup.model.audit import Operation
from joinedup.model.policy import Category, policy


class Forbidden(JoinedupError, PermissionError):
    """The actor may not perform this write (or act for this purpose)."""


class ActionChecks:
    """What :class:`joinedup.store.actor_session.ActorSession` asks before acting."""

    actor: Actor

    def may(self, action: str) -> bool:
        """Whether the actor's role may take ``action`` (``roles.yml``, ``actions:``)."""
        return policy().allows_action(self.actor.role, action)

    def require(self, action: str) -> None:
        """The one check for actions: raise :class:`Forbidden` unless the actor's role may
        take ``action``, naming the action, the role and the roles that may."""
        if self.may(action):
            return
        rules = policy()
        service = rules.service_role()
        who = [
            f"the {n} service account (role {n})" if n == service else n.replace("_", " ")
            for n in rules.roles_allowed(action)
        ]
        raise Forbidden(
            f"role {self.actor.role!r} may not {action} ({rules.describe(action).rstrip('.')}); "
            f"who may: {', '.join(who) or 'nobody'}"
        )

    def require_operation(self, operation: Operation, category: Category) -> None:
        """Raise :class:`Forbidden` unless the role has any reach for this operation on rows of
        ``category`` (for a disclosure: to any recipient; a role limited to some recipients
        is refused here)."""
        rules = policy()
        if not rules.reaches(self.actor.role, operation, category) or (
            operation == "disclosure" and rules.role(self.actor.role).disclose_to
        ):
            raise Forbidden(f"role {self.actor.role!r} may not perform {operation} on {category}")

    def _require_recipient(self, recipient: str) -> None:
        if not recipient.strip():
            raise InputError("an export needs a recipient")
        if not policy().allows_recipient(self.actor.role, recipient):
            raise Forbidden(f"role {self.actor.role!r} may not perform disclosure to {recipient!r}")
