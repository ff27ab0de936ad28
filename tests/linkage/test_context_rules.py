"""The shipped ``relations`` rules read the context the agencies' exports carry."""

from __future__ import annotations

from joinedup.linkage.context import ContextCollector, address_token
from joinedup.linkage.enrich import SourceRow, load_source_rules


def _row(record_id: str, record_type: str, key: str, payload: dict[str, str]) -> SourceRow:
    names = {"forename": payload.get("forename") or payload.get("associate_forename", "")}
    return SourceRow(record_id, "A1", record_type, key, payload, names)


def test_a_probation_associate_shares_its_recorded_address_with_the_pupil() -> None:
    collector = ContextCollector(load_source_rules())
    rows = [
        _row(
            "r1",
            "associates",
            "AS1",
            {
                "associate_forename": "Keeley",
                "crn": "X1",
                "associate_address": "12 Mill Lane",
                "associate_postcode": "s60 2xy",
            },
        ),
        _row("r2", "associates", "AS2", {"associate_forename": "Amy", "crn": "X1"}),
        _row(
            "r3",
            "pupils",
            "U1",
            {"forename": "Keeley", "address": "12 Mill Lane", "postcode": "S60 2XY"},
        ),
    ]
    for row in rows:
        collector.read(row)
    context = collector.finish({"r1", "r2", "r3"})
    token = address_token("12 Mill Lane", "S60 2XY")
    assert context.tokens["r1"] == {token} == context.tokens["r3"]
    assert "r2" not in context.tokens  # no address recorded, no token
