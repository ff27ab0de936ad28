"""The demonstration's information-sharing agreements: the CSE team's and the partnership
analyst's, recorded by the administrator and approved by each party agency's information
governance lead (synthetic accounts ``demo-ig-<kind>``), and what each gives its members."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from joinedup.access import agreements as isa
from joinedup.access import directory
from joinedup.app.runtime import Runtime
from joinedup.model.organisation import Agency
from joinedup.model.records import SourceRecord
from joinedup.model.sharing import AgreementParty
from joinedup.network.report import problem_profile
from joinedup.network.scope import Window
from joinedup.store.actor_session import ActorSession, NotFound

CSE_TEAM = "Dunmere CSE team"
PARTNERSHIP_ANALYSIS = "Dunmere partnership analysis"
BASIS = (
    "Children Act 1989 s.47 and 2004 s.11; Working Together to Safeguard Children 2023; "
    "DPA 2018 s.35 and Sch. 8 para 4 (safeguarding of children)"
)
#: (name, purpose, extent, members)
AGREEMENTS = (
    (CSE_TEAM, "safeguarding", "open_cse_cases", ("demo-analyst", "demo-social-worker")),
    (PARTNERSHIP_ANALYSIS, "analysis", "aggregate", ("demo-analyst",)),
)
APPROVER_ROLE_OF = "demo-dpo"  # approvers take the role of the partnership's DPO account


def approver(kind: str) -> str:
    """The demo information governance lead of the agency of ``kind``."""
    return f"demo-ig-{kind.replace('_', '-')}"


def _parties(s: ActorSession) -> dict[str, str]:
    """The borough's agencies (kind -> name of the first of that kind), less the partnership's
    own host agency (which holds no case records)."""
    by_kind: dict[str, str] = {}
    for agency in s.list(Agency):
        if agency.kind != "partnership":
            by_kind.setdefault(agency.kind, agency.name)
    return by_kind


def _record(s: ActorSession, parties: dict[str, str], lead: str) -> None:
    role = directory.user_by_name(s, APPROVER_ROLE_OF).role
    for kind, name in parties.items():
        try:
            directory.user_by_name(s, approver(kind))
        except NotFound:
            directory.add_user(s, approver(kind), name, role, display_name=f"Demo IG lead, {name}")
    today = date.today()
    for name, purpose, extent, members in AGREEMENTS:
        try:
            isa.agreement_by_name(s, name)
            continue
        except NotFound:
            pass
        terms = isa.AgreementTerms(
            name,
            lead,
            tuple(parties.values()),
            purpose,
            extent,
            BASIS,
            today - timedelta(days=1),
            today + timedelta(days=730),
        )
        isa.add_agreement(s, terms)
        for member in members:
            isa.add_member(s, name, member)


def set_up_sharing(rt: Runtime, say: Callable[[str], None], admin: str, lead: str) -> None:
    """Record the demo's agreements (once) and have every party approve them."""
    door = rt.door
    with door.session(admin, "administration") as s:
        parties = _parties(s)
        _record(s, parties, lead)
    for kind in parties:
        with door.session(approver(kind), "audit") as s:
            for name, *_ in AGREEMENTS:
                agreement = isa.agreement_by_name(s, name)
                mine = s.list(
                    AgreementParty,
                    where={"agreement_id": agreement.id, "agency_id": s.actor.agency_id},
                )
                if mine and mine[0].approved_at is None:
                    isa.approve_agreement(s, name)
    say(
        f"   {CSE_TEAM} (safeguarding, children with an open CSE flag or case) and "
        f"{PARTNERSHIP_ANALYSIS} (aggregate analysis): {len(parties)} agencies, each approved "
        "by its information governance lead (demo-ig-*)"
    )


def show_sharing(rt: Runtime, say: Callable[[str], None]) -> None:
    """What the agreements give: the CSE team's joined-up reach, the analyst's profile."""
    door = rt.door
    with door.session("demo-social-worker", "safeguarding") as s:
        names = {a.id: a.name for a in s.list(Agency)}
        own = s.actor.agency_id
        seen = Counter(
            names[agency_id]
            for chunk in s.scan(SourceRecord, ["agency_id"])
            for _id, agency_id in chunk
            if agency_id != own
        )
    say(
        f"   the CSE team's social worker, for safeguarding, reads besides social care's own "
        f"records {sum(seen.values()):,} records of children with an open CSE flag or case "
        f"from {len(seen)} other agencies: "
        + ", ".join(f"{a} {n:,}" for a, n in seen.most_common())
    )
    out = rt.settings.home / "demo-partnership-profile.html"
    run = problem_profile(door, "demo-analyst", "analysis", Window(), out, shared=True)
    say(
        f"   the police analyst's partnership profile: {run.children:,} children at risk, "
        f"{run.offenders:,} suspected offenders; persons beyond the analyst's own reach are "
        f"pseudonymised: {run.html}"
    )
