"""What the composition root installs in the door: the check of typed text, the field cipher.

The store sits below the packages that know what victim-blaming language is and below the
keyring, so it declares the two services it needs as protocols and the composition root
(:mod:`joinedup.runtime`) installs them as :class:`SessionHooks`:

- ``check_text`` runs the language check on text a person typed and records what it finds
  (:func:`joinedup.safeguarding.entry.check_entry`). Sessions call it through
  :meth:`ActorSession.entered`; a session of a person that writes a column a kind declares
  as typed text (:attr:`Kind.typed_text`) without the text having passed it refuses to commit.
- ``field_crypto`` encrypts and decrypts the columns a kind declares as encrypted
  (:attr:`Kind.encrypted_columns`), so sessions hand out plain text to those who may read it
  (:class:`joinedup.access.crypto.FieldCipher`).

- ``linkage_key`` gives the HMAC key of the drop index (:mod:`joinedup.linkage.drop_index`).

Without hooks (unit tests of the store) typed text and encrypted columns are refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from joinedup.common.errors import JoinedupError

if TYPE_CHECKING:
    from joinedup.store.actor_session import ActorSession

T = TypeVar("T")


class FieldCrypto(Protocol):
    """Encryption of one field of one row (the associated data binds table, column, row)."""

    def encrypt(self, plaintext: str, *, table: str, column: str, row_id: str) -> str:
        """The token of ``plaintext`` for this field of this row."""
        ...

    def decrypt(self, token: str, *, table: str, column: str, row_id: str) -> str:
        """The plain text of a token written for this field of this row."""
        ...


class TextFinding(Protocol):
    """One finding of the check of typed text (a phrase that blames or judges a child)."""

    @property
    def held(self) -> bool:
        """Whether the finding is held as a flag (the role may hold flags)."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        ...

    def message(self) -> str:
        """One line for a person."""
        ...


class TextCheck(Protocol):
    """Checks text a person typed and records what it finds; never refuses the text."""

    def __call__(
        self,
        session: ActorSession,
        text: str | None,
        *,
        where: str,
        subject_type: str,
        subject_id: str,
        field: str | None = None,
        author: str | None = None,
        agency_id: str | None = None,
        child_age: int | None = None,
    ) -> Sequence[TextFinding]: ...


@dataclass(frozen=True)
class SessionHooks:
    """The services a door's sessions call (installed by the composition root)."""

    check_text: TextCheck | None = None
    field_crypto: FieldCrypto | None = None
    #: the drop index's HMAC key (:mod:`joinedup.linkage.drop_index`), read on first use;
    #: without it linkage keeps no index and every drop takes the full path
    linkage_key: Callable[[], bytes] | None = None


@dataclass(frozen=True)
class Saved(Generic[T]):
    """A saved thing and the findings of the check of the text a person typed for it
    (warned, never refused: the thing is saved as written)."""

    saved: T
    language: list[TextFinding]


class UncheckedText(JoinedupError, RuntimeError):
    """A person's session wrote typed text that did not pass :meth:`ActorSession.entered`."""


class NoFieldCrypto(JoinedupError, RuntimeError):
    """An encrypted column was written through a door opened without the keyring."""


def values_at(value: Any, path: str) -> list[Any]:
    """The values at ``path`` inside a column value: ``a.b`` walks mappings, ``a[]`` each
    item of a list (``answers[].note``: the note of every answer). Missing parts give none."""
    found = [value]
    for step in path.split("."):
        each = step.endswith("[]")
        name = step[:-2] if each else step
        found = [v.get(name) for v in found if isinstance(v, dict)] if name else found
        if each:
            found = [item for v in found if isinstance(v, list) for item in v]
    return [v for v in found if v is not None]


def replace_at(row: dict[str, Any], path: str, change: Callable[[Any], Any]) -> None:
    """Replace, in ``row``, each value at ``path`` (as :func:`values_at` finds them) by
    ``change(value)``; mappings and lists along the path are copied, never changed in place
    (a caller's objects stay as they were). Missing parts and None values are left."""
    steps = path.split(".")
    column = steps[0].removesuffix("[]")
    if column in row:
        row[column] = _replaced({column: row[column]}, steps, change)[column]


def _replaced(value: Any, steps: list[str], change: Callable[[Any], Any]) -> Any:
    if not steps:
        return None if value is None else change(value)
    step, rest = steps[0], steps[1:]
    each = step.endswith("[]")
    name = step[:-2] if each else step
    if name:
        if not isinstance(value, dict) or value.get(name) is None:
            return value
        inner = value[name]
        if each and isinstance(inner, list):
            inner = [_replaced(i, rest, change) for i in inner]
        elif not each:
            inner = _replaced(inner, rest, change)
        return {**value, name: inner}
    return value
