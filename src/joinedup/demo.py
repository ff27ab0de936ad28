"""The demonstration run: a small synthetic partnership, end to end, on the configured store.

Idempotent: running it again on the same database reuses what it created. Every step goes
through the door, so the audit chain it leaves behind verifies.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from joinedup.access import directory
from joinedup.access.bootstrap import initialise
from joinedup.model.access import Grant
from joinedup.model.base import utcnow
from joinedup.model.organisation import Agency
from joinedup.model.records import SourceRecord
from joinedup.runtime import Runtime
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.store.actor_session import ActorSession, NotFound

ADMIN = "demo-admin"
POLICE, SOCIAL_CARE = "Brackenfield Police", "Brackenfield Children's Social Care"
USERS = (
    ("demo-analyst", POLICE, "analyst"),
    ("demo-social-worker", SOCIAL_CARE, "social_worker"),
    ("demo-dpo", "Safeguarding partnership", "auditor"),
)
# synthetic records: (agency, record type, agency key, payload)
RECORDS = (
    (POLICE, "person", "PN-1001", {"forename": "Amber", "surname": "Lowe", "dob": "2003-04-11"}),
    (POLICE, "event", "INC-2207", {"type": "missing_episode", "date": "2017-06-02"}),
    (POLICE, "person", "PN-1002", {"forename": "Kyle", "surname": "Dunn", "dob": "1985-09-30"}),
    (
        SOCIAL_CARE,
        "ssd_person",
        "SC-77",
        {"forename": "Amber", "surname": "Low", "dob": "2003-11-04"},
    ),
    (SOCIAL_CARE, "ssd_assessment_factors", "AF-9", {"factor": "11A", "date": "2017-06-09"}),
)


def _get_or_add_agency(s: ActorSession, name: str, kind: str) -> Agency:
    try:
        return directory.agency_by_name(s, name)
    except NotFound:
        return directory.add_agency(s, name, kind)


def _setup(s: ActorSession) -> None:
    _get_or_add_agency(s, POLICE, "police")
    _get_or_add_agency(s, SOCIAL_CARE, "social_care")
    for username, agency, role in USERS:
        try:
            directory.user_by_name(s, username)
        except NotFound:
            directory.add_user(s, username, agency, role, display_name=f"Demo {role}")


def run_demo(rt: Runtime, say: Callable[[str], None]) -> bool:
    """Run the demonstration; returns True when the audit chain verifies at the end."""
    say("[bold]1. Initialise[/] the store, keys and system accounts")
    initialise(rt.engine, rt.audit_key, rt.settings.home / "checkpoints", admin=(ADMIN, None))
    door = rt.door

    say("[bold]2. Administration[/]: two agencies and three users (the admin sees no case data)")
    with door.session(ADMIN, "administration") as s:
        _setup(s)

    say("[bold]3. Collection[/]: the pipeline loads synthetic records for both agencies")
    with door.session(SERVICE_ACCOUNT, "demonstration") as s:
        agency_ids = {a.name: a.id for a in s.list(Agency)}
        existing = {r.agency_key for r in s.list(SourceRecord)}
        new = [
            SourceRecord(agency_id=agency_ids[a], record_type=t, agency_key=k, payload=p)
            for a, t, k, p in RECORDS
            if k not in existing
        ]
        s.add_all(new)
        say(f"   {len(new)} new records ({len(existing)} already present)")

    say("[bold]4. Scoped reads[/]: each worker sees only their own agency's records")
    with door.session("demo-analyst", "demonstration") as s:
        police_rows = s.list(SourceRecord)
        say(f"   police analyst sees {sorted(r.agency_key for r in police_rows)}")
    with door.session("demo-social-worker", "demonstration") as s:
        visible = s.list(SourceRecord)
        say(f"   social worker sees {sorted(r.agency_key for r in visible)}")
        target = next(r for r in police_rows if r.agency_key == "PN-1001")
        try:
            s.get(SourceRecord, target.id)
        except NotFound as exc:
            say(f"   social worker asks for police record PN-1001: [italic]{exc}[/]")

    say("[bold]5. Expiring grant[/]: police share with the social worker for 7 days")
    with door.session(ADMIN, "administration") as s:
        worker = directory.user_by_name(s, "demo-social-worker")
        live = [g for g in s.list(Grant, where={"user_id": worker.id}) if g.revoked_at is None]
        if not any(g.expires_at > utcnow() for g in live):
            directory.add_grant(
                s,
                "demo-social-worker",
                POLICE,
                "safeguarding",
                "strategy discussion about a missing child",
                utcnow() + timedelta(days=7),
            )
    with door.session("demo-social-worker", "demonstration") as s:
        seen = s.get(SourceRecord, target.id)
        say(f"   now the social worker can read {seen.agency_key}: {seen.payload}")

    say("[bold]6. Who looked at PN-1001, and why[/] (auditor)")
    with door.session("demo-dpo", "demonstration") as s:
        for event in s.audit_trail(target.id):
            say(
                f"   #{event.seq} {event.occurred_at[:19]} {event.actor_name} ({event.role}) "
                f"{event.operation}/{event.access} for {event.purpose}"
            )

    say("[bold]7. Verify the audit chain[/]")
    with door.session("demo-dpo", "demonstration") as s:
        result = s.verify_chain(door.checkpoint())
    if result.ok:
        say(f"   intact: {result.rows_checked} rows verified")
    else:
        say(f"   [red]BROKEN[/]: {result.problem}")
    return result.ok
