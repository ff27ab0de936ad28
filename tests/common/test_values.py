"""Value normalisers: what agencies write, and what the platform stores."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.common.values import BadValue
from joinedup.common.values.dates import check_plausible, parse_date, parse_datetime, read_datetime
from joinedup.common.values.identifiers import clean_nhs_number, clean_upn, upn_check_letter
from joinedup.common.values.phones import clean_phone
from joinedup.common.values.places import clean_postcode, clean_vrm
from joinedup.common.values.text import clean_name, looks_like_formula


@pytest.mark.parametrize(
    "written",
    ["07700 900123", "+44 (0)7700-900123", "00447700900123", "+447700900123", "07700900123"],
)
def test_phones_become_e164(written: str) -> None:
    assert clean_phone(written) == "+447700900123"


@pytest.mark.parametrize("bad", ["", "12", "call me", "+44 123"])
def test_bad_phones_are_refused(bad: str) -> None:
    with pytest.raises(BadValue):
        clean_phone(bad)


@pytest.mark.parametrize(
    ("written", "clean"),
    [
        ("s60 1ab", "S60 1AB"),
        ("S601AB", "S60 1AB"),
        ("  m1   1aa ", "M1 1AA"),
        ("EC1A1BB", "EC1A 1BB"),
    ],
)
def test_postcodes(written: str, clean: str) -> None:
    assert clean_postcode(written) == clean


@pytest.mark.parametrize("bad", ["S60", "12345", "ZZZZ ZZZ"])
def test_bad_postcodes(bad: str) -> None:
    with pytest.raises(BadValue, match="postcode"):
        clean_postcode(bad)


@pytest.mark.parametrize("written", ["ab12 cde", "AB12CDE", "ab-12-cde", " AB12 CDE "])
def test_vrms(written: str) -> None:
    assert clean_vrm(written) == "AB12CDE"


def test_dates_in_agency_formats_and_absurd_values() -> None:
    assert parse_date("03/04/2005", ["%d/%m/%Y"]) == date(2005, 4, 3)
    assert parse_date("03-Apr-2005", ["%d-%b-%Y"]) == date(2005, 4, 3)
    with pytest.raises(BadValue, match="expected format"):
        parse_date("2005/04/03", ["%d/%m/%Y"])
    with pytest.raises(BadValue, match="before 1900"):
        parse_date("01/01/1850", ["%d/%m/%Y"])
    with pytest.raises(BadValue, match="future"):
        check_plausible(date(2100, 1, 1))


def test_nhs_number_check_digit() -> None:
    assert clean_nhs_number("943 476 5919") == "9434765919"
    with pytest.raises(BadValue, match="check digit"):
        clean_nhs_number("9434765918")


@given(st.from_regex(r"[0-9]{12}", fullmatch=True))
def test_upn_with_its_own_check_letter_is_valid(body: str) -> None:
    upn = upn_check_letter(body) + body
    assert clean_upn(upn) == upn


def test_names_and_hostile_strings() -> None:
    assert clean_name("  Muhammad   Ali ") == "Muhammad Ali"
    assert clean_name("O’Brien-Smith") == "O’Brien-Smith"
    for bad in ("R2D2", "<script>", ""):
        with pytest.raises(BadValue):
            clean_name(bad)
    assert looks_like_formula("=cmd|' /C calc'!A0")
    assert looks_like_formula("@SUM(A1:A3)")
    assert not looks_like_formula("+447700900123")
    assert not looks_like_formula("- seen at the park")


_FORMATS = [
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y%m%d",
    "%m/%d/%y",
    "%d %B %Y",
    "%H:%M",
    "%d%%%m",
    "%d/%m/%Y %",
]


@st.composite
def _near_dates(draw: st.DrawFn) -> tuple[str, str]:
    fmt = draw(st.sampled_from(_FORMATS))
    if draw(st.booleans()):
        when = draw(st.datetimes(datetime(1890, 1, 1), datetime(2100, 12, 31)))
        text = when.strftime(fmt.rstrip(" %")) if fmt.endswith(" %") else when.strftime(fmt)
        edit = draw(st.sampled_from(["none", "lower", "upper", "unpad", "space", "digit", "cut"]))
        if edit == "lower":
            text = text.lower()
        elif edit == "upper":
            text = text.upper()
        elif edit == "unpad":
            text = text.replace("0", "", 1)
        elif edit == "space":
            text = text.replace(" ", "  ").replace("/", " /", 1)
        elif edit == "digit":
            text = text.replace("1", "\u0661", 1)  # an Arabic-Indic digit
        elif edit == "cut":
            text = text[: draw(st.integers(0, len(text)))]
    else:
        text = draw(st.text(alphabet="0123456789/-:. TJanunOctsep%", max_size=22))
    return text, fmt


def _either(read: Callable[[str, str], datetime], text: str, fmt: str) -> datetime | None:
    try:
        return read(text, fmt)
    except ValueError:
        return None


@settings(max_examples=400)
@given(_near_dates())
def test_fast_date_reading_is_exactly_strptime(case: tuple[str, str]) -> None:
    text, fmt = case
    assert _either(read_datetime, text, fmt) == _either(datetime.strptime, text, fmt)


def test_parse_date_reads_usual_formats() -> None:
    assert parse_date("03/04/2005", ("%d/%m/%Y",)) == date(2005, 4, 3)
    assert parse_date("17-jun-1980", ("%d-%b-%Y",)) == date(1980, 6, 17)
    assert parse_date("3/4/2005", ("%d/%m/%Y",)) == date(2005, 4, 3)  # strptime's reading
    assert parse_datetime("2001-02-03 04:05", ("%Y-%m-%d %H:%M",)).hour == 4
    with pytest.raises(BadValue):
        parse_date("31/02/2005", ("%d/%m/%Y",))
