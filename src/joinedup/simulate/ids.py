"""Identifiers in their real formats: NHS numbers, UPNs, VRMs, phone numbers, badges."""

from __future__ import annotations

import random

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
VRM_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"  # no I, Q in the random part
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


NHS_SERIAL_LIMIT = 10_000_000  # serials below this get distinct NHS numbers


def nhs_number(serial: int) -> str:
    """A 10-digit NHS number with a valid modulus-11 check digit, distinct for each ``serial``.

    Numbers start with 9 and so lie in a range that the NHS never issued to real patients
    in England (the 999 test range is avoided too), keeping them recognisably synthetic.
    The body is a permutation of ``serial``; when its check digit would be 10 (such a body
    is never issued) or it falls in the 999 range, the next try is ``serial`` plus a
    multiple of ``NHS_SERIAL_LIMIT``, which no other serial below the limit can reach, so
    distinct serials never share a number.
    """
    if not 0 <= serial < NHS_SERIAL_LIMIT:
        raise ValueError(f"NHS number serial out of range: {serial}")
    for k in range(100_000_000 // NHS_SERIAL_LIMIT):
        body = f"9{((serial + k * NHS_SERIAL_LIMIT) * 7919) % 100_000_000:08d}"
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10 and not body.startswith("999"):
            return body + str(check)
    raise ValueError(f"no valid NHS number for serial {serial}")  # pragma: no cover


def upn(la_code: str, school: int, year: int, serial: int) -> str:
    """A 13-character Unique Pupil Number with its check letter (DfE algorithm)."""
    body = f"{la_code}{school:04d}{year % 100:02d}{serial % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, range(2, 14), strict=True))
    return UPN_LETTERS[total % 23] + body


def vrm(rng: random.Random, areas: list[str], year: int) -> str:
    """A current-format registration mark, e.g. ``YA05 KDE`` (age identifier from ``year``)."""
    age = year % 100 if rng.random() < 0.5 or year < 2002 else (year % 100) + 50
    if year < 2002:
        age = 51  # a 2001 plate: the current format began in September 2001
    return f"{rng.choice(areas)}{age:02d} {''.join(rng.choices(VRM_LETTERS, k=3))}"


def mobile(serial: int) -> str:
    """An E.164 UK mobile number, unique per ``serial``, starting in the 07700 900 range.

    Ofcom reserves only 1,000 drama numbers (07700 900000-900999), too few for a borough, so
    numbers continue upwards from that range; all are synthetic.
    """
    return f"+4477{9_000_000 + serial:08d}"


def badge(serial: int, kind: str) -> str:
    """A licensing badge number: ``HC`` for hackney carriage, ``PH`` for private hire."""
    return f"{'HC' if kind == 'hackney' else 'PH'}{serial:05d}"


def pnc_id(year: int, serial: int) -> str:
    """A Police National Computer id such as ``03/123456A`` (check letter simplified)."""
    return f"{year % 100:02d}/{serial:06d}{UPN_LETTERS[(year * 7 + serial) % 23]}"


def crn(serial: int) -> str:
    """A probation case reference number such as ``X123456``."""
    return f"X{serial:06d}"
