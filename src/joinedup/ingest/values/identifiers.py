"""Identifiers with check digits: NHS number, unique pupil number (UPN), PNC id."""

from __future__ import annotations

import re

from joinedup.ingest.values import BadValue

_UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
_PNC = re.compile(r"^([0-9]{2,4})/([0-9]{1,7})([A-Z])$")
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the 23 check letters (no I, O, S)


def clean_nhs_number(value: str) -> str:
    """A 10-digit NHS number with a valid modulus-11 check digit (spaces allowed)."""
    digits = re.sub(r"[\s\-]", "", value)
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise BadValue("bad_nhs_number", "NHS number must be 10 digits")
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        raise BadValue("bad_nhs_number", "NHS number check digit is wrong")
    return digits


def upn_check_letter(body: str) -> str:
    """The DfE check letter for the 12 characters after it."""
    total = sum(
        (int(c) if c.isdigit() else _UPN_LETTERS.index(c)) * w
        for c, w in zip(body, range(2, 14), strict=True)
    )
    return _UPN_LETTERS[total % 23]


def clean_upn(value: str) -> str:
    """A 13-character unique pupil number whose check letter (first) is right."""
    upn = re.sub(r"\s", "", value).upper()
    if not _UPN.match(upn) or any(c in "IOS" for c in upn[12:]):
        raise BadValue("bad_upn", "UPN must be a letter, 11 digits and a digit or letter")
    if upn_check_letter(upn[1:]) != upn[0]:
        raise BadValue("bad_upn", "UPN check letter is wrong")
    return upn


def clean_pnc_id(value: str) -> str:
    """A Police National Computer id such as ``09/123456X``."""
    text = value.strip().upper()
    if not _PNC.match(text):
        raise BadValue("bad_pnc_id", "PNC id must look like YY/NNNNNNL")
    return text
