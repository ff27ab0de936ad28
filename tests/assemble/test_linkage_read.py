"""Linkage reads only the record types it can use (issue 19): on the simulated borough, the
person records and their context are the same as when every stored record is read."""

from __future__ import annotations

import pytest

from joinedup.linkage import sources
from tests.assemble.conftest import SERVICE, Borough


def test_skipping_record_types_changes_no_person_record_or_context(
    borough: Borough, monkeypatch: pytest.MonkeyPatch
) -> None:
    skipped = sources.skipped_record_types()
    assert {"attendance", "case_notes"} <= skipped
    assert not skipped & {"pupils", "persons", "links", "locations", "ssd_address"}
    with borough.door.session(*SERVICE) as s:
        records, context = sources.person_records_with_context(s)
        monkeypatch.setattr(sources, "skipped_record_types", frozenset)
        everything, all_context = sources.person_records_with_context(s)
    assert len(records) > 100 and records == everything
    assert context.tokens and context.neighbours
    assert context == all_context
