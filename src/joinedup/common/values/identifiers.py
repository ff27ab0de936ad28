"""Identifiers with check digits: NHS number, unique pupil number (UPN), PNC id."""

from __future__ import annotations

import re
from operator import mul

from joinedup.common.values import BadValue

_UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
_PNC = re.compile(r"^([0-9]{2,4})/([0-9]{1,7})([A-Z])$")
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the 23 check letters (no I, O, S)
_SEPARATORS = re.compile(r"[\s\-]")
_SPACE = re.compile(r"\s")
_TEN_DIGITS = re.compile(r"[0-9]{10}")
_NHS_WEIGHTS = range(10, 1, -1)
_UPN_VALUE = {**{d: int(d) for d in "0123456789"}, **{c: i for i, c in enumerate(_UPN_LETTERS)}}


def clean_nhs_number(value: str) -> str:
    """A 10-digit NHS number with a valid modulus-11 check digit (spaces allowed)."""
    digits = _SEPARATORS.sub("", value)
    if not _TEN_DIGITS.fullmatch(digits):
        raise BadValue("bad_nhs_number", "NHS number must be 10 digits")
    total = sum(map(mul, map(int, digits[:9]), _NHS_WEIGHTS))
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
    upn = _SPACE.sub("", value).upper()
    if not _UPN.match(upn) or any(c in "IOS" for c in upn[12:]):
        raise BadValue("bad_upn", "UPN must be a letter, 11 digits and a digit or letter")
    total = sum(map(mul, map(_UPN_VALUE.__getitem__, upn[1:]), range(2, 14)))
    if _UPN_LETTERS[total % 23] != upn[0]:  # upn_check_letter, for a checked ASCII body
        raise BadValue("bad_upn", "UPN check letter is wrong")
    return upn


def clean_pnc_id(value: str) -> str:
    """A Police National Computer id such as ``09/123456X``."""
    text = value.strip().upper()
    if not _PNC.match(text):
        raise BadValue("bad_pnc_id", "PNC id must look like YY/NNNNNNL")
    return text
