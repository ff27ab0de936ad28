"""Turn person records (the ingest contract) into the table the linkage model reads.

Input columns: ``record_id`` (unique), ``agency``, ``forename``, ``surname``,
``date_of_birth`` (``YYYY-MM-DD``), ``sex`` (``1``/``2``/``9``), ``postcode`` (``S60 1AB``),
``nhs_number``, ``upn``, ``police_id``; optional ``address`` (house number and street) and
``locality`` (town or suburb) are used when present.
Missing optional columns are treated as all null.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeAlias

import pyarrow as pa

from joinedup.linkage.names import canonical_any, canonical_name, name_key

INPUT_COLUMNS: tuple[str, ...] = (
    "record_id",
    "agency",
    "forename",
    "surname",
    "date_of_birth",
    "sex",
    "postcode",
    "nhs_number",
    "upn",
    "police_id",
)
IDENTIFIER_COLUMNS: tuple[str, ...] = ("nhs_number", "upn", "police_id")
OPTIONAL_COLUMNS: tuple[str, ...] = ("address", "locality")

#: Columns of the prepared table, in order (``address`` only when the input had it).
PREPARED_COLUMNS: tuple[str, ...] = (
    "record_id",
    "agency",
    "forename_key",
    "surname_key",
    "forename_canon",
    "surname_canon",
    "forename_any",
    "surname_any",
    "name_pair",
    "name_low",
    "name_high",
    "forename_initial",
    "surname_initial",
    "date_of_birth",
    "dob_year",
    "dob_dm_key",
    "sex",
    "postcode",
    "postcode_sector",
    "postcode_district",
    *IDENTIFIER_COLUMNS,
)

_ISO_SHAPE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])([A-Z]{2})$")
RecordsInput: TypeAlias = "pa.Table | Sequence[Mapping[str, Any]]"


def to_rows(records: RecordsInput) -> list[dict[str, Any]]:
    """A pyarrow table or a sequence of mappings as a list of plain dicts."""
    if isinstance(records, pa.Table):
        rows: list[dict[str, Any]] = records.to_pylist()
        return rows
    return [dict(row) for row in records]


def clean_date(value: Any) -> str | None:
    """An ISO-shaped ``YYYY-MM-DD`` string, else ``None``.

    The shape is enough: a day/month-swapped date (``1990-25-03``) is not a calendar date
    but is still evidence, so it is kept for the typo and swap levels.
    """
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()[:10]
    return text if _ISO_SHAPE.match(text) else None


def clean_postcode(value: Any) -> tuple[str | None, str | None, str | None]:
    """(postcode, sector, district): UK postcodes as ``S60 1AB``/``S60 1``/``S60``.

    Anything that is not a UK postcode is kept upper-cased without spaces, with no sector or
    district (so only the exact and typo levels can apply to it).
    """
    if value is None:
        return None, None, None
    text = re.sub(r"\s+", "", str(value).upper())
    if not text:
        return None, None, None
    match = _POSTCODE.match(text)
    if match is None:
        return text, None, None
    outward, sector_digit, unit = match.groups()
    return f"{outward} {sector_digit}{unit}", f"{outward} {sector_digit}", outward


def clean_identifier(value: Any) -> str | None:
    """Identifier with whitespace removed and upper-cased; empty → ``None``."""
    if value is None:
        return None
    text = re.sub(r"\s+", "", str(value)).upper()
    return text or None


def clean_sex(value: Any) -> str | None:
    """``"1"`` or ``"2"``; ``9`` (not known) and anything else → ``None``."""
    text = None if value is None else str(value).strip()
    return text if text in {"1", "2"} else None


def _dm_key(dob: str | None) -> str | None:
    if dob is None:
        return None
    year, month, day = dob[:4], dob[5:7], dob[8:10]
    low, high = sorted((month, day))
    return f"{year}-{low}-{high}"


def _ordered(first: str | None, second: str | None, index: int) -> str | None:
    if first is None or second is None:
        return None
    return sorted((first, second))[index]


def _pair(first: str | None, second: str | None) -> str | None:
    if first is None or second is None:
        return None
    low, high = sorted((first, second))
    return f"{low}|{high}"


def prepare_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """One input record as a prepared row (see :data:`PREPARED_COLUMNS`)."""
    forename_key, surname_key = name_key(row.get("forename")), name_key(row.get("surname"))
    forename_canon = canonical_name(forename_key, "forename")
    surname_canon = canonical_name(surname_key, "surname")
    forename_any, surname_any = canonical_any(forename_key), canonical_any(surname_key)
    dob = clean_date(row.get("date_of_birth"))
    postcode, sector, district = clean_postcode(row.get("postcode"))
    record_id = row.get("record_id")
    if record_id is None or str(record_id) == "":
        raise ValueError("every record needs a record_id")
    out: dict[str, Any] = {
        "record_id": str(record_id),
        "agency": None if row.get("agency") is None else str(row["agency"]),
        "forename_key": forename_key,
        "surname_key": surname_key,
        "forename_canon": forename_canon,
        "surname_canon": surname_canon,
        "forename_any": forename_any,
        "surname_any": surname_any,
        "name_pair": _pair(forename_any, surname_any),
        "name_low": _ordered(forename_any, surname_any, 0),
        "name_high": _ordered(forename_any, surname_any, 1),
        "forename_initial": forename_key[0] if forename_key else None,
        "surname_initial": surname_key[0] if surname_key else None,
        "date_of_birth": dob,
        "dob_year": dob[:4] if dob else None,
        "dob_dm_key": _dm_key(dob),
        "sex": clean_sex(row.get("sex")),
        "postcode": postcode,
        "postcode_sector": sector,
        "postcode_district": district,
    }
    for column in IDENTIFIER_COLUMNS:
        out[column] = clean_identifier(row.get(column))
    for column in OPTIONAL_COLUMNS:
        if column in row:
            out[column] = clean_text(row.get(column))
    return out


def clean_text(value: Any) -> str | None:
    """Lower-case ASCII text with single spaces; empty → ``None``."""
    if value is None:
        return None
    folded = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    text = " ".join(re.sub(r"[^a-z0-9 ]", " ", folded.lower()).split())
    return text or None


def prepare_records(records: RecordsInput | Iterable[Mapping[str, Any]]) -> pa.Table:
    """Prepare person records for linkage; ``record_id`` must be unique.

    Returns a pyarrow table of strings with the columns in :data:`PREPARED_COLUMNS`
    (plus ``address``/``locality`` when the input has those columns).
    """
    rows = to_rows(records) if isinstance(records, pa.Table | Sequence) else list(records)
    prepared = [prepare_row(row) for row in rows]
    optional = [c for c in OPTIONAL_COLUMNS if any(c in row for row in prepared)]
    columns = list(PREPARED_COLUMNS) + optional
    seen: set[str] = set()
    for row in prepared:
        if row["record_id"] in seen:
            raise ValueError(f"duplicate record_id {row['record_id']!r}")
        seen.add(row["record_id"])
    data = {name: [row.get(name) for row in prepared] for name in columns}
    schema = pa.schema([(name, pa.string()) for name in columns])
    return pa.table(data, schema=schema)
