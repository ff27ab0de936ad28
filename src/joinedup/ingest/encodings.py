"""Which encoding a delimited file is read with, and how rows in another one are found.

Agencies' exports arrive in UTF-8 (with or without a byte-order mark), UTF-16, cp1252 and,
after a copy-and-paste between systems, a mixture of UTF-8 and cp1252 rows. The file is read
in one encoding (:func:`sniff_encoding`); a row that is not valid in it becomes an
``encoding`` problem on that row, so ``ZoÃ«``-style mojibake is never stored as if it were
right: in a UTF-8 file cp1252 bytes are undecodable, and in a single-byte file UTF-8 text is
recognised by :func:`utf8_in` (its bytes are valid UTF-8, which cp1252 text practically never
is).
"""

from __future__ import annotations

import codecs
import re
from functools import cache

ESCAPE = "joinedup-escape"
"""The decoding error handler: each undecodable byte ``b`` becomes ``chr(0xDC00 + b)``.

Like ``surrogateescape``, but for every byte: a UTF-16 file cut in the middle of a character
ends in an undecodable byte below 0x80, which ``surrogateescape`` refuses to escape.
"""
BINARY_SHARE = 0.05  # a file whose first 64 KiB are over 5% control bytes is binary
C0_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
"""The C0 control bytes other than tab, line feed and carriage return."""
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _escape(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(chr(0xDC00 + b) for b in bad), exc.end


codecs.register_error(ESCAPE, _escape)


def sniff_encoding(sample: bytes, declared: str | None) -> str:
    """The encoding to read with: a BOM wins, then the declared one, then detection.

    Undeclared, a sample that is UTF-8, or whose non-ASCII lines are mostly valid UTF-8 (a
    file mixing UTF-8 and cp1252 rows), is read as UTF-8; otherwise cp1252 (the Windows
    default of UK agencies) when its other lines are valid cp1252, else charset-normalizer's
    guess among single-byte encodings.
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if declared and declared.lower() not in ("auto", ""):
        codecs.lookup(declared)  # raises LookupError for an unknown encoding
        return declared
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:  # a multi-byte character cut by the sample's end
            return "utf-8"
    legacy = _legacy_lines(sample)
    if legacy is None:
        return "utf-8"
    try:
        legacy.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(legacy).best()
    return best.encoding if best is not None and single_byte(best.encoding) else "cp1252"


def _legacy_lines(sample: bytes) -> bytes | None:
    """The sample's non-ASCII lines that are not UTF-8, or None when at least as many
    non-ASCII lines are valid UTF-8 (a mixed file, read as UTF-8)."""
    lines = sample.split(b"\n")
    utf8, legacy = 0, []
    for number, line in enumerate(lines, 1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError as exc:
            if number == len(lines) and exc.start > len(line) - 4:
                utf8 += 1  # a character cut by the sample's end
            else:
                legacy.append(line)
    return None if utf8 >= len(legacy) else b"\n".join(legacy)


@cache
def single_byte(encoding: str | None) -> str | None:
    """``encoding`` when it is a single-byte one (cp1252, latin-1 ...), else None."""
    if not encoding or encoding == "xlsx":
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    if name.startswith("utf"):
        return None
    try:
        decoded = bytes(range(0x80, 0x100)).decode(name, "surrogateescape")
    except UnicodeError:
        return None
    return encoding if len(decoded) == 0x80 else None


@cache
def utf8_pairs(encoding: str) -> re.Pattern[str]:
    """A UTF-8 lead byte followed by a continuation byte, as ``encoding`` decodes them (a
    quick screen: where it finds nothing, no value is UTF-8 text)."""
    leads = bytes(range(0xC2, 0xF5)).decode(encoding, "surrogateescape")
    follows = bytes(range(0x80, 0xC0)).decode(encoding, "surrogateescape")
    return re.compile(f"[{re.escape(leads)}][{re.escape(follows)}]")


def utf8_in(value: str, encoding: str) -> bool:
    """True when ``value``, read as single-byte ``encoding``, is really UTF-8 text (``ZoÃ«``
    for ``Zoë``): its bytes are valid UTF-8 and not all ASCII."""
    if value.isascii():
        return False
    try:
        value.encode(encoding, "surrogateescape").decode("utf-8")
    except UnicodeError:
        return False
    return True


def looks_binary(sample: bytes, encoding: str) -> bool:
    """Whether a file's first bytes are mostly not text (over :data:`BINARY_SHARE` control
    bytes). A few NULs do not make a file binary: their rows are quarantined."""
    if encoding.startswith("utf-16") or not sample:
        return False
    controls = len(sample) - len(sample.translate(None, C0_BYTES))
    return controls / len(sample) > BINARY_SHARE
