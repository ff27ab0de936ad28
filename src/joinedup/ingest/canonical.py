"""Canonical fields: the platform's names for what agencies call by many names.

A layout column may map onto one canonical field; its value is then normalised by the
cleaner registered here and stored in the source record's ``normalised`` mapping (JSON-safe:
dates as ISO strings). Linkage and the rules read canonical fields, never agency columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, lru_cache

from joinedup.common.documents import DocumentError, load_yaml, packaged, read_text
from joinedup.common.values import BadValue
from joinedup.common.values.dates import parse_date, parse_datetime
from joinedup.common.values.identifiers import clean_nhs_number, clean_pnc_id, clean_upn
from joinedup.common.values.phones import clean_phone
from joinedup.common.values.places import clean_postcode, clean_vrm
from joinedup.common.values.text import clean_name, clean_text
from joinedup.model.vocab import vocabulary

Cleaner = Callable[[str, "Formats"], str]


class Formats:
    """Date and date-time formats of one file (from its manifest or mapping profile)."""

    def __init__(self, dates: Sequence[str], datetimes: Sequence[str]) -> None:
        self.dates = tuple(dates)
        self.datetimes = tuple(datetimes)


@cache
def _ethnicity_map() -> dict[str, str]:
    text, where = read_text(packaged("joinedup.ingest", "ethnicity_map.yml"))
    mapping = load_yaml(text, where=where)
    codes = vocabulary("ethnicity").codes
    for source, target in mapping.items():
        if not isinstance(source, str) or target not in codes:
            raise DocumentError(f"ethnicity_map.yml: {source} maps to unknown code {target}")
    return {str(k).upper(): str(v) for k, v in mapping.items()}


def clean_ethnicity(value: str, _f: Formats | None = None) -> str:
    """An SSD ethnicity code from an SSD code or a police 18+1 code."""
    code = value.strip().upper()
    if code in ("99", "NK", "NOT KNOWN", "UNKNOWN"):
        raise BadValue("not_recorded", "ethnicity not recorded")
    if code in vocabulary("ethnicity").codes:
        return code
    mapped = _ethnicity_map().get(code)
    if mapped is None:
        raise BadValue("bad_ethnicity", "not a known ethnicity code")
    return mapped


_SEX = {
    "1": "1",
    "M": "1",
    "MALE": "1",
    "01": "1",
    "2": "2",
    "F": "2",
    "FEMALE": "2",
    "02": "2",
    "9": "9",
    "I": "9",
    "INDETERMINATE": "9",
}
_NOT_RECORDED = {"U", "0", "00", "NK", "UNKNOWN", "NOT KNOWN"}


def clean_sex(value: str, _f: Formats | None = None) -> str:
    """SSD sex code (1 male, 2 female, 9 indeterminate) from the usual spellings."""
    text = value.strip().upper()
    if text in _NOT_RECORDED:
        raise BadValue("not_recorded", "sex not recorded")
    code = _SEX.get(text)
    if code is None:
        raise BadValue("bad_sex", "not a known sex code")
    return code


def _digits(value: str, _f: Formats) -> str:
    digits = value.strip()
    if not digits.isdigit() or len(digits) > 12:
        raise BadValue("bad_uprn", "UPRN must be up to 12 digits")
    return digits


CLEANERS: dict[str, Cleaner] = {
    "forename": lambda v, f: clean_name(v),
    "surname": lambda v, f: clean_name(v),
    "full_name": lambda v, f: clean_name(v),
    "date_of_birth": lambda v, f: parse_date(v, f.dates).isoformat(),
    "sex": clean_sex,
    "ethnicity": clean_ethnicity,
    "postcode": lambda v, f: clean_postcode(v),
    "uprn": _digits,
    "vrm": lambda v, f: clean_vrm(v),
    "phone": lambda v, f: clean_phone(v),
    "nhs_number": lambda v, f: clean_nhs_number(v),
    "upn": lambda v, f: clean_upn(v),
    "pnc_id": lambda v, f: clean_pnc_id(v),
    "occurred_at": lambda v, f: parse_datetime(v, f.datetimes).isoformat(),
    "event_date": lambda v, f: parse_date(v, f.dates).isoformat(),
    "start_date": lambda v, f: parse_date(v, f.dates).isoformat(),
    "end_date": lambda v, f: parse_date(v, f.dates).isoformat(),
}


def clean(field: str, value: str, formats: Formats) -> str:
    """Normalise ``value`` for canonical ``field`` (free text for fields without a cleaner).

    Results are cached: agencies repeat the same dates, postcodes and phone numbers often.
    """
    if field not in CLEANERS:
        return clean_text(value)
    return _cached(field, value, formats.dates, formats.datetimes)


@lru_cache(maxsize=200_000)
def _cached(field: str, value: str, dates: tuple[str, ...], datetimes: tuple[str, ...]) -> str:
    return CLEANERS[field](value, Formats(dates, datetimes))
