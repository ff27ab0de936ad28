"""Password hashing with argon2id (OWASP parameters via argon2-cffi's defaults)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from joinedup.common.errors import JoinedupError

_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile

MIN_LENGTH = 12


class WeakPasswordError(JoinedupError, ValueError):
    """A password does not meet the minimum policy."""


def hash_password(password: str) -> str:
    """Hash ``password`` with argon2id after checking the minimum length."""
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"password must be at least {MIN_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``."""
    try:
        return bool(_HASHER.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return bool(_HASHER.check_needs_rehash(password_hash))
