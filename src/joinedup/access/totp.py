"""The second factor: time-based one-time passwords (RFC 6238, ``pyotp``).

Six digits, 30-second steps, SHA-1 (what every authenticator app reads from the provisioning
URI). A code is accepted for the current step and one step either side (clock drift), and only
for a step later than the last one accepted, so a code cannot be used twice. Secrets are
stored encrypted with the field keyring, bound to ``credential.totp_secret`` of their user.
"""

from __future__ import annotations

import hmac
import io
from datetime import datetime

import pyotp
import segno

from joinedup.access.crypto import FieldCipher

ISSUER = "joinedup"
DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1
SECRET_CHARS = 32  # base32: 160 bits, the RFC 4226 recommendation
# dev mode only (JOINEDUP_ENV=dev): the demo accounts may share this known secret so a
# demonstration can sign in with any authenticator; refused in production
DEV_SECRET = "JOINEDUPDEVONLYKNOWNSECRETAAAAAA"  # noqa: S105 (documented, dev only)


def new_secret() -> str:
    """A fresh random base32 secret."""
    return pyotp.random_base32(SECRET_CHARS)


def provisioning_uri(secret: str, username: str, issuer: str = ISSUER) -> str:
    """The ``otpauth://`` URI an authenticator app enrols from."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=username, issuer_name=issuer
    )


def qr_svg(uri: str) -> str:
    """The provisioning URI as a QR code in SVG."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=4, title="joinedup enrolment")
    return buffer.getvalue().decode("utf-8")


def qr_data_uri(uri: str) -> str:
    """The provisioning URI as a QR code in an SVG ``data:`` URI, for an ``<img>`` on a page
    (no script, no request to anyone: the page's Content-Security-Policy allows ``data:``
    images)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, title="enrolment QR code"))


def code_at(secret: str, at: datetime) -> str:
    """The code for the step holding ``at`` (tests, and the dev demonstration)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(at)


def step_of(at: datetime) -> int:
    """The time step holding ``at``."""
    return int(at.timestamp()) // STEP_SECONDS


def accepted_step(secret: str, code: str, at: datetime, last_step: int | None) -> int | None:
    """The step ``code`` belongs to when it is valid at ``at`` (±1 step) and later than
    ``last_step``; None otherwise. Every candidate is compared, in constant time."""
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    given = code.strip().replace(" ", "").encode("utf-8")  # bytes: any text compares
    now = step_of(at)
    found: int | None = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        match = hmac.compare_digest(totp.generate_otp(step).encode("ascii"), given)
        if match and found is None:
            found = step
    if found is None or (last_step is not None and found <= last_step):
        return None
    return found


def seal(cipher: FieldCipher, secret: str, user_id: str) -> str:
    """Encrypt a secret for ``credential.totp_secret`` of ``user_id``."""
    return cipher.encrypt(secret, table="credential", column="totp_secret", row_id=user_id)


def unseal(cipher: FieldCipher, token: str, user_id: str) -> str:
    """Decrypt what :func:`seal` wrote for the same user."""
    return cipher.decrypt(token, table="credential", column="totp_secret", row_id=user_id)
