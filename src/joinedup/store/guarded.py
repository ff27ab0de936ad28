"""What a session does with typed text and encrypted fields (mixed into the session).

Typed text passes :meth:`TypedTextAndFields.entered` (the language check installed in the
door) before a person's session may commit it; the kinds' encrypted columns are encrypted on
write and decrypted on read with the installed field cipher (:mod:`joinedup.store.hooks`).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import orjson

from joinedup.model.access import Actor
from joinedup.store.hooks import (
    FieldCrypto,
    NoFieldCrypto,
    SessionHooks,
    TextFinding,
    UncheckedText,
    replace_at,
    values_at,
)
from joinedup.store.kinds import Kind

if TYPE_CHECKING:
    from joinedup.store.actor_session import ActorSession


class TypedTextAndFields:
    """Typed text checked once; encrypted columns handled by the session."""

    actor: Actor
    is_service: bool
    _hooks: SessionHooks
    _entered: builtins.set[str]
    _typed: builtins.list[tuple[str, str, str, str]]

    def entered(
        self,
        text: str | None,
        *,
        where: str,
        subject_type: str,
        subject_id: str,
        field: str | None = None,
        agency_id: str | None = None,
        child_age: int | None = None,
    ) -> builtins.list[TextFinding]:
        """The one entry point of text a person typed: checked for language that blames or
        judges a child (each finding recorded, never refused) and marked as checked, so the
        session may save it in a typed-text column. ``where`` names the place, ``field`` the
        part of it; the subject is what the text is kept with; ``agency_id`` holds the
        findings for another agency (where the role may); ``child_age`` sharpens wording."""
        if text is None or not text.strip():
            return []
        check = self._hooks.check_text
        if check is None:
            raise UncheckedText(
                "no check of typed text is installed in this door (the composition root "
                "installs it: joinedup.runtime)"
            )
        found = builtins.list(
            check(
                cast("ActorSession", self),  # mixed into the session only
                text,
                where=where,
                subject_type=subject_type,
                subject_id=subject_id,
                field=field,
                agency_id=agency_id,
                child_age=child_age,
            )
        )
        self._entered.add(text.strip())
        return found

    def _passed(self, value: str) -> bool:
        """Whether a typed value is checked text: as entered, composed around it (a history
        line holding it) or cut short to fit its column."""
        value = value.strip()
        return not value or any(
            value == text or text in value or text.startswith(value) for text in self._entered
        )

    def _note_typed(
        self,
        kind: Kind,
        rows: Iterable[Mapping[str, Any]],
        columns: Any,
        before: Mapping[str, Any] | None = None,
    ) -> None:
        """Remember the typed text these rows write (a person's sessions only); for an
        update, values the row held ``before`` (an earlier step of a history) are not new."""
        if self.is_service or not kind.typed_text:
            return
        paths = [p for p in kind.typed_text if p.split(".")[0].removesuffix("[]") in columns]
        for row in rows:
            for path in paths:
                held = {v for v in values_at(before or {}, path) if isinstance(v, str)}
                for value in values_at(row, path):
                    if isinstance(value, str) and value.strip() and value not in held:
                        self._typed.append((kind.name, str(row["id"]), path, value))

    def check_typed_text(self) -> None:
        """Raise :class:`UncheckedText` if this session wrote typed text that did not pass
        :meth:`entered` (the door calls it before committing)."""
        for kind_name, obj_id, path, value in self._typed:
            if not self._passed(value):
                raise UncheckedText(
                    f"{kind_name}.{path} of {obj_id} holds text typed by "
                    f"{self.actor.username} that was not checked: a write path must pass typed "
                    "text through session.entered() before saving it"
                )

    def field_crypto(self) -> FieldCrypto:
        """The field cipher, for the bulk paths that handle encrypted fields themselves
        (ingest workers encrypting payloads, the assembly decrypting them)."""
        crypto = self._hooks.field_crypto
        if crypto is None:
            raise NoFieldCrypto("this door was opened without the keyring's field cipher")
        return crypto

    def _encrypt(self, kind: Kind, row: dict[str, Any], columns: Iterable[str]) -> None:
        """Encrypt the kind's encrypted columns and JSON paths among ``columns`` in ``row``
        (a path's value is encrypted as its JSON text, so any JSON value can be one)."""
        crypto = None
        changed = {c.split(".")[0].removesuffix("[]") for c in columns}
        table = kind.table.__tablename__
        for path in kind.encrypted_columns:
            column = path.split(".")[0].removesuffix("[]")
            if column not in changed or row.get(column) is None:
                continue
            crypto = crypto or self.field_crypto()
            if path == column:
                row[column] = crypto.encrypt(
                    row[column], table=table, column=column, row_id=row["id"]
                )
                continue

            def sealed(value: Any, path: str = path, seal: FieldCrypto = crypto) -> str:
                text = orjson.dumps(value).decode("utf-8")
                return seal.encrypt(text, table=table, column=path, row_id=row["id"])

            replace_at(row, path, sealed)

    def _decrypted(
        self, kind: Kind, columns: Sequence[str], at: Sequence[int], row: tuple[Any, ...]
    ) -> tuple[Any, ...]:
        """A scanned row with its encrypted columns decrypted (``at``: their positions)."""
        data = {"id": row[0], **{columns[i - 1]: row[i] for i in at}}
        self._decrypt(kind, data)
        values = list(row)
        for i in at:
            values[i] = data[columns[i - 1]]
        return tuple(values)

    def _decrypt(self, kind: Kind, data: dict[str, Any]) -> None:
        """Decrypt the kind's encrypted columns and paths present in ``data``. A value that is
        not a token (written before its field was classified encrypted) is handed out as it
        is; a token moved or altered fails (:class:`DecryptionError`)."""
        crypto = self._hooks.field_crypto
        if crypto is None:  # a door without the keyring hands out the tokens
            return
        table = kind.table.__tablename__
        for path in kind.encrypted_columns:
            column = path.split(".")[0].removesuffix("[]")
            if data.get(column) is None:
                continue
            if path == column:
                if is_token(data[column]):
                    data[column] = crypto.decrypt(
                        data[column], table=table, column=column, row_id=data["id"]
                    )
                continue

            def opened(value: Any, path: str = path) -> Any:
                if not is_token(value):
                    return value
                text = crypto.decrypt(value, table=table, column=path, row_id=data["id"])
                return orjson.loads(text)

            replace_at(data, path, opened)

    @staticmethod
    def _encrypted_positions(kind: Kind, columns: Sequence[str]) -> builtins.list[int]:
        """Positions (from 1: after the id) of scanned columns holding encrypted fields."""
        bases = {p.split(".")[0].removesuffix("[]") for p in kind.encrypted_columns}
        return [i for i, c in enumerate(columns, 1) if c in bases]


def is_token(value: Any) -> bool:
    """Whether ``value`` is a field cipher's token (``v1:<key id>:<body>``)."""
    return isinstance(value, str) and value.startswith("v1:") and value.count(":") >= 2
