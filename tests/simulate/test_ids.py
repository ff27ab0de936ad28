"""NHS numbers: valid (modulus 11) and never shared by two people."""

from __future__ import annotations

import pytest

from joinedup.simulate import ids
from tests.simulate.helpers import truth


def valid_nhs_number(number: str) -> bool:
    if len(number) != 10 or not number.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:9], range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return check != 10 and int(number[9]) == check


def test_serials_get_distinct_valid_numbers() -> None:
    # 0..199,999 covers many serials whose first body has check digit 10: before the fix
    # such a serial n took n + 1's number.
    numbers = [ids.nhs_number(serial) for serial in range(200_000)]
    assert len(set(numbers)) == len(numbers)
    assert all(valid_nhs_number(n) and n.startswith("9") for n in numbers)
    assert not any(n.startswith("999") for n in numbers)


def test_serial_with_check_digit_ten_does_not_take_the_next() -> None:
    # serial 5 maps to body 900039595, whose check digit would be 10
    assert ids.nhs_number(5) != ids.nhs_number(6)
    assert valid_nhs_number(ids.nhs_number(5))


def test_serial_out_of_range() -> None:
    with pytest.raises(ValueError):
        ids.nhs_number(ids.NHS_SERIAL_LIMIT)


def test_people_in_the_borough_have_distinct_valid_nhs_numbers(borough) -> None:  # type: ignore[no-untyped-def]
    out, _ = borough
    numbers = [p["nhs_number"] for p in truth(out, "persons.csv") if p["nhs_number"]]
    assert len(numbers) > 1000
    assert len(set(numbers)) == len(numbers)
    assert all(valid_nhs_number(n) for n in numbers)
