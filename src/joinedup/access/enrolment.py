"""A person enrols their own second factor, after their password, at first sign-in.

An account without a confirmed second factor (new, or reset by an administrator) is given a
*pending* secret: stored encrypted like any TOTP secret, but with ``enrolled_at`` empty, so it
signs nobody in. Shown once as a QR code and as text, it is confirmed by the first code the
person's authenticator shows; only then is it the account's second factor. Both steps are audit
rows of the user (purpose ``authentication``).
"""

from __future__ import annotations

from joinedup.access import totp
from joinedup.access.accounts import Enrolment
from joinedup.access.crypto import DecryptionError, FieldCipher
from joinedup.common.errors import InputError
from joinedup.store.identity import IdentityTx, who
from joinedup.store.tables.admin import UserRow


class AlreadyEnrolled(InputError):
    """The account already has a confirmed second factor."""


def pending(tx: IdentityTx, cipher: FieldCipher, user: UserRow) -> Enrolment:
    """The account's pending enrolment: the one already made (so a reload shows the same QR
    code), else a fresh secret. Refused for an account that is enrolled or a service."""
    if user.is_service:
        raise AlreadyEnrolled("a service account has no second factor")
    credential = tx.credential(user.id, create=True)
    assert credential is not None
    if credential.totp_secret is not None and credential.enrolled_at is not None:
        raise AlreadyEnrolled(f"{user.username!r} already has a second factor")
    secret = None
    if credential.totp_secret is not None:
        try:
            secret = totp.unseal(cipher, credential.totp_secret, user.id)
        except DecryptionError:
            secret = None
    if secret is None:
        secret = totp.new_secret()
        credential.totp_secret = totp.seal(cipher, secret, user.id)
        credential.totp_last_step = None
        tx.orm.flush()
        detail = {"what": "second factor", "state": "pending"}
        tx.log(who(user), "collection", "enrol", "user", [user.id], detail=detail)
    return Enrolment(user.username, secret, totp.provisioning_uri(secret, user.username))


def confirm(tx: IdentityTx, cipher: FieldCipher, user: UserRow, code: str) -> bool:
    """Confirm the pending enrolment with a code from it: True when it is now the account's
    second factor; False (nothing changed) when the code is wrong or nothing is pending."""
    credential = tx.credential(user.id)
    if credential is None or credential.totp_secret is None or credential.enrolled_at:
        return False
    try:
        secret = totp.unseal(cipher, credential.totp_secret, user.id)
    except DecryptionError:
        return False
    step = totp.accepted_step(secret, code, tx.now, None)
    if step is None:
        return False
    credential.totp_last_step = step  # the confirming code cannot sign in again
    credential.enrolled_at = tx.now
    tx.orm.flush()
    detail = {"what": "second factor", "state": "confirmed"}
    tx.log(who(user), "alteration", "enrol", "user", [user.id], detail=detail)
    return True
