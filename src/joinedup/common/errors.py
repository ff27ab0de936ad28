"""The platform's own errors: what a user can act on, said in one line.

Every error class of joinedup derives from :class:`JoinedupError` (and keeps its stdlib base,
``ValueError`` or ``PermissionError`` ..., where callers catch that). Interfaces turn a
``JoinedupError`` into its one-line message; anything else is a bug and shows its traceback.
"""

from __future__ import annotations


class JoinedupError(Exception):
    """A user-facing error: its message names what is wrong and where, in one line."""

    def one_line(self) -> str:
        """The message on one line (a multi-line message has its lines joined by ``; ``)."""
        return one_line(str(self))


def one_line(message: str) -> str:
    """``message`` with its non-empty lines stripped and joined by ``; ``."""
    return "; ".join(line.strip() for line in message.splitlines() if line.strip())


class InputError(JoinedupError, ValueError):
    """What a user gave or asked for breaks a rule of the platform (a blank reason, a due
    date in the past, an unknown method ...)."""


class StateError(JoinedupError, RuntimeError):
    """The platform cannot do what was asked in its present state (a database that is not
    initialised, a batch whose reconciliation failed)."""
