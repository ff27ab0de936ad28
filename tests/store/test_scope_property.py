"""Property: get(actor, id) succeeds if and only if id appears in list(actor)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from joinedup.access import directory
from joinedup.model.base import utcnow
from joinedup.model.safeguarding import Flag
from joinedup.store.actor_session import NotFound
from tests.conftest import PURPOSE, Store

AGENCIES = ("A", "B", "C")
ROLES = ("analyst", "social_worker", "panel_chair", "referrer", "auditor", "admin", "pipeline")

world = st.fixed_dictionaries(
    {
        "role": st.sampled_from(ROLES),
        "home": st.sampled_from(AGENCIES),
        "flags": st.lists(st.sampled_from(AGENCIES), min_size=1, max_size=6),
        "grants": st.lists(
            st.tuples(st.sampled_from(AGENCIES), st.sampled_from(("live", "expired", "revoked"))),
            max_size=3,
        ),
        "erase_first": st.booleans(),
    }
)


_counter = itertools.count()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(w=world)
def test_get_succeeds_iff_listed(store: Store, w: dict) -> None:  # type: ignore[type-arg]
    n = next(_counter)
    for name in AGENCIES:
        store.agency(name)
    username = f"user{n}-{w['role'].replace('_', '-')}"
    if w["role"] == "pipeline":  # the service account's role: only init creates one
        username = "joinedup-service"
    else:
        store.user(username, w["home"], w["role"])
    with store.door.session("joinedup-service", "data_ingest") as s:
        flags = [
            s.add(
                Flag(
                    agency_id=store.agencies[a], rule_id="r", subject_type="person", subject_id="p"
                )
            )
            for a in w["flags"]
        ]
    grantable = w["role"] not in ("pipeline", "auditor", "admin")
    for agency, state in w["grants"] if grantable else []:
        if agency == w["home"]:
            continue  # no grant to one's own agency
        grant = store.grant(username, agency, PURPOSE[w["role"]])
        with store.door.session("admin", "administration") as s:
            if state == "expired":
                s.update(type(grant), grant.id, expires_at=utcnow() - timedelta(minutes=1))
            elif state == "revoked":
                directory.revoke_grant(s, grant.id)
    if w["erase_first"]:
        store.user(f"dpo{n}", "A", "auditor")
        with store.door.session(f"dpo{n}", "audit") as s:
            s.erase(Flag, flags[0].id, reason="test")
    probe = [f.id for f in flags] + ["00000000-0000-4000-8000-000000000000"]
    with store.door.session(username, PURPOSE[w["role"]]) as s:
        listed = {f.id for f in s.list(Flag)}
        for obj_id in probe:
            try:
                s.get(Flag, obj_id)
                got = True
            except NotFound:
                got = False
            assert got == (obj_id in listed)
