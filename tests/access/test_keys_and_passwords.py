"""Keys live outside the database; production refuses to invent them; argon2id passwords."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from joinedup.access.keys import (
    KeyMaterialError,
    Keyring,
    audit_key_path,
    field_keyring_path,
    load_audit_key,
    load_keyring,
)
from joinedup.access.passwords import WeakPasswordError, hash_password, verify_password


def test_dev_mode_creates_private_key_files(tmp_path: Path) -> None:
    key = load_audit_key(tmp_path, create=True, env={})
    assert len(key) == 32
    mode = stat.S_IMODE(audit_key_path(tmp_path).stat().st_mode)
    assert mode == 0o600
    assert load_audit_key(tmp_path, create=False, env={}) == key
    ring = load_keyring(tmp_path, create=True, env={})
    assert load_keyring(tmp_path, create=False, env={}) == ring


def test_missing_keys_are_an_error_when_creation_is_not_allowed(tmp_path: Path) -> None:
    with pytest.raises(KeyMaterialError, match="JOINEDUP_AUDIT_KEY"):
        load_audit_key(tmp_path, create=False, env={})
    with pytest.raises(KeyMaterialError, match="JOINEDUP_FIELD_KEYS"):
        load_keyring(tmp_path, create=False, env={})


def test_environment_keys_win_and_are_checked(tmp_path: Path) -> None:
    assert (
        load_audit_key(tmp_path, create=False, env={"JOINEDUP_AUDIT_KEY": "ab" * 32})
        == b"\xab" * 32
    )
    with pytest.raises(KeyMaterialError, match="at least 32 bytes"):
        load_audit_key(tmp_path, create=False, env={"JOINEDUP_AUDIT_KEY": "abcd"})
    with pytest.raises(KeyMaterialError, match="hex"):
        load_audit_key(tmp_path, create=False, env={"JOINEDUP_AUDIT_KEY": "zz" * 32})
    with pytest.raises(KeyMaterialError, match="active key"):
        Keyring.from_json('{"active": "k2", "keys": {"k1": "' + "00" * 32 + '"}}', where="env")


def test_passwords_are_argon2id_and_verified() -> None:
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "wrong horse battery")
    assert not verify_password("not a hash", "x")
    with pytest.raises(WeakPasswordError):
        hash_password("short")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_key_files_and_their_folders_are_created_private_whatever_the_umask(
    tmp_path: Path,
) -> None:
    old = os.umask(0o022)
    try:
        home = tmp_path / "home"
        load_audit_key(home, create=True, env={})
        load_keyring(home, create=True, env={})
    finally:
        os.umask(old)
    assert _mode(home / "keys") == 0o700 and _mode(home) == 0o700
    assert _mode(audit_key_path(home)) == 0o600
    assert _mode(field_keyring_path(home)) == 0o600


@pytest.mark.parametrize("which", ["audit", "field"])
def test_production_refuses_a_key_file_others_can_read(tmp_path: Path, which: str) -> None:
    load_audit_key(tmp_path, create=True, env={})
    load_keyring(tmp_path, create=True, env={})
    path = audit_key_path(tmp_path) if which == "audit" else field_keyring_path(tmp_path)
    path.chmod(0o644)
    production = {"JOINEDUP_ENV": "production"}
    load = load_audit_key if which == "audit" else load_keyring
    with pytest.raises(KeyMaterialError, match=r"mode 0644.*chmod 600"):
        load(tmp_path, create=False, env=production)
    load(tmp_path, create=False, env={})  # dev keeps working
    path.chmod(0o600)
    (tmp_path / "keys").chmod(0o755)
    with pytest.raises(KeyMaterialError, match="keys has mode 0755"):
        load(tmp_path, create=False, env=production)
    (tmp_path / "keys").chmod(0o700)
    load(tmp_path, create=False, env=production)
