"""The probation export: associates as nDelius personal contacts record them."""

from __future__ import annotations

from .helpers import rows


def test_some_associates_carry_an_address_line_and_postcode_together(borough) -> None:  # type: ignore[no-untyped-def]
    out, _ = borough
    associates = rows(out, "probation", "associates.csv")
    with_address = [r for r in associates if r["associate_address"]]
    assert associates and 0 < len(with_address) < len(associates)
    assert all(bool(r["associate_address"]) == bool(r["associate_postcode"]) for r in associates)
