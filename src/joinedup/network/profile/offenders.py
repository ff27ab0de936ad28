"""O: suspected offenders — groups, roles, disruption status, centrality and brokers."""

from __future__ import annotations

from collections import Counter

from joinedup.network.analysis import Analysis
from joinedup.network.centrality import MEASURES, top
from joinedup.network.profile import suppress
from joinedup.network.profile.common import (
    UNKNOWN,
    count_table,
    ethnic_group,
    first_seen,
    sex_label,
)
from joinedup.network.profile.model import Section, Table

# event type -> disruption status, most advanced first
STATUS = {
    "conviction": "Convicted",
    "charge": "Charged",
    "disruption": "Disrupted (e.g. Child Abduction Warning Notice)",
    "supervision": "Under probation supervision",
}
ROLE_LABELS = {
    "controlling_adult": "Controlling adult",
    "suspect": "Suspect",
    "driver": "Driver",
}


def _age_band(age: int | None) -> str:
    if age is None:
        return UNKNOWN
    if age < 18:
        return "Under 18"
    return "18-24" if age < 25 else "25-34" if age < 35 else "35-44" if age < 45 else "45 or over"


def offenders_section(a: Analysis) -> Section:
    """The offenders section of the profile."""
    net = a.net
    below = net.config.profile.suppress_below
    persons = net.assembly.persons
    offenders = set(net.classes.offenders)
    status: dict[str, str] = {}
    seen = first_seen(net, offenders)
    ranks = list(STATUS)
    for event in net.events:
        kind = event.event_type
        if kind not in STATUS:
            continue
        for person in offenders.intersection(net.people_in(event)):
            if person not in status or ranks.index(kind) < ranks.index(status[person]):
                status[person] = kind
    statuses = Counter(STATUS[status[o]] if o in status else "None recorded" for o in offenders)
    roles = Counter(
        ROLE_LABELS.get(role, role.replace("_", " ").capitalize())
        for o in offenders
        for role in net.classes.offender_roles.get(o, set())
    )
    ages = Counter(
        _age_band(p.age_on(seen[o]) if (p := persons.get(o)) and o in seen else None)
        for o in offenders
    )
    sexes = Counter(sex_label(p.sex if (p := persons.get(o)) else None) for o in offenders)
    ethnicity = Counter(
        ethnic_group(p.ethnicity if (p := persons.get(o)) else None) for o in offenders
    )
    groups = a.groups.groups()
    in_groups = sum(len(m) for m in groups.values())
    section = Section(
        "offenders",
        "Offenders: suspected offenders and groups",
        "Persons named as suspects, drivers or controlling adults in events with children, or "
        "linked as a controlling adult to a child. A suspected offender is not a finding of "
        "guilt. Groups are communities found by the Leiden algorithm in the network of ties "
        "between suspected offenders (shared events, children, links, vehicles and phones); a "
        "group held together by one person alone is split there, that person being a broker.",
    )
    section.figures = [
        ("Suspected offenders", suppress.cell(len(offenders), below)),
        ("In groups of two or more", suppress.cell(in_groups, below)),
        ("Groups", str(len(groups))),
        ("Under 18 (peer-on-peer)", suppress.cell(ages.get("Under 18", 0), below)),
        ("Brokers between groups", str(len(a.brokers))),
    ]
    section.tables = [
        _groups_table(a, status, below),
        count_table(
            "Roles recorded (one person may have several)",
            "Role",
            roles,
            below,
            unit="Offenders",
            of=len(offenders),
        ),
        count_table(
            "Disruption status (most advanced recorded)",
            "Status",
            statuses,
            below,
            [*STATUS.values(), "None recorded"],
            unit="Offenders",
        ),
        count_table(
            "Age when first recorded",
            "Age",
            ages,
            below,
            ["Under 18", "18-24", "25-34", "35-44", "45 or over", UNKNOWN],
            unit="Offenders",
        ),
        count_table("Sex", "Sex", sexes, below, unit="Offenders"),
        count_table("Ethnicity (broad group)", "Ethnic group", ethnicity, below, unit="Offenders"),
        _centrality_table(a),
        _brokers_table(a),
    ]
    return section


def _groups_table(a: Analysis, status: dict[str, str], below: int) -> Table:
    net = a.net
    rows = []
    children_of = {
        o: net.neighbours(o, "person") & set(net.classes.children) for o in net.classes.offenders
    }
    for label, members in a.groups.groups().items():
        children = set().union(*(children_of.get(m, set()) for m in members))
        towns = Counter(
            t for spot in a.hotspots for t in [spot.town] if spot.groups.get(label) and t
        )
        vehicles = {v for m in members for v in net.neighbours(m, "vehicle")}
        licensed = sum(
            1
            for v in vehicles
            if (o := net.assembly.objects.get(v)) is not None and o.details.get("licence_type")
        )
        convicted = sum(1 for m in members if status.get(m) in ("conviction", "charge"))
        controlling = sum(
            1 for m in members if "controlling_adult" in net.classes.offender_roles.get(m, set())
        )
        rows.append(
            [
                label,
                suppress.cell(len(members), below),
                suppress.cell(controlling, below),
                suppress.cell(len(children), below),
                ", ".join(t for t, _ in towns.most_common(3)) or "-",
                suppress.cell(len(vehicles), below),
                suppress.cell(licensed, below),
                suppress.cell(convicted, below),
            ]
        )
    return Table(
        "Offender groups",
        [
            "Group",
            "Members",
            "Controlling adults",
            "Children at risk tied",
            "Towns of hotspots",
            "Vehicles",
            "Licensed vehicles",
            "Charged or convicted",
        ],
        rows,
        "Group labels are arbitrary (largest first) and change between runs on different data.",
    )


def _centrality_table(a: Analysis) -> Table:
    rows = []
    for c in top(a.offender_centrality, 5):
        rows.append(
            [c.id, a.groups.membership.get(c.id) or "-", *(str(c.ranks[m]) for m in MEASURES)]
        )
    return Table(
        "Most central suspected offenders, by four measures (rank 1 = most central)",
        ["Person id", "Group", *(m.capitalize() for m in MEASURES)],
        rows,
        "The measures disagree on purpose: one alone misleads (Cockbain et al. 2011). Degree "
        "counts contacts, strength the evidence behind them, betweenness who holds the network "
        "together, eigenvector who is tied to other central people. Ids are the platform's "
        "person ids; names are not printed.",
    )


def _brokers_table(a: Analysis) -> Table:
    labels = {
        "offender": "Suspected offender",
        "child_at_risk": "Child at risk",
        "vehicle": "Vehicle",
        "phone": "Phone",
        "place": "Place",
        "person": "Other person",
    }
    rows = [
        [
            labels.get(b.category, b.category),
            b.own_group or "-",
            ", ".join(sorted(b.groups)),
            f"{b.participation:.2f}",
        ]
        for b in a.brokers[:15]
    ]
    return Table(
        "Brokers: entities tied to two or more groups",
        ["Entity", "Own group", "Groups reached", "Participation"],
        rows,
        "Participation is 0 when all ties are to one group and nears 1 when they are spread "
        "evenly. Fifteen shown at most.",
    )
