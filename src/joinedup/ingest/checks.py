"""The checks every row's values pass, whatever file they came from (delimited or XLSX).

:func:`check_values` finds the first field that is too large, holds bytes that are not valid in
the file's encoding (or, in a single-byte file, UTF-8 text), a control character, or starts
like a spreadsheet formula. Undecodable bytes reach it as lone surrogates ``\\udcNN`` (the
:data:`joinedup.ingest.encodings.ESCAPE` error handler); :func:`storable` shows them as
``\\xNN`` so a quarantined row's verbatim text can be stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from joinedup.common.values.text import FORMULA_PATTERN, looks_like_formula
from joinedup.ingest.encodings import C0_BYTES, utf8_in, utf8_pairs

MAX_FIELD_CHARS = 1_000_000
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""A C0 control character other than tab, line feed and carriage return."""
ESCAPED_BYTES = re.compile("[\udc00-\udcff]")
FORMULA_ANYWHERE = re.compile("(?:^|\x1f)" + FORMULA_PATTERN)
# a formula at the start of any field of "\x1f" + a batch's fields joined by "\x1f" (the
# leading literal lets the regex engine jump from field to field)
FORMULA_FIELD = re.compile("\x1f" + FORMULA_PATTERN)


@dataclass(frozen=True)
class Problem:
    """Why a record cannot be accepted: a stable code, the field (if one), a message."""

    code: str
    message: str
    field: str | None = None


def bad_chars(value: str) -> bool:
    """Whether ``value`` holds bytes that were not valid in its file's encoding."""
    return ESCAPED_BYTES.search(value) is not None


def storable(raw: str) -> str:
    """``raw`` with any undecodable bytes shown as ``\\xNN`` escapes (so it can be stored)."""
    if ESCAPED_BYTES.search(raw) is None:
        return raw
    return ESCAPED_BYTES.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", raw)


def has_controls(text: str, separators: int) -> bool:
    """Whether ``text`` holds a C0 control character (tab, CR, LF aside) other than its
    ``separators`` field separators (``"\\x1f"``)."""
    data = text.encode("ascii") if text.isascii() else text.encode("utf-8", "surrogatepass")
    return len(data) - len(data.translate(None, C0_BYTES)) != separators


def check_values(values: dict[str, str], single: str | None = None) -> Problem | None:
    """The first field too large, undecodable, with a control character or formula-like,
    as a problem (else None). ``single`` is the file's single-byte encoding, if it has one:
    a field that is really UTF-8 text is then an encoding problem too."""
    joined = "\x1f".join(values.values())
    if (
        len(joined) <= MAX_FIELD_CHARS
        and ESCAPED_BYTES.search(joined) is None
        and not has_controls(joined, max(len(values) - 1, 0))
        and FORMULA_ANYWHERE.search(joined) is None
        and (single is None or utf8_pairs(single).search(joined) is None)
    ):
        return None  # the common case, decided in one pass
    for name, value in values.items():
        if len(value) > MAX_FIELD_CHARS:
            return Problem("field_too_large", f"field is over {MAX_FIELD_CHARS:,} characters", name)
        if bad_chars(value):
            return Problem("encoding", "bytes that are not valid in the file's encoding", name)
        if single is not None and utf8_in(value, single):
            return Problem(
                "encoding", f"UTF-8 text in a file read as {single} (mixed encodings)", name
            )
        if CONTROL.search(value):
            return Problem(
                "control_character", "a control character (NUL or another C0 byte)", name
            )
        if looks_like_formula(value):
            return Problem(
                "formula", "value starts like a spreadsheet formula (injection risk)", name
            )
    return None
