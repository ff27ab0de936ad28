"""Free text and names: Unicode normalisation, control characters, whitespace."""

from __future__ import annotations

import re
import unicodedata

from joinedup.common.values import BadValue

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
FORMULA_PATTERN = r"[\t\r ]*(?:=|@[A-Za-z]|[+\-][^0-9\s\x1f]*[(|!])"
_FORMULA = re.compile("^" + FORMULA_PATTERN)
_NAME_OK = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '\-.’])*$")


def clean_text(value: str) -> str:
    """NFC-normalise, drop control characters (keeping newlines and tabs), trim."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()


def looks_like_formula(value: str) -> bool:
    """True for spreadsheet formula injection (``=cmd|' /C calc'!A0``, ``@SUM(...)``, ...)."""
    return bool(_FORMULA.match(value))


def clean_name(value: str) -> str:
    """A person's name: NFC, single spaces, letters with spaces, hyphens and apostrophes."""
    name = _SPACES.sub(" ", clean_text(value))
    if not name:
        raise BadValue("empty", "name is empty")
    if len(name) > 100:
        raise BadValue("too_long", "name is longer than 100 characters")
    if not _NAME_OK.match(name):
        raise BadValue("bad_name", "name contains digits or symbols")
    return name


def name_key(value: str) -> str:
    """A matching key: accents removed, lower case, letters only (for linkage, not display)."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if c.isalpha()).lower()
