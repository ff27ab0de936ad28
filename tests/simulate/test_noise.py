"""Noise rates in the exports match the scenario's settings (compared against the truth)."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from joinedup.simulate.ids import nhs_number, upn
from joinedup.simulate.names import namebook
from joinedup.simulate.noise import ascii_fold, format_phone, swap_day_month, typo

from .helpers import rows, truth


def _police_pairs(borough):  # type: ignore[no-untyped-def]
    out, _ = borough
    people = {p["person_id"]: p for p in truth(out, "persons.csv")}
    owner = {
        r["record_key"]: r["person_id"]
        for r in truth(out, "records.csv")
        if r["file"] == "persons.csv"
    }
    return [(row, people[owner[row["person_ref"]]]) for row in rows(out, "police", "persons.csv")]


def test_day_month_swap_rate(borough) -> None:  # type: ignore[no-untyped-def]
    swapped = eligible = 0
    for row, person in _police_pairs(borough):
        dob = date.fromisoformat(person["dob"])
        if not row["date_of_birth"] or swap_day_month(dob) is None:
            continue
        eligible += 1
        swapped += datetime.strptime(row["date_of_birth"], "%d/%m/%Y").date() == swap_day_month(dob)
    assert eligible > 300
    assert abs(swapped / eligible - 0.03) < 0.02


def test_forename_variant_rate(borough) -> None:  # type: ignore[no-untyped-def]
    book = namebook()
    varied = eligible = 0
    for row, person in _police_pairs(borough):
        others = set(book.variants(person["forename"], surname=False))
        if not others or "swap_names" in row["forename"]:
            continue
        eligible += 1
        varied += row["forename"] in others
    assert eligible > 100
    assert abs(varied / eligible - 0.15) < 0.07


def test_missing_dob_rate(borough) -> None:  # type: ignore[no-untyped-def]
    pairs = _police_pairs(borough)
    share = sum(not row["date_of_birth"] for row, _ in pairs) / len(pairs)
    assert abs(share - 0.05) < 0.025


def test_duplicates_point_to_the_same_person(borough) -> None:  # type: ignore[no-untyped-def]
    out, _ = borough
    records = truth(out, "records.csv")
    owner = {(r["agency"], r["file"], r["record_key"]): r["person_id"] for r in records}
    dups = [r for r in records if r["duplicate_of"]]
    assert dups
    for r in dups:
        if r["file"] in (
            "persons.csv",
            "ssd_person.csv",
            "pupils.csv",
            "drivers.csv",
            "supervision.csv",
        ):
            assert owner[(r["agency"], r["file"], r["duplicate_of"])] == r["person_id"]


def test_victim_blaming_notes_recorded(borough) -> None:  # type: ignore[no-untyped-def]
    out, _ = borough
    notes = truth(out, "notes.csv")
    blaming = [n for n in notes if n["victim_blaming"] == "1"]
    assert blaming and len(blaming) < len(notes) / 2
    text = {r["event_ref"]: r["summary"] for r in rows(out, "police", "events.csv")}
    for n in blaming:
        if n["agency"] == "police":
            phrase = n["phrases"].split(";")[0]
            assert phrase.split(" ")[0] in text[n["record_key"]].lower()


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2020, 12, 31)))
def test_day_month_swap_is_an_involution(d: date) -> None:
    s = swap_day_month(d)
    assert s is None or (s != d and swap_day_month(s) == d)


@given(st.integers(min_value=0, max_value=10**7 - 1))
def test_nhs_numbers_have_valid_check_digit(serial: int) -> None:
    n = nhs_number(serial)
    total = sum(int(c) * w for c, w in zip(n[:9], range(10, 1, -1), strict=True))
    assert len(n) == 10 and (11 - total % 11) % 11 == int(n[9])


@given(st.integers(0, 9999), st.integers(1990, 2030), st.integers(0, 999))
def test_upn_shape(school: int, year: int, serial: int) -> None:
    u = upn("998", school, year, serial)
    assert len(u) == 13 and u[0].isalpha() and u[1:].isdigit()


@given(st.text(alphabet="abcdefghijklmnop", min_size=3, max_size=12))
def test_typo_changes_at_most_two_characters(name: str) -> None:
    import random

    out = typo(name, random.Random(name))
    assert abs(len(out) - len(name)) <= 1


def test_ascii_fold_and_phone_formats() -> None:
    import random

    assert ascii_fold("Łukasz Dvořák") == "Lukasz Dvorak"
    forms = {format_phone("+447700900123", random.Random(i), 1.0) for i in range(50)}
    assert {"07700900123", "447700900123"} <= forms
