"""Composition root: settings -> engine, keys and the door, for the CLI and the web app."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine

from joinedup.access.crypto import FieldCipher
from joinedup.access.keys import load_audit_key, load_keyring
from joinedup.settings import Settings
from joinedup.store.door import Door
from joinedup.store.engine import make_engine
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
        """The one door onto the store."""
        return Door(
            self.engine,
            self.audit_key,
            self.settings.home / "checkpoints",
            sink=sink_from(self.settings.audit_syslog),
        )
