"""Dates and times in the formats agencies write, with plausibility checks.

Values are read with ``datetime.strptime``; for the usual formats (zero-padded day, month,
hour, minute and second, four-digit year, English month abbreviation) a strict regular
expression reads them first, several times faster. It accepts only text that ``strptime``
reads the same way, and leaves everything else (single digits, other spacing, other
directives) to ``strptime``, so the result is always what ``strptime`` gives.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cache

from joinedup.common.values import BadValue

COMMON_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d-%b-%Y")
EARLIEST = date(1900, 1, 1)


_PART = {"Y": 0, "m": 1, "b": 1, "d": 2, "H": 3, "M": 4, "S": 5}  # year ... second
_DIGITS = {"d": 2, "m": 2, "H": 2, "M": 2, "S": 2, "Y": 4}
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if number}
_MONTHS_PLAIN = all(re.fullmatch("[a-z]{3}", name) for name in _MONTHS)


@cache
def _strict(fmt: str) -> tuple[re.Pattern[str], tuple[str, ...]] | None:
    """A regex reading ``fmt``'s fields strictly, or None when ``fmt`` needs ``strptime``."""
    pattern: list[str] = []
    fields: list[str] = []
    for piece in re.split("(%.)", fmt):
        if not piece.startswith("%"):
            pattern.append(re.escape(piece))
            continue
        if len(piece) == 1:  # a stray "%" at the end: strptime's own error
            return None
        directive = piece[1]
        if directive in _DIGITS:
            pattern.append(f"([0-9]{{{_DIGITS[directive]}}})")
        elif directive == "b" and _MONTHS_PLAIN:
            pattern.append("([A-Za-z]{3})")
        else:
            return None
        fields.append(directive)
    parts = [_PART[f] for f in fields]
    if len(set(parts)) != len(parts):
        return None
    return re.compile("".join(pattern)), tuple(fields)


def read_datetime(text: str, fmt: str) -> datetime:
    """Exactly ``datetime.strptime(text, fmt)``, faster for the usual formats (see above)."""
    strict = _strict(fmt)
    match = strict[0].fullmatch(text) if strict else None
    if strict is None or match is None:
        return datetime.strptime(text, fmt)
    parts = [1900, 1, 1, 0, 0, 0]  # strptime's defaults
    for directive, found in zip(strict[1], match.groups(), strict=True):
        if directive == "b":
            month = _MONTHS.get(found.lower())
            if month is None:
                return datetime.strptime(text, fmt)
            parts[1] = month
        else:
            parts[_PART[directive]] = int(found)
    try:
        return datetime(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
    except ValueError:
        return datetime.strptime(text, fmt)  # it raises too, with its own message


def parse_date(value: str, formats: Sequence[str] = COMMON_DATE_FORMATS) -> date:
    """Parse ``value`` with the first of ``formats`` that fits; refuse implausible dates."""
    text = value.strip()
    if not text:
        raise BadValue("empty", "date is empty")
    for fmt in formats:
        try:
            parsed = read_datetime(text, fmt).date()
        except ValueError:
            continue
        return check_plausible(parsed)
    raise BadValue("bad_date", f"not a date in the expected format ({', '.join(formats)})")


def parse_datetime(value: str, formats: Sequence[str]) -> datetime:
    """Parse a date-time written in local UK time or UTC; returned timezone-aware (UTC)."""
    text = value.strip()
    if not text:
        raise BadValue("empty", "date-time is empty")
    for fmt in formats:
        try:
            parsed = read_datetime(text, fmt)
        except ValueError:
            continue
        check_plausible(parsed.date())
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    raise BadValue("bad_datetime", f"not a date-time in the expected format ({', '.join(formats)})")


def check_plausible(value: date, today: date | None = None) -> date:
    """Refuse dates before 1900 or more than a year in the future (absurd values)."""
    today = today or date.today()
    if value < EARLIEST:
        raise BadValue("implausible_date", "date is before 1900")
    if value > today + timedelta(days=366):
        raise BadValue("implausible_date", "date is more than a year in the future")
    return value
