"""A small generator of synthetic person records with known truth (tests and benchmarks).

Entirely invented data: names are drawn from short lists of common forenames and surnames
(or, with ``realistic=True``, by realistic frequency from :mod:`joinedup.linkage.population`);
each person gets one or more records across agencies, corrupted with the errors linkage must
survive (typos, nicknames and transliteration variants, swapped names, day/month swaps, near
dates, missing values, moves). Not the borough simulator: no events, no networks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from joinedup.linkage.names import variant_groups
from joinedup.linkage.population import (
    Population,
    build_population,
    realistic_dob,
    realistic_postcode,
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SOUTH_ASIAN_FORENAMES = _words(
    "mohammed ahmed ali hussain omar usman yusuf ibrahim imran bilal hamza zain tariq "
    "rashid aisha fatima khadija maryam zainab amina sana layla yasmin nadia hafsa "
    "nasreen parveen shazia rubina safiya sumaya priya sunil manpreet gurpreet "
    "harpreet sandeep"
)
SOUTH_ASIAN_SURNAMES = _words(
    "khan hussain choudhury ahmed mohammed ali begum rahman islam miah uddin akhtar "
    "shah patel singh kaur qureshi siddiqui malik mahmood rashid yousaf aziz hassan "
    "haque sheikh syed iqbal bhatti mirza"
)
OTHER_FORENAMES = _words(
    "robert william margaret elizabeth richard james john thomas christopher michael "
    "anthony daniel david joseph samuel benjamin alexander andrew matthew edward "
    "charles henry oliver jack harry george noah leo emily olivia amelia isla ava mia "
    "ella grace lily freya chloe ruby evie sophie jessica rebecca hannah lucy "
    "katherine victoria jennifer"
)
OTHER_SURNAMES = _words(
    "smith jones williams taylor brown davies evans wilson thomas johnson roberts "
    "walker wright robinson thompson white hughes edwards green hall wood harris "
    "lewis martin jackson clarke clark turner hill scott cooper morris ward moore "
    "king watson baker harrison morgan kowalski nowak murphy kelly"
)
AGENCIES = ("police", "social_care", "education", "health", "youth_justice")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_DISTRICTS = [f"S{n}" for n in range(60, 75)] + [f"S{n}" for n in range(1, 30)]


@dataclass(frozen=True)
class NoiseRates:
    """Probability of each corruption per duplicate record."""

    typo: float = 0.15
    variant: float = 0.12
    swap_names: float = 0.03
    swap_day_month: float = 0.03
    near_date: float = 0.03
    dob_typo: float = 0.04
    missing: float = 0.05
    moved: float = 0.25


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + rng.choice(_LETTERS) + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def _variant(rng: random.Random, text: str, groups: dict[str, list[str]]) -> str:
    members = [m for m in groups.get(text, []) if m != text]
    return rng.choice(members) if members else text


_SYLLABLES = _words("ka ri mo la ne shi to ba ven dor el an is ur go fa le mi ro sa ti hal ber win")


def _invent(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randrange(2, 4)))


def _postcode(rng: random.Random) -> str:
    unit = rng.choice(_UNIT_LETTERS) + rng.choice(_UNIT_LETTERS)
    return f"{rng.choice(_DISTRICTS)} {rng.randrange(1, 10)}{unit}"


def _realistic_pools(rng: random.Random) -> Population:
    forename_table = sorted(set(variant_groups("forename")) - set(SOUTH_ASIAN_FORENAMES))
    other_forenames = list(dict.fromkeys([*OTHER_FORENAMES, *forename_table]))
    other_surnames = list(dict.fromkeys([*OTHER_SURNAMES, *variant_groups("surname")]))
    other_surnames = [s for s in other_surnames if s not in SOUTH_ASIAN_SURNAMES]
    return build_population(
        rng,
        {
            "south_asian": (list(SOUTH_ASIAN_FORENAMES), list(SOUTH_ASIAN_SURNAMES)),
            "other": (other_forenames, other_surnames),
        },
    )


def generate_people(
    n_people: int,
    *,
    seed: int = 1,
    south_asian_share: float = 0.3,
    records_per_person: tuple[int, ...] = (1, 1, 2, 2, 3, 4),
    noise: NoiseRates | None = None,
    invented_names: int = 0,
    realistic: bool = False,
) -> tuple[list[dict[str, Any]], dict[str, str], dict[str, str]]:
    """Records on the ingest contract, ``record_id -> person`` truth and ``record_id -> origin``.

    Origins are ``south_asian`` or ``other`` (the name lists the person was drawn from).
    ``invented_names`` adds that many made-up forenames and ten times as many surnames to
    the ``other`` pools (half of such people draw from them), for realistic block sizes at
    scale. ``realistic=True`` instead draws names by realistic frequency from
    :mod:`joinedup.linkage.population` (common names first, a long tail of distinct ones),
    postcodes from over a million units and dates of birth from 85 years, and gives no two
    people the same name and date of birth: the generator for measuring accuracy at scale.
    """
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    invented_f = [_invent(rng) for _ in range(invented_names)]
    invented_s = [_invent(rng) for _ in range(invented_names * 10)]
    pools = _realistic_pools(rng) if realistic else None
    identities: set[tuple[str, str, date]] = set()
    noise = noise or NoiseRates()
    fgroups, sgroups = variant_groups("forename"), variant_groups("surname")
    records: list[dict[str, Any]] = []
    truth: dict[str, str] = {}
    origin: dict[str, str] = {}
    epoch = date(1980, 1, 1)
    draw_postcode = realistic_postcode if realistic else _postcode
    for p in range(n_people):
        south_asian = rng.random() < south_asian_share
        if pools is not None:
            group = "south_asian" if south_asian else "other"
            while True:
                forename = pools.forenames[group].draw(rng)
                surname = pools.surnames[group].draw(rng)
                dob = realistic_dob(rng)
                if (forename, surname, dob) not in identities:
                    identities.add((forename, surname, dob))
                    break
        else:
            forename = rng.choice(SOUTH_ASIAN_FORENAMES if south_asian else OTHER_FORENAMES)
            surname = rng.choice(SOUTH_ASIAN_SURNAMES if south_asian else OTHER_SURNAMES)
            if invented_names and rng.random() < 0.5:
                forename = rng.choice(invented_f)
            if invented_names and rng.random() < 0.8:
                surname = rng.choice(invented_s)
            dob = epoch + timedelta(days=rng.randrange(0, 365 * 40))
        sex = rng.choice(("1", "2"))
        postcode = draw_postcode(rng)
        ids = {"nhs_number": f"{rng.randrange(10**9, 10**10)}", "upn": f"U{p:09d}"}
        person = f"P{p:07d}"
        for r in range(rng.choice(records_per_person)):
            f, s, d, pc = forename, surname, dob.isoformat(), postcode
            if r > 0:
                if rng.random() < noise.variant:
                    f = _variant(rng, f, fgroups)
                if rng.random() < noise.variant / 2:
                    s = _variant(rng, s, sgroups)
                if rng.random() < noise.typo:
                    f = _typo(rng, f)
                if rng.random() < noise.typo:
                    s = _typo(rng, s)
                if rng.random() < noise.swap_names:
                    f, s = s, f
                if rng.random() < noise.swap_day_month and dob.day <= 12 and dob.day != dob.month:
                    d = f"{dob.year:04d}-{dob.day:02d}-{dob.month:02d}"
                elif rng.random() < noise.near_date:
                    d = (dob + timedelta(days=rng.choice((-40, -2, 3, 30, 200)))).isoformat()
                elif rng.random() < noise.dob_typo:
                    d = _typo(rng, d[:8]) + d[8:] if rng.random() < 0.5 else d[:9] + "1"
                if rng.random() < noise.moved:
                    pc = draw_postcode(rng)
            agency = rng.choice(AGENCIES)
            record_id = f"{agency[:3].upper()}-{len(records):08d}"
            record: dict[str, Any] = {
                "record_id": record_id,
                "agency": agency,
                "forename": f.title() if rng.random() > noise.missing else None,
                "surname": s.upper() if rng.random() > 0.5 else s.title(),
                "date_of_birth": d if rng.random() > noise.missing else None,
                "sex": sex if rng.random() > noise.missing else "9",
                "postcode": pc if rng.random() > noise.missing else None,
                "nhs_number": ids["nhs_number"] if agency == "health" else None,
                "upn": ids["upn"] if agency == "education" else None,
                "police_id": None,
            }
            records.append(record)
            truth[record_id] = person
            origin[record_id] = "south_asian" if south_asian else "other"
    return records, truth, origin
