"""The staff directory: colleagues by name or id, my panels, and a panel's members."""

from __future__ import annotations

import pytest

from joinedup.access import directory
from joinedup.store.staff import UnknownColleague
from tests.conftest import Store


def test_colleagues_panels_and_members(store: Store) -> None:
    sw = store.user("sw", "Dunmere social care", "social_worker")
    store.user("chair", "Dunmere police", "panel_chair")
    store.user("outsider", "Dunmere police", "analyst")
    with store.door.session("admin", "administration") as s:
        panel = directory.add_panel(s, "Dunmere MASE", "Dunmere police")
        directory.add_panel_member(s, "Dunmere MASE", "chair")
        directory.add_panel_member(s, "Dunmere MASE", "sw")
    with store.door.session("chair", "panel") as s:
        found = s.colleague("sw")
        assert (found.user_id, found.role) == (sw, "social_worker")
        assert found.agency_id == store.agencies["Dunmere social care"]
        with pytest.raises(UnknownColleague):
            s.colleague("nobody")
        assert set(s.colleagues([sw, "missing-id"])) == {sw}
        assert [p.name for p in s.my_panels()] == ["Dunmere MASE"]
        assert [m.username for m in s.panel_members(panel.id)] == ["chair", "sw"]
    with store.door.session("outsider", "analysis") as s:
        assert s.my_panels() == []
        assert s.panel_members(panel.id) == []  # not a member: sees nobody
