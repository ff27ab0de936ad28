"""Composition root: settings -> engine, keys and the door, for the CLI and the web app."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine

from joinedup.access.crypto import FieldCipher
from joinedup.access.keys import load_audit_key, load_keyring
from joinedup.safeguarding.entry import check_entry
from joinedup.settings import Settings
from joinedup.store.door import Door
from joinedup.store.engine import make_engine
from joinedup.store.hooks import SessionHooks
from joinedup.store.sink import sink_from


@dataclass
class Runtime:
    """Everything a command needs, built lazily from :class:`Settings`."""

    settings: Settings
    create_keys: bool = False

    @cached_property
    def engine(self) -> Engine:
        """The store's engine."""
        return make_engine(self.settings.database_url)

    @cached_property
    def audit_key(self) -> bytes:
        """The audit HMAC key (created only by ``init`` in dev mode)."""
        return load_audit_key(
            self.settings.home, create=self.create_keys and self.settings.dev_mode
        )

    @cached_property
    def cipher(self) -> FieldCipher:
        """Field encryption with the current keyring."""
        ring = load_keyring(self.settings.home, create=self.create_keys and self.settings.dev_mode)
        return FieldCipher(ring)

    @cached_property
    def door(self) -> Door:
        """The one door onto the store, with the check of typed text and the field cipher
        (the keyring is read when a session first encrypts or decrypts)."""
        return Door(
            self.engine,
            self.audit_key,
            self.settings.home / "checkpoints",
            sink=sink_from(self.settings.audit_syslog),
            hooks=SessionHooks(check_text=check_entry, field_crypto=_Deferred(self)),
        )


class _Deferred:
    """The runtime's field cipher, built on first use (commands that never touch an
    encrypted field do not need the keyring)."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def encrypt(self, plaintext: str, *, table: str, column: str, row_id: str) -> str:
        """See :meth:`FieldCipher.encrypt`."""
        return self._runtime.cipher.encrypt(plaintext, table=table, column=column, row_id=row_id)

    def decrypt(self, token: str, *, table: str, column: str, row_id: str) -> str:
        """See :meth:`FieldCipher.decrypt`."""
        return self._runtime.cipher.decrypt(token, table=table, column=column, row_id=row_id)
