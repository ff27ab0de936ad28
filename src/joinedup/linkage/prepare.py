"""Turn person records (the ingest contract) into the table the linkage model reads.

Input columns: ``record_id`` (unique), ``agency``, ``forename``, ``surname``,
``date_of_birth`` (``YYYY-MM-DD``), ``sex`` (``1``/``2``/``9``), ``postcode`` (``S60 1AB``),
``nhs_number``, ``upn``, ``police_id``. Optional columns are used when present: ``address``
(house number and street) and ``locality`` (town or suburb); ``phone`` (E.164);
``local_id`` (an agency's own number for the person, such as a voluntary project's client
reference or a hospital's local patient id, prefixed with its issuer so that numbers of
different issuers never meet); ``school`` (the school's URN) with ``school_from`` and
``school_to`` (``YYYY-MM-DD``: a pupil's enrolment, or the date a school recorded a
concern as both; either may be open); ``birth_year_estimate`` (a
year of birth worked out from a recorded age, for records without a date of birth).
Missing optional columns are treated as all null.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from joinedup.linkage.names import (
    alternate_name,
    canonical_any,
    canonical_name,
    load_variant_table,
    name_key,
)

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
#: Optional free-text columns (cleaned as text).
OPTIONAL_COLUMNS: tuple[str, ...] = ("address", "locality")
#: Optional key columns (cleaned as identifiers: no spaces, upper case).
OPTIONAL_KEY_COLUMNS: tuple[str, ...] = ("phone", "local_id", "school")
#: Optional date columns (cleaned as dates): when the record's school knew the person.
OPTIONAL_DATE_COLUMNS: tuple[str, ...] = ("school_from", "school_to")
#: Optional input column of an estimated year of birth; prepared into ``birth_year``.
BIRTH_YEAR_ESTIMATE = "birth_year_estimate"
_OPTIONAL_INPUTS: tuple[str, ...] = (
    *OPTIONAL_COLUMNS,
    *OPTIONAL_KEY_COLUMNS,
    *OPTIONAL_DATE_COLUMNS,
    BIRTH_YEAR_ESTIMATE,
)

#: Columns of the prepared table, in order. Optional columns follow when the input has
#: them: ``address``, ``locality``, ``phone``, ``local_id``, ``school``, ``school_from``,
#: ``school_to`` and ``birth_year``
#: (the year of the date of birth, else the estimate).
PREPARED_COLUMNS: tuple[str, ...] = (
    "record_id",
    "agency",
    "forename_key",
    "surname_key",
    "forename_canon",
    "surname_canon",
    "forename_alt",
    "surname_alt",
    "forename_any",
    "surname_any",
    "name_pair",
    "name_low",
    "name_high",
    "forename_initial",
    "surname_initial",
    "initials",
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
_YEAR = re.compile(r"^[0-9]{4}$")
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


def clean_year(value: Any) -> str | None:
    """A four-digit year as a string, else ``None``."""
    text = None if value is None else str(value).strip()
    return text if text and _YEAR.match(text) else None


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
        "forename_alt": alternate_name(forename_key, "forename"),
        "surname_alt": alternate_name(surname_key, "surname"),
        "forename_any": forename_any,
        "surname_any": surname_any,
        "name_pair": _pair(forename_any, surname_any),
        "name_low": _ordered(forename_any, surname_any, 0),
        "name_high": _ordered(forename_any, surname_any, 1),
        "forename_initial": forename_key[0] if forename_key else None,
        "surname_initial": surname_key[0] if surname_key else None,
        "initials": _pair(forename_key[:1] or None, surname_key[:1] or None)
        if forename_key and surname_key
        else None,
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
    optional: tuple[tuple[tuple[str, ...], Callable[[Any], Any]], ...] = (
        (OPTIONAL_COLUMNS, clean_text),
        (OPTIONAL_KEY_COLUMNS, clean_identifier),
        (OPTIONAL_DATE_COLUMNS, clean_date),
    )
    for columns, clean in optional:
        for column in columns:
            if column in row:
                out[column] = clean(row.get(column))
    if BIRTH_YEAR_ESTIMATE in row:
        out["birth_year"] = out["dob_year"] or clean_year(row.get(BIRTH_YEAR_ESTIMATE))
    return out


def clean_text(value: Any) -> str | None:
    """Lower-case ASCII text with single spaces; empty → ``None``."""
    if value is None:
        return None
    folded = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    text = " ".join(re.sub(r"[^a-z0-9 ]", " ", folded.lower()).split())
    return text or None


def _column(rows: Sequence[Mapping[str, Any]], name: str) -> pa.Array:
    """One input column as strings (``str()`` of non-string values, ``None`` kept)."""
    values = [row.get(name) for row in rows]
    try:
        array = pa.array(values)
        if pa.types.is_string(array.type) or pa.types.is_null(array.type):
            return array.cast(pa.string())
        if pa.types.is_integer(array.type) or pa.types.is_date(array.type):
            return array.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        pass
    return pa.array([None if v is None else str(v) for v in values], pa.string())


def _input_table(records: RecordsInput | Iterable[Mapping[str, Any]]) -> pa.Table:
    """Records as a table of string columns: the input contract plus optional columns."""
    if isinstance(records, pa.Table):
        present = [c for c in _OPTIONAL_INPUTS if c in records.column_names]
        columns = {}
        for name in (*INPUT_COLUMNS, *present):
            if name not in records.column_names:
                columns[name] = pa.nulls(len(records), pa.string())
            elif pa.types.is_string(records[name].type):
                columns[name] = records[name].combine_chunks()
            else:
                columns[name] = _column(records.select([name]).to_pylist(), name)
        return pa.table(columns)
    rows = records if isinstance(records, Sequence) else list(records)
    present = [c for c in _OPTIONAL_INPUTS if any(c in row for row in rows)]
    names = (*INPUT_COLUMNS, *present)
    try:  # fast path: every value is already a string or None
        return pa.Table.from_pylist(rows, schema=pa.schema([(n, pa.string()) for n in names]))
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return pa.table({name: _column(rows, name) for name in names})


def _map_unique(array: pa.Array, fn: Callable[[Any], str | None]) -> pa.Array:
    """``fn`` applied to each distinct value once, spread back over the column."""
    encoded = pc.dictionary_encode(array)
    mapped = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return mapped.take(encoded.indices)


_NULL = pa.scalar(None, pa.string())
#: Python's ``str.split`` whitespace, for RE2.
_WHITESPACE = r"[\s\v\x{1c}-\x{1f}\x{85}\p{Z}]+"
_POSTCODE_PARTS = r"^(?P<outward>[A-Z]{1,2}[0-9][A-Z0-9]?)(?P<digit>[0-9])(?P<unit>[A-Z]{2})$"


def _empty_to_null(array: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(array, ""), _NULL, array)


def _name_keys(array: pa.Array) -> pa.Array:
    """:func:`name_key` column-wise (ASCII values in Arrow, others in Python)."""
    keys = _empty_to_null(pc.replace_substring_regex(pc.ascii_lower(array), "[^a-z]+", ""))
    non_ascii = pc.fill_null(pc.invert(pc.string_is_ascii(array)), False)
    if pc.any(non_ascii).as_py():
        keys = pc.if_else(non_ascii, _map_unique(array, name_key), keys)
    return keys


def _canonical_keys(keys: pa.Array, table: dict[str, str]) -> pa.Array:
    """Each key's canonical in ``table`` (the key itself when absent)."""
    variants = pa.array(list(table), pa.string())
    found = pc.index_in(keys, value_set=variants)
    canonicals = pa.array(list(table.values()), pa.string()).take(found)
    return pc.if_else(pc.is_null(found), keys, canonicals)


def _alternate_keys(keys: pa.Array, table: dict[str, str]) -> pa.Array:
    """Each key's alternate canonical in ``table`` (null when it has none)."""
    if not table:
        return pa.nulls(len(keys), pa.string())
    found = pc.index_in(keys, value_set=pa.array(list(table), pa.string()))
    return pa.array(list(table.values()), pa.string()).take(found)


def _canonical_any_keys(keys: pa.Array) -> pa.Array:
    """:func:`canonical_any` column-wise: the forename table first, then the surname table."""
    forenames = load_variant_table("forename").canonical_of
    in_forenames = pc.is_in(keys, value_set=pa.array(list(forenames), pa.string()))
    return pc.if_else(
        in_forenames,
        _canonical_keys(keys, forenames),
        _canonical_keys(keys, load_variant_table("surname").canonical_of),
    )


def _postcodes(array: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """:func:`clean_postcode` column-wise: (postcode, sector, district)."""
    text = pc.replace_substring_regex(pc.utf8_upper(array), _WHITESPACE, "")
    text = _empty_to_null(text)
    parts = pc.extract_regex(text, _POSTCODE_PARTS)
    outward, digit = pc.struct_field(parts, "outward"), pc.struct_field(parts, "digit")
    sector = pc.binary_join_element_wise(outward, digit, " ")
    unit = pc.struct_field(parts, "unit")
    full = pc.binary_join_element_wise(sector, unit, "")
    valid = pc.is_valid(parts)
    return pc.if_else(valid, full, text), sector, outward


def _ordered_pair(first: pa.Array, second: pa.Array) -> tuple[pa.Array, pa.Array]:
    first_low = pc.less_equal(first, second)
    return pc.if_else(first_low, first, second), pc.if_else(first_low, second, first)


def _check_ids(record_ids: pa.Array) -> None:
    if record_ids.null_count or pc.any(pc.equal(record_ids, "")).as_py():
        raise ValueError("every record needs a record_id")
    if pc.count_distinct(record_ids).as_py() < len(record_ids):
        counts = pc.value_counts(record_ids)
        repeated = counts.filter(pc.greater(counts.field("counts"), 1))
        raise ValueError(f"duplicate record_id {repeated.field('values')[0].as_py()!r}")


def prepare_records(records: RecordsInput | Iterable[Mapping[str, Any]]) -> pa.Table:
    """Prepare person records for linkage; ``record_id`` must be unique.

    Returns a pyarrow table of strings with the columns in :data:`PREPARED_COLUMNS`
    (plus ``address``/``locality`` when the input has those columns). Column-wise: each
    cleaning function of :func:`prepare_row` runs once per distinct value, so the result
    is the same as preparing row by row.
    """
    raw = _input_table(records)
    record_ids = raw["record_id"].combine_chunks()
    _check_ids(record_ids)
    out: dict[str, pa.Array] = {"record_id": record_ids, "agency": raw["agency"].combine_chunks()}
    keys = {k: _name_keys(raw[k].combine_chunks()) for k in ("forename", "surname")}
    out["forename_key"], out["surname_key"] = keys["forename"], keys["surname"]
    for kind in ("forename", "surname"):
        table = load_variant_table(kind).canonical_of
        out[f"{kind}_canon"] = _canonical_keys(keys[kind], table)
    for kind in ("forename", "surname"):
        alternates = load_variant_table(kind).alternate_of
        out[f"{kind}_alt"] = _alternate_keys(keys[kind], alternates)
    out["forename_any"] = _canonical_any_keys(keys["forename"])
    out["surname_any"] = _canonical_any_keys(keys["surname"])
    low, high = _ordered_pair(out["forename_any"], out["surname_any"])
    out["name_pair"] = pc.binary_join_element_wise(low, high, "|")
    out["name_low"], out["name_high"] = low, high
    out["forename_initial"] = pc.utf8_slice_codeunits(keys["forename"], 0, 1)
    out["surname_initial"] = pc.utf8_slice_codeunits(keys["surname"], 0, 1)
    out["initials"] = pc.binary_join_element_wise(
        *_ordered_pair(out["forename_initial"], out["surname_initial"]), "|"
    )
    dob = _map_unique(raw["date_of_birth"].combine_chunks(), clean_date)
    out["date_of_birth"] = dob
    out["dob_year"] = pc.utf8_slice_codeunits(dob, 0, 4)
    month_low, month_high = _ordered_pair(
        pc.utf8_slice_codeunits(dob, 5, 7), pc.utf8_slice_codeunits(dob, 8, 10)
    )
    out["dob_dm_key"] = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(dob, 0, 4), month_low, month_high, "-"
    )
    out["sex"] = _map_unique(raw["sex"].combine_chunks(), clean_sex)
    postcodes = _postcodes(raw["postcode"].combine_chunks())
    out["postcode"], out["postcode_sector"], out["postcode_district"] = postcodes
    for column in IDENTIFIER_COLUMNS:
        out[column] = _map_unique(raw[column].combine_chunks(), clean_identifier)
    for column in OPTIONAL_COLUMNS:
        if column in raw.column_names:
            out[column] = _map_unique(raw[column].combine_chunks(), clean_text)
    for column in OPTIONAL_KEY_COLUMNS:
        if column in raw.column_names:
            out[column] = _map_unique(raw[column].combine_chunks(), clean_identifier)
    for column in OPTIONAL_DATE_COLUMNS:
        if column in raw.column_names:
            out[column] = _map_unique(raw[column].combine_chunks(), clean_date)
    if BIRTH_YEAR_ESTIMATE in raw.column_names:
        estimate = _map_unique(raw[BIRTH_YEAR_ESTIMATE].combine_chunks(), clean_year)
        out["birth_year"] = pc.coalesce(out["dob_year"], estimate)
    schema = pa.schema([(name, pa.string()) for name in out])
    return pa.table(out, schema=schema)
