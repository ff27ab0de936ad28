"""Dates and times in the formats agencies write, with plausibility checks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from joinedup.ingest.values import BadValue

COMMON_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d-%b-%Y")
EARLIEST = date(1900, 1, 1)


def parse_date(value: str, formats: Sequence[str] = COMMON_DATE_FORMATS) -> date:
    """Parse ``value`` with the first of ``formats`` that fits; refuse implausible dates."""
    text = value.strip()
    if not text:
        raise BadValue("empty", "date is empty")
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt).date()
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
            parsed = datetime.strptime(text, fmt)
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
