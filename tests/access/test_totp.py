"""The second factor's codes (RFC 6238): valid, ±1 step, replay refused, wrong refused."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.access import totp
from joinedup.access.crypto import DecryptionError, FieldCipher
from joinedup.access.keys import Keyring

NOW = datetime(2026, 12, 7, 9, 0, 10, tzinfo=UTC)


def _at(secret: str, seconds: int) -> str:
    return totp.code_at(secret, NOW + timedelta(seconds=seconds))


def test_the_current_code_is_accepted_and_names_its_step() -> None:
    secret = totp.new_secret()
    assert totp.accepted_step(secret, _at(secret, 0), NOW, None) == totp.step_of(NOW)
    # pyotp agrees on what the code is
    assert pyotp.TOTP(secret).verify(_at(secret, 0), for_time=NOW)


def test_one_step_either_side_is_accepted_two_are_not() -> None:
    secret = totp.new_secret()
    step = totp.step_of(NOW)
    assert totp.accepted_step(secret, _at(secret, -30), NOW, None) == step - 1
    assert totp.accepted_step(secret, _at(secret, 30), NOW, None) == step + 1
    for far in (-60, 60, -3600):
        code = _at(secret, far)
        if code not in {_at(secret, s) for s in (-30, 0, 30)}:  # a rare collision
            assert totp.accepted_step(secret, code, NOW, None) is None


def test_a_code_is_refused_a_second_time_and_so_is_an_older_one() -> None:
    secret = totp.new_secret()
    step = totp.accepted_step(secret, _at(secret, 0), NOW, None)
    assert step is not None
    assert totp.accepted_step(secret, _at(secret, 0), NOW + timedelta(seconds=5), step) is None
    assert totp.accepted_step(secret, _at(secret, -30), NOW, step) is None
    assert totp.accepted_step(secret, _at(secret, 30), NOW, step) == step + 1


@given(st.text(alphabet="0123456789 ", max_size=8))
def test_a_wrong_code_is_refused(code: str) -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    valid = {_at(secret, s) for s in (-30, 0, 30)}
    if code.replace(" ", "") not in valid:
        assert totp.accepted_step(secret, code, NOW, None) is None


def test_a_code_typed_with_spaces_is_accepted() -> None:
    secret = totp.new_secret()
    code = _at(secret, 0)
    assert totp.accepted_step(secret, f" {code[:3]} {code[3:]} ", NOW, None) is not None


def test_provisioning_uri_and_qr() -> None:
    secret = totp.new_secret()
    uri = totp.provisioning_uri(secret, "sw.one")
    assert uri.startswith("otpauth://totp/joinedup:sw.one?") and f"secret={secret}" in uri
    svg = totp.qr_svg(uri)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "</svg>" in svg
    assert len(secret) == 32 and pyotp.TOTP(secret).now().isdigit()


def test_a_sealed_secret_opens_only_for_its_user() -> None:
    cipher = FieldCipher(Keyring(active="k1", keys={"k1": secrets.token_bytes(32)}))
    secret = totp.new_secret()
    sealed = totp.seal(cipher, secret, "user-1")
    assert secret not in sealed
    assert totp.unseal(cipher, sealed, "user-1") == secret
    with pytest.raises(DecryptionError):
        totp.unseal(cipher, sealed, "user-2")


def test_a_code_in_any_characters_is_refused_not_an_error() -> None:
    secret = totp.new_secret()
    for code in ("\uff11\uff12\uff13\uff14\uff15\uff16", "\u00e412345", "\U0001f4a5", ""):
        assert totp.accepted_step(secret, code, NOW, None) is None
    assert totp.accepted_step(secret, totp.code_at(secret, NOW), NOW, None) is not None
