"""Field encryption: AES-256-GCM bound to table, column, row and key id; rotation."""

from __future__ import annotations

import base64
import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.access.crypto import DecryptionError, FieldCipher
from joinedup.access.keys import Keyring

RING = Keyring(active="k1", keys={"k1": secrets.token_bytes(32)})
WHERE = {"table": "source_record", "column": "note", "row_id": "r1"}


@given(st.text(max_size=300))
def test_round_trip(text: str) -> None:
    cipher = FieldCipher(RING)
    token = cipher.encrypt(text, **WHERE)
    assert cipher.decrypt(token, **WHERE) == text


def test_tokens_do_not_reveal_the_plaintext_or_repeat() -> None:
    cipher = FieldCipher(RING)
    a, b = (cipher.encrypt("she was seen getting into a car", **WHERE) for _ in range(2))
    assert a != b and "car" not in a


@pytest.mark.parametrize("moved", [{"row_id": "r2"}, {"column": "summary"}, {"table": "flag"}])
def test_a_token_moved_to_another_field_fails(moved: dict[str, str]) -> None:
    cipher = FieldCipher(RING)
    token = cipher.encrypt("note", **WHERE)
    with pytest.raises(DecryptionError):
        cipher.decrypt(token, **{**WHERE, **moved})


def test_tampered_or_garbage_tokens_fail() -> None:
    cipher = FieldCipher(RING)
    token = cipher.encrypt("note", **WHERE)
    prefix, key_id, body = token.split(":", 2)
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 0x01  # one bit of the tag (editing a base64 character can touch padding only)
    flipped = f"{prefix}:{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode('ascii')}"
    for bad in (flipped, "garbage", "v1:k1:!!!", ""):
        with pytest.raises(DecryptionError):
            cipher.decrypt(bad, **WHERE)


def test_rotation_keeps_old_tokens_readable() -> None:
    old = FieldCipher(RING).encrypt("note", **WHERE)
    rotated = RING.rotated()
    cipher = FieldCipher(rotated)
    new = cipher.encrypt("note", **WHERE)
    assert cipher.key_id_of(new) == rotated.active != "k1"
    assert cipher.decrypt(old, **WHERE) == cipher.decrypt(new, **WHERE) == "note"
