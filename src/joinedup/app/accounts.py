"""Use cases of account administration: deactivate, reset password, reset or enrol a second
factor. The acting user must be an administrator; each change is one audit row, and the ones
that lock a person out end every session and token of theirs at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from joinedup.access import accounts, totp
from joinedup.access.accounts import Ended, Enrolment
from joinedup.app.runtime import Runtime
from joinedup.app.signin import identity_path
from joinedup.common.files import write_private

__all__ = [
    "Ended",
    "Enrolment",
    "NewPassword",
    "deactivate_user",
    "enrol_second_factor",
    "reset_password",
    "reset_second_factor",
    "write_enrolment_qr",
]


@dataclass(frozen=True)
class NewPassword:
    """A password made by a reset: shown once to the administrator, who hands it over."""

    username: str
    password: str
    ended: Ended


def deactivate_user(rt: Runtime, actor: str, username: str, reason: str) -> Ended:
    """``actor`` deactivates ``username`` (with a reason): sessions and tokens end now."""
    with identity_path(rt).transaction() as tx:
        admin = accounts.administrator(tx, actor, "users.deactivate")
        return accounts.deactivate(tx, admin, username, reason)


def reset_password(rt: Runtime, actor: str, username: str) -> NewPassword:
    """``actor`` gives ``username`` a new random password; sessions and tokens end now."""
    with identity_path(rt).transaction() as tx:
        admin = accounts.administrator(tx, actor, "users.reset_password")
        password, ended = accounts.reset_password(tx, admin, username)
    return NewPassword(username, password, ended)


def reset_second_factor(rt: Runtime, actor: str, username: str) -> Ended:
    """``actor`` removes ``username``'s second factor (re-enrolment needed to sign in)."""
    with identity_path(rt).transaction() as tx:
        admin = accounts.administrator(tx, actor, "users.reset_second_factor")
        return accounts.reset_second_factor(tx, admin, username)


def enrol_second_factor(
    rt: Runtime, actor: str, username: str, *, known_secret: bool = False
) -> Enrolment:
    """``actor`` enrols a second factor for ``username``. ``known_secret`` uses the documented
    demonstration secret (:data:`joinedup.access.totp.DEV_SECRET`): dev mode only."""
    if known_secret and not rt.settings.dev_mode:
        raise ValueError("the known demonstration secret is refused outside JOINEDUP_ENV=dev")
    with identity_path(rt).transaction() as tx:
        admin = accounts.administrator(tx, actor, "users.enrol_second_factor")
        secret = totp.DEV_SECRET if known_secret else None
        return accounts.enrol(tx, rt.cipher, admin, username, secret)


def write_enrolment_qr(enrolment: Enrolment, path: Path) -> Path:
    """Write the enrolment's QR code (SVG) to ``path``, readable by its owner only (0600)."""
    return write_private(path, totp.qr_svg(enrolment.uri))
