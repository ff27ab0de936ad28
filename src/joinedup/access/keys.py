"""Keys held outside the database: the audit HMAC key and the field-encryption keyring.

Keys come from the environment (``JOINEDUP_AUDIT_KEY``, ``JOINEDUP_FIELD_KEYS``) or from files
under ``JOINEDUP_HOME/keys`` (files 0600, folder 0700). In dev mode missing key files are
generated; in production (``JOINEDUP_ENV=production``) a missing key is an error, so the
platform never runs on a default secret, and a key file or folder that other users could read
or replace is refused.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from joinedup.common.errors import JoinedupError
from joinedup.common.files import DIR_MODE, LooseModeError, require_private, write_private

AUDIT_KEY_BYTES = 32
FIELD_KEY_BYTES = 32  # AES-256


class KeyMaterialError(JoinedupError, RuntimeError):
    """A key is missing, malformed or too short."""


@dataclass(frozen=True)
class Keyring:
    """Field-encryption keys by id; ``active`` encrypts, every key decrypts."""

    active: str
    keys: dict[str, bytes]

    def key(self, key_id: str) -> bytes:
        """The key with ``key_id``; raises if unknown (e.g. retired and removed)."""
        try:
            return self.keys[key_id]
        except KeyError as exc:
            raise KeyMaterialError(f"field key {key_id!r} is not in the keyring") from exc

    def to_json(self) -> str:
        """Serialise for the key file."""
        return json.dumps(
            {"active": self.active, "keys": {k: v.hex() for k, v in sorted(self.keys.items())}},
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str, *, where: str) -> Keyring:
        """Parse a keyring document; errors name ``where``."""
        try:
            raw = json.loads(text)
            keys = {str(k): bytes.fromhex(v) for k, v in raw["keys"].items()}
            active = str(raw["active"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise KeyMaterialError(f"{where}: not a valid keyring ({exc})") from exc
        if active not in keys:
            raise KeyMaterialError(f"{where}: active key {active!r} is not in the keyring")
        short = [k for k, v in keys.items() if len(v) != FIELD_KEY_BYTES]
        if short:
            raise KeyMaterialError(f"{where}: keys {short} are not {FIELD_KEY_BYTES} bytes")
        return cls(active=active, keys=keys)

    def rotated(self) -> Keyring:
        """A new keyring with a fresh active key; old keys are kept for decryption."""
        new_id = f"k{len(self.keys) + 1}-{secrets.token_hex(2)}"
        return Keyring(active=new_id, keys={**self.keys, new_id: secrets.token_bytes(32)})


def _write_secret(path: Path, text: str) -> None:
    write_private(path, text)


def _production(env: dict[str, str]) -> bool:
    return env.get("JOINEDUP_ENV", "").strip().lower() == "production"


def _read_key_file(path: Path, env: dict[str, str]) -> str:
    """A key file's text; in production only if no other user can read or replace it."""
    if _production(env):
        try:
            require_private(path.parent, DIR_MODE)
            require_private(path)
        except LooseModeError as exc:
            raise KeyMaterialError(f"refusing a key that is not private: {exc}") from exc
    return path.read_text(encoding="utf-8")


def audit_key_path(home: Path) -> Path:
    """Where the audit HMAC key file lives."""
    return home / "keys" / "audit.key"


def linkage_key_path(home: Path) -> Path:
    """Where the drop index's HMAC key file lives (keyed hashes of linkage values)."""
    return home / "keys" / "linkage-index.key"


def load_linkage_key(home: Path, *, create: bool, env: dict[str, str] | None = None) -> bytes:
    """The drop index's HMAC key from ``JOINEDUP_LINKAGE_KEY`` or its key file (created if
    allowed: dev mode). Kept apart from the audit key: the index's hashes of names, dates of
    birth and postcodes must not be recomputable by whoever holds only the audit key, and
    replacing this key only costs the next full linkage run rebuilding the index."""
    return _hmac_key(
        linkage_key_path(home),
        "JOINEDUP_LINKAGE_KEY",
        "linkage index key not found: set JOINEDUP_LINKAGE_KEY or create {path}",
        create=create,
        env=env,
    )


def field_keyring_path(home: Path) -> Path:
    """Where the field-encryption keyring lives."""
    return home / "keys" / "field-keys.json"


def load_audit_key(home: Path, *, create: bool, env: dict[str, str] | None = None) -> bytes:
    """The audit HMAC key from ``JOINEDUP_AUDIT_KEY`` or the key file (created if allowed)."""
    return _hmac_key(
        audit_key_path(home),
        "JOINEDUP_AUDIT_KEY",
        "audit key not found: set JOINEDUP_AUDIT_KEY or create {path} "
        "(joinedup init does so in dev mode)",
        create=create,
        env=env,
    )


def _hmac_key(
    path: Path, variable: str, missing: str, *, create: bool, env: dict[str, str] | None
) -> bytes:
    """An HMAC key from the environment variable, else its key file (created if allowed:
    dev mode; ``missing`` with ``{path}`` is the error when it is not)."""
    env = dict(os.environ if env is None else env)
    if env.get(variable):
        return _parse_audit_key(env[variable], where=variable)
    if not path.exists():
        if not create:
            raise KeyMaterialError(missing.format(path=path))
        _write_secret(path, secrets.token_hex(AUDIT_KEY_BYTES) + "\n")
    return _parse_audit_key(_read_key_file(path, env), where=str(path))


def _parse_audit_key(text: str, *, where: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError as exc:
        raise KeyMaterialError(f"{where}: audit key must be hex") from exc
    if len(key) < AUDIT_KEY_BYTES:
        raise KeyMaterialError(f"{where}: audit key must be at least {AUDIT_KEY_BYTES} bytes")
    return key


def load_keyring(home: Path, *, create: bool, env: dict[str, str] | None = None) -> Keyring:
    """The field keyring from ``JOINEDUP_FIELD_KEYS`` or the key file (created if allowed)."""
    env = dict(os.environ if env is None else env)
    if env.get("JOINEDUP_FIELD_KEYS"):
        return Keyring.from_json(env["JOINEDUP_FIELD_KEYS"], where="JOINEDUP_FIELD_KEYS")
    path = field_keyring_path(home)
    if not path.exists():
        if not create:
            raise KeyMaterialError(
                f"field keyring not found: set JOINEDUP_FIELD_KEYS or create {path}"
            )
        key_id = f"k1-{secrets.token_hex(2)}"
        ring = Keyring(active=key_id, keys={key_id: secrets.token_bytes(FIELD_KEY_BYTES)})
        _write_secret(path, ring.to_json())
    return Keyring.from_json(_read_key_file(path, env), where=str(path))
