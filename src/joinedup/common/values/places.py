"""UK postcodes and vehicle registration marks."""

from __future__ import annotations

import re

from joinedup.common.values import BadValue

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_VRM = re.compile(r"^[A-Z0-9]{2,7}$")
_CURRENT_VRM = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z]{3}$")
_POSTCODE_GAPS = re.compile(r"[\s\-]")
_VRM_GAPS = re.compile(r"[\s\-.]")


def clean_postcode(value: str) -> str:
    """``s60 1ab``, ``S601AB``, ``S60  1AB`` -> ``S60 1AB``."""
    compact = _POSTCODE_GAPS.sub("", value).upper()
    if not compact:
        raise BadValue("empty", "postcode is empty")
    match = _POSTCODE.match(compact)
    if not match:
        raise BadValue("bad_postcode", "not a UK postcode")
    return f"{match.group(1)} {match.group(2)}"


def clean_vrm(value: str) -> str:
    """A vehicle registration mark without spaces or punctuation, upper case (``AB12CDE``)."""
    compact = _VRM_GAPS.sub("", value).upper()
    if not compact:
        raise BadValue("empty", "registration mark is empty")
    if not _VRM.match(compact):
        raise BadValue("bad_vrm", "not a UK vehicle registration mark")
    return compact


def is_current_format_vrm(vrm: str) -> bool:
    """True for the post-2001 format (two letters, two digits, three letters)."""
    return bool(_CURRENT_VRM.match(vrm))
