"""Composition root: settings -> engine, keys and the door, for the CLI and the web app."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine

from joinedup.access.crypto import FieldCipher
from joinedup.access.keys import load_audit_key, load_keyring, load_linkage_key
from joinedup.safeguarding.entry import check_entry
from joinedup.settings import Settings
from joinedup.store.door import Door
from joinedup.store.engine import make_engine
from joinedup.store.hooks import SessionHooks
from joinedup.store.sink import sink_from

_ENGINES: OrderedDict[str, Engine] = OrderedDict()
_ENGINES_LOCK = threading.Lock()
KEPT_ENGINES = 4


def shared_engine(url: str) -> Engine:
    """The engine of ``url``, shared by every use case of this process, so that its
    connections are pooled once (a web server's requests, the steps of a command) rather than
    one pool per step; the least recently used beyond :data:`KEPT_ENGINES` are disposed."""
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _ENGINES[url] = make_engine(url)
        _ENGINES.move_to_end(url)
        while len(_ENGINES) > KEPT_ENGINES:
            _, old = _ENGINES.popitem(last=False)
            old.dispose()
        return engine


def dispose_engines() -> None:
    """Close every shared engine's connections and forget them (a process that ran commands
    against databases it will drop, such as a test run)."""
    with _ENGINES_LOCK:
        while _ENGINES:
            _, engine = _ENGINES.popitem()
            engine.dispose()


@dataclass
class Runtime:
    """Everything a command needs, built lazily from :class:`Settings`."""

    settings: Settings
    create_keys: bool = False

    @cached_property
    def engine(self) -> Engine:
        """The store's engine (one per database per process: see :func:`shared_engine`)."""
        return shared_engine(self.settings.database_url)

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
    def linkage_key(self) -> bytes:
        """The drop index's HMAC key (created on first use in dev mode only)."""
        return load_linkage_key(self.settings.home, create=self.settings.dev_mode)

    @cached_property
    def door(self) -> Door:
        """The one door onto the store, with the check of typed text and the field cipher
        (the keyring is read when a session first encrypts or decrypts)."""
        return Door(
            self.engine,
            self.audit_key,
            self.settings.home / "checkpoints",
            sink=sink_from(self.settings.audit_syslog),
            hooks=SessionHooks(
                check_text=check_entry,
                field_crypto=_Deferred(self),
                linkage_key=lambda: self.linkage_key,
            ),
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
