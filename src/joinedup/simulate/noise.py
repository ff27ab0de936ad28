"""Recording errors: typos, spelling variants, swapped names and dates, formats of VRMs,
phones, postcodes and dates. Every function takes the caller's ``random.Random`` so that the
same seed gives the same errors."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from joinedup.simulate.ids import MONTHS
from joinedup.simulate.names import NameBook

_KEYBOARD = [
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
]
_NEIGHBOURS: dict[str, str] = {}
for _row_index, _row in enumerate(_KEYBOARD):
    for _i, _c in enumerate(_row):
        near = _row[max(0, _i - 1) : _i] + _row[_i + 1 : _i + 2]
        _NEIGHBOURS[_c] = near
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D"})


def typo(text: str, rng: random.Random) -> str:
    """One keyboard error: neighbouring key, dropped, doubled or transposed letter."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    c = text[i]
    if kind == 0 and c.lower() in _NEIGHBOURS:
        sub = rng.choice(_NEIGHBOURS[c.lower()])
        return text[:i] + (sub.upper() if c.isupper() else sub) + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + c + text[i:]
    if text[i] != text[i + 1]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


def ascii_fold(text: str) -> str:
    """Drop diacritics as systems without Unicode did (Łukasz -> Lukasz, Dvořák -> Dvorak)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def swap_day_month(d: date) -> date | None:
    """``d`` with day and month exchanged, or None where that is not a different valid date."""
    if d.day > 12 or d.day == d.month:
        return None
    return date(d.year, d.day, d.month)


def mistype_date(d: date, rng: random.Random) -> date:
    """A plausible keying error in a date: a day or year off, or a wrong digit of the day."""
    kind = rng.randrange(3)
    if kind == 0:
        return date(d.year + rng.choice((-1, 1)), d.month, min(d.day, 28))
    if kind == 1:
        return date(d.year, d.month, max(1, min(28, d.day + rng.choice((-2, -1, 1, 2)))))
    day = int(f"{d.day:02d}"[0] + str(rng.randrange(10)))
    return date(d.year, d.month, day if 1 <= day <= 28 and day != d.day else (d.day % 28) + 1)


@dataclass
class Recorded:
    """A person's identifying details as one agency recorded them, with the noise applied."""

    forename: str
    surname: str
    dob: date | None
    ethnicity: str
    alias: str = ""
    noise: list[str] = field(default_factory=list)


def record_person(
    forename: str,
    surname: str,
    dob: date,
    ethnicity: str,
    origin: str,
    female: bool,
    rates: dict[str, float],
    rng: random.Random,
    book: NameBook,
) -> Recorded:
    """Apply an agency's noise rates to a person's true details."""
    noise: list[str] = []
    fn, sn = forename, surname
    fv = book.variants(fn, surname=False)
    if fv and rng.random() < rates["variant"]:
        fn = rng.choice(fv)
        noise.append("variant_forename")
    sv = book.variants(sn, surname=True)
    if sv and rng.random() < rates["variant"]:
        sn = rng.choice(sv)
        noise.append("variant_surname")
    if rng.random() < rates["typo"]:
        fn = typo(fn, rng)
        noise.append("typo_forename")
    if rng.random() < rates["typo"]:
        sn = typo(sn, rng)
        noise.append("typo_surname")
    if not (fn + sn).isascii() and rng.random() < rates["ascii_fold"]:
        fn, sn = ascii_fold(fn), ascii_fold(sn)
        noise.append("ascii_fold")
    if rng.random() < rates["swap_names"]:
        fn, sn = sn, fn
        noise.append("swap_names")
    rec_dob: date | None = dob
    if rng.random() < rates["missing_dob"]:
        rec_dob = None
        noise.append("missing_dob")
    else:
        swapped = swap_day_month(dob)
        if swapped is not None and rng.random() < rates["dob_day_month_swap"]:
            rec_dob = swapped
            noise.append("dob_day_month_swap")
        elif rng.random() < rates["dob_typo"]:
            rec_dob = mistype_date(dob, rng)
            noise.append("dob_typo")
    eth = ethnicity
    if rng.random() < rates["missing_ethnicity"]:
        eth = ""
        noise.append("missing_ethnicity")
    alias = ""
    if rng.random() < rates["alias"]:
        alias = f"{book.forename(origin, female, rng)} {surname}"
        noise.append("alias")
    return Recorded(fn, sn, rec_dob, eth, alias, noise)


def format_vrm(vrm: str, rng: random.Random, variability: float = 0.4) -> str:
    """A VRM as typed: canonical ``AB12 CDE`` or without space, lower case or hyphenated."""
    if rng.random() >= variability:
        return vrm
    compact = vrm.replace(" ", "")
    return rng.choice(
        (compact, vrm.lower(), compact.lower(), f"{compact[:2]}-{compact[2:4]}-{compact[4:]}")
    )


def format_phone(e164: str, rng: random.Random, variability: float = 0.6) -> str:
    """A UK mobile as written: E.164, national with or without spaces, or 44 without plus."""
    if rng.random() >= variability:
        return e164
    national = "0" + e164[3:]
    return rng.choice(
        (
            national,
            f"{national[:5]} {national[5:]}",
            e164[1:],
            f"({national[:5]}) {national[5:8]} {national[8:]}",
        )
    )


def format_postcode(postcode: str, rng: random.Random, variability: float = 0.2) -> str:
    """A postcode as typed: canonical, without the space, or in lower case."""
    if rng.random() >= variability:
        return postcode
    return rng.choice((postcode.replace(" ", ""), postcode.lower()))


def format_date(d: date | None, fmt: str) -> str:
    """Format ``d`` with a strftime pattern, independent of locale (empty for None)."""
    if d is None:
        return ""
    if "%b" in fmt:
        fmt = fmt.replace("%b", MONTHS[d.month - 1])
    return d.strftime(fmt)
