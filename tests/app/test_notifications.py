"""The signed-in user's notifications: each kind, only their agency's (and their own
actions), read and unread, gone once dealt with; no child's name in any sentence."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from joinedup.app.intelligence import acknowledge_route
from joinedup.app.notifications import mark_read, my_notifications, unread_count
from joinedup.app.safeguarding import move_flag
from joinedup.store.tables.audit import AuditEventRow
from tests.app.notification_world import AN, DPO, REF, SW, TODAY, build
from tests.web.conftest import Web

NAMES = ("Aisha", "Ayesha", "Khan", "silver car", "takeaway")


def test_a_social_worker_is_told_of_each_kind_for_their_agency(web: Web) -> None:
    world = build(web)
    found = {n.key: n for n in my_notifications(SW)}
    route = world.routes["Social care"]
    assert f"intelligence:{route}" in found
    escalated = [k for k in found if k.startswith(f"escalation:{route}:")]
    assert len(escalated) == 1 and int(escalated[0].rsplit(":", 1)[1]) >= 1
    assert f"flag:{world.flags['social care']}" in found
    assert f"flag:{world.flags['police']}" not in found  # another agency's flag
    assert f"flag:{world.flags['acknowledged']}" not in found  # already dealt with
    actions = world.actions
    assert f"action_due:{actions['soon']}" in found
    assert f"action_overdue:{actions['overdue']}" in found
    assert f"action_escalated:{actions['escalated']}:1" in found
    assert not any(actions["later"] in k or actions["done"] in k for k in found)
    assert len(found) == 6
    assert "from Health" in found[f"intelligence:{route}"].sentence
    assert found[f"intelligence:{route}"].link == f"/intelligence/{route}"
    flag = world.flags["social care"]
    assert found[f"flag:{flag}"].link == f"/flags/{flag}"
    soon = found[f"action_due:{actions['soon']}"].sentence
    assert f"is due on {(TODAY + timedelta(days=3)).isoformat()}" in soon
    for n in found.values():
        assert not n.read
        assert not any(name.lower() in n.sentence.lower() for name in NAMES), n.sentence
    assert unread_count(SW) == 6


def test_each_user_sees_only_their_agencys_and_their_own(web: Web) -> None:
    world = build(web)
    police = {n.key for n in my_notifications(AN)}
    assert f"intelligence:{world.routes['Police']}" in police
    assert f"flag:{world.flags['police']}" in police
    assert f"flag:{world.flags['social care']}" not in police
    assert not any(k.startswith("action") for k in police)  # the actions are sw.one's
    assert f"intelligence:{world.routes['Social care']}" not in police
    assert my_notifications(REF) == []  # nothing was routed to health; no flags for a referrer
    assert my_notifications(DPO) == []  # an auditor deals with none of these
    assert unread_count(DPO) == 0


def test_marking_read_one_then_all(web: Web) -> None:
    world = build(web, escalate=False)
    key = f"flag:{world.flags['social care']}"
    assert mark_read(SW, [key, "flag:not-mine", f"flag:{world.flags['police']}"]) == 1
    state = {n.key: n.read for n in my_notifications(SW)}
    assert state[key] is True
    assert sum(not read for read in state.values()) == len(state) - 1
    assert unread_count(SW) == len(state) - 1
    assert unread_count(AN) == 2  # another user's state is their own
    mark_read(SW)
    assert unread_count(SW) == 0
    assert all(n.read for n in my_notifications(SW))


def test_a_notification_goes_once_it_is_dealt_with(web: Web) -> None:
    world = build(web, escalate=False)
    route = world.routes["Social care"]
    flag = world.flags["social care"]
    before = {n.key for n in my_notifications(SW)}
    assert {f"intelligence:{route}", f"flag:{flag}"} <= before
    acknowledge_route(SW, route, "read; strategy discussion booked")
    move_flag(SW, flag, "acknowledged", None)
    after = {n.key for n in my_notifications(SW)}
    assert f"intelligence:{route}" not in after and f"flag:{flag}" not in after
    assert before - after == {f"intelligence:{route}", f"flag:{flag}"}


def test_the_count_is_not_audited_and_agrees_with_the_list(web: Web) -> None:
    build(web)
    with web.store.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(AuditEventRow)).scalar_one()
    counts = {who: unread_count(who) for who in (SW, AN, DPO)}
    with web.store.engine.connect() as conn:
        after = conn.execute(select(func.count()).select_from(AuditEventRow)).scalar_one()
    assert after == before
    assert counts[SW] == 6 and counts[DPO] == 0
    for who, count in counts.items():
        assert count == sum(not n.read for n in my_notifications(who))
    with web.store.engine.connect() as conn:
        listed = conn.execute(select(func.count()).select_from(AuditEventRow)).scalar_one()
    assert listed > after  # listing them is audited
