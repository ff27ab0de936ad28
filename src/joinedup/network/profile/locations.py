"""L: locations — hotspots with times of day, care places, movement, shared vehicles."""

from __future__ import annotations

from joinedup.network.analysis import Analysis
from joinedup.network.hotspots import time_profile
from joinedup.network.profile import suppress
from joinedup.network.profile.charts import bar_chart
from joinedup.network.profile.model import Chart, Section, Table

# care places printed by type; homes and foster homes are never printed (they are families)
PRINTED_CARE_TYPES = ("school", "residential_unit")


def _chart(title: str, labels: list[str], values: list[int], below: int, unit: str) -> Chart:
    data = Table(
        title,
        ["", unit],
        [[k, suppress.cell(v, below)] for k, v in zip(labels, values, strict=True)],
    )
    return Chart(title, bar_chart(title, labels, {unit: values}, below, unit.lower()), data)


def locations_section(a: Analysis) -> Section:
    """The locations section of the profile."""
    net = a.net
    cfg = net.config.profile
    below = cfg.suppress_below
    spots = a.hotspots[: cfg.top_hotspots]
    section = Section(
        "locations",
        "Locations: hotspots",
        "Places ranked by the number of distinct children at risk seen there in events of "
        "concern (marked as CSE, with a suspected offender, or a child at risk missing or found "
        "there). Homes, schools, children's homes and foster homes are not ranked as hotspots.",
    )
    rows = []
    for rank, spot in enumerate(spots, start=1):
        band = spot.bands.most_common(1)[0][0] if spot.bands else "-"
        rows.append(
            [
                str(rank),
                spot.label,
                spot.place_type.replace("_", " "),
                spot.town or "-",
                suppress.cell(len(spot.children), below),
                suppress.cell(spot.events, below),
                ", ".join(g for g, _ in spot.groups.most_common(3)) or "-",
                band,
            ]
        )
    section.tables.append(
        Table(
            f"Top {len(spots)} hotspots",
            [
                "Rank",
                "Place",
                "Type",
                "Town",
                "Children at risk",
                "Events",
                "Groups seen",
                "Busiest time",
            ],
            rows,
        )
    )
    times = time_profile(net, spots)
    section.charts.append(
        _chart(
            "Events at the top hotspots by time of day",
            list(times["bands"]),
            list(times["bands"].values()),
            below,
            "Events",
        )
    )
    section.charts.append(
        _chart(
            "Events at the top hotspots by day of the week",
            list(times["weekdays"]),
            list(times["weekdays"].values()),
            below,
            "Events",
        )
    )
    care = [p for p in a.care_places if p.place_type in PRINTED_CARE_TYPES][:5]
    section.tables.append(
        Table(
            "Schools and children's homes with the most children at risk",
            ["Place", "Type", "Town", "Children at risk", "Events"],
            [
                [
                    p.name or p.postcode or "-",
                    p.place_type.replace("_", " "),
                    p.town or "-",
                    suppress.cell(len(p.children), below),
                    suppress.cell(p.events, below),
                ]
                for p in care
            ],
            "Children are there because they learn or live there: these are places to work "
            "with (collection at the gates, going missing from placements), not hotspots.",
        )
    )
    section.tables.append(_movement_table(a, below))
    section.tables.append(_shared_table(a, below))
    return section


def _movement_table(a: Analysis, below: int) -> Table:
    flows = a.movement.flows[:10]
    rows = [
        [
            f.origin,
            f.destination,
            suppress.cell(len(f.children), below),
            suppress.cell(f.events, below),
        ]
        for f in flows
    ]
    multi = a.movement.multi_town_groups()
    note = (
        "Children at risk seen in events of concern in a town other than the one they live in. "
        + (
            "Groups seen in more than one town: "
            + "; ".join(f"{g} ({', '.join(t)})" for g, t in multi.items())
            + "."
            if multi
            else "No group was seen in more than one town."
        )
    )
    return Table(
        "Movement between towns",
        ["Home town", "Seen in", "Children at risk", "Events"],
        rows,
        note,
    )


def _shared_table(a: Analysis, below: int) -> Table:
    shared = a.shared[:10]
    rows = [
        [
            o.kind,
            (o.licensed or "").replace("_", " ") or "-",
            ", ".join(sorted(o.groups)) or "-",
            suppress.cell(len(o.offenders), below),
            suppress.cell(len(o.children), below),
        ]
        for o in shared
    ]
    across = sum(1 for o in a.shared if o.across_groups)
    licensed = sum(1 for o in a.shared if o.licensed and o.offenders)
    return Table(
        "Vehicles and phones shared",
        ["Kind", "Licence", "Groups", "Suspected offenders", "Children at risk"],
        rows,
        f"{len(a.shared)} vehicles and phones are tied to two or more people of the network; "
        f"{across} across groups; {licensed} are licensed taxis or private hire vehicles tied "
        "to a suspected offender (licensing should be told). Registration marks and numbers "
        "are in the network export, not in this profile.",
    )
