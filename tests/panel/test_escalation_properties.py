"""Escalation as properties: levels never fall as time passes, start only after the deadline,
rise by at most one per period, and stop at the maximum (actions and intelligence alike)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from joinedup.panel.actions import escalation_level as action_level
from joinedup.panel.config import ActionPolicy, routing
from joinedup.panel.intelligence import escalation_level as route_level

policies = st.builds(
    ActionPolicy,
    version=st.just("p"),
    escalate_after_days=st.integers(0, 30),
    escalate_every_days=st.integers(1, 30),
    max_escalation_level=st.integers(1, 5),
)


@given(policy=policies, day=st.integers(-400, 400), later=st.integers(0, 400))
def test_action_levels_rise_step_by_step_and_stop(
    policy: ActionPolicy, day: int, later: int
) -> None:
    now, then = action_level(day, policy), action_level(day + later, policy)
    assert 0 <= now <= then <= policy.max_escalation_level
    assert (now == 0) == (day <= policy.escalate_after_days)
    one_period = action_level(day + policy.escalate_every_days, policy)
    assert one_period - now <= 1 or now == 0  # at most one level per period once escalated


@given(
    urgency=st.sampled_from(["routine", "urgent", "immediate"]),
    minutes=st.integers(-10_000, 100_000),
    later=st.integers(0, 100_000),
)
def test_route_levels_rise_once_per_missed_deadline_and_stop(
    urgency: str, minutes: int, later: int
) -> None:
    rules = routing()
    due = datetime(2013, 3, 4, 12, tzinfo=UTC)
    at = due + timedelta(minutes=minutes)
    now = route_level(rules, urgency, due, at)
    then = route_level(rules, urgency, due, at + timedelta(minutes=later))
    assert 0 <= now <= then <= rules.max_escalation_level
    assert (now == 0) == (at <= due)
    hours = rules.deadlines_hours[urgency]  # type: ignore[index]
    if now:
        assert route_level(rules, urgency, due, at + timedelta(hours=hours)) - now <= 1
