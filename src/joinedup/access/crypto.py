"""AES-256-GCM encryption of sensitive free-text fields.

The associated data binds a ciphertext to its table, column, row id and key id, so a value
copied into another row or column fails to decrypt. Tokens are ASCII:
``v1:<key id>:<base64url nonce+ciphertext>``.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from joinedup.access.keys import Keyring
from joinedup.common.errors import JoinedupError

PREFIX = "v1"


class DecryptionError(JoinedupError, ValueError):
    """A token is malformed, was moved to another field, or its key is unknown."""


def _aad(table: str, column: str, row_id: str, key_id: str) -> bytes:
    return "\x1f".join((PREFIX, table, column, row_id, key_id)).encode("utf-8")


class FieldCipher:
    """Encrypts and decrypts field values with a :class:`Keyring`."""

    def __init__(self, keyring: Keyring) -> None:
        self._ring = keyring
        self._aeads: dict[str, AESGCM] = {}

    def _aead(self, key_id: str) -> AESGCM:
        aead = self._aeads.get(key_id)
        if aead is None:
            aead = self._aeads[key_id] = AESGCM(self._ring.key(key_id))
        return aead

    def encrypt(self, plaintext: str, *, table: str, column: str, row_id: str) -> str:
        """Encrypt ``plaintext`` for one field of one row."""
        key_id = self._ring.active
        nonce = secrets.token_bytes(12)
        sealed = self._aead(key_id).encrypt(
            nonce, plaintext.encode("utf-8"), _aad(table, column, row_id, key_id)
        )
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
        return f"{PREFIX}:{key_id}:{body}"

    def decrypt(self, token: str, *, table: str, column: str, row_id: str) -> str:
        """Decrypt a token written by :meth:`encrypt` for the same field of the same row."""
        try:
            prefix, key_id, body = token.split(":", 2)
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
        except (ValueError, UnicodeEncodeError) as exc:
            raise DecryptionError("not an encrypted field token") from exc
        if prefix != PREFIX or len(raw) < 12 + 16:
            raise DecryptionError("not an encrypted field token")
        try:
            plain = self._aead(key_id).decrypt(
                raw[:12], raw[12:], _aad(table, column, row_id, key_id)
            )
        except InvalidTag as exc:
            raise DecryptionError(
                f"token does not belong to {table}.{column} of row {row_id} or was altered"
            ) from exc
        return plain.decode("utf-8")

    def key_id_of(self, token: str) -> str:
        """The key id a token was written with (for rotation)."""
        return token.split(":", 2)[1]
