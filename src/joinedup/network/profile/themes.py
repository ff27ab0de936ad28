"""T: themes and trends — counts over time and the patterns that stand out."""

from __future__ import annotations

from collections import Counter, defaultdict

from joinedup.network.analysis import Analysis
from joinedup.network.profile import suppress
from joinedup.network.profile.charts import bar_chart
from joinedup.network.profile.common import (
    first_concern,
    first_seen,
    merged_periods,
    period_of,
    span,
)
from joinedup.network.profile.model import Chart, Section, Table

AGENCY_LABELS = {
    "police": "Police",
    "social_care": "Social care",
    "education": "Education",
    "health": "Health",
    "probation": "Probation",
    "licensing": "Licensing",
    "voluntary": "Voluntary",
    "housing": "Housing",
    "youth_justice": "Youth justice",
}


def _chart(title: str, labels: list[str], series: dict[str, list[int]], below: int) -> Chart:
    """A chart by period; periods are merged where a count would be suppressed, so the chart
    says something rather than showing every bar withheld (the title says so)."""
    merged_labels, merged = merged_periods(labels, series, below)
    if merged_labels != labels:
        title = f"{title} (periods merged so that no count is below {below})"
        labels, series = merged_labels, merged
    columns = ["Period", *series]
    rows = [
        [label, *(suppress.cell(values[i], below) for values in series.values())]
        for i, label in enumerate(labels)
    ]
    return Chart(title, bar_chart(title, labels, series, below), Table(title, columns, rows))


def themes_section(a: Analysis) -> Section:
    """The themes and trends section of the profile."""
    net = a.net
    below = net.config.profile.suppress_below
    section = Section(
        "themes",
        "Themes and trends",
        "How the picture changed over the window, and the patterns that stand out.",
    )
    window = span(net)
    children = set(net.classes.children) - set(net.classes.offenders)
    offenders = set(net.classes.offenders)
    if window is not None:
        labels, label_of = period_of(*window)
        new: Counter[str] = Counter(label_of(d) for d in first_concern(net).values())
        by_agency: dict[str, Counter[str]] = defaultdict(Counter)
        missing: Counter[str] = Counter()
        active: dict[str, set[str]] = defaultdict(set)
        for event in net.concern:
            day = event.start or event.end
            if day is None:
                continue
            period = label_of(day)
            people = net.people_in(event)
            by_agency[event.source.agency_kind][period] += 1
            if event.event_type == "missing_episode":
                missing[period] += len(people & children)
            for offender in people & offenders:
                active[period].add(offender)
        section.charts.append(
            _chart(
                "Children at risk by period of first concern",
                labels,
                {"Children": [new[p] for p in labels]},
                below,
            )
        )
        main = sorted(by_agency, key=lambda k: -sum(by_agency[k].values()))
        series = {
            AGENCY_LABELS.get(kind, kind): [by_agency[kind][p] for p in labels] for kind in main[:5]
        }
        if len(main) > 5:
            series["Other"] = [sum(by_agency[k][p] for k in main[5:]) for p in labels]
        if series:
            section.charts.append(
                _chart("Events of concern by recording agency", labels, series, below)
            )
        section.charts.append(
            _chart(
                "Missing episodes of children at risk",
                labels,
                {"Episodes": [missing[p] for p in labels]},
                below,
            )
        )
        section.charts.append(
            _chart(
                "Suspected offenders active",
                labels,
                {"Offenders": [len(active[p]) for p in labels]},
                below,
            )
        )
    section.findings = _findings(a, below)
    return section


def _findings(a: Analysis, below: int) -> list[str]:
    net = a.net
    children = set(net.classes.children) - set(net.classes.offenders)
    total = len(children)
    moved = set().union(*(f.children for f in a.movement.flows)) if a.movement.flows else set()
    looked_after = {
        p
        for e in net.events
        if e.event_type == "looked_after"
        for p in children.intersection(net.people_in(e))
    }
    one_agency = sum(
        1 for c in children if (p := net.assembly.persons.get(c)) and len(p.agencies) <= 1
    )
    licensed = [o for o in a.shared if o.licensed and o.offenders]
    seen = first_seen(net, set(net.classes.offenders))
    young = sum(
        1
        for o, day in seen.items()
        if (p := net.assembly.persons.get(o)) is not None and p.is_child_on(day)
    )
    out = [
        f"Looked-after children: {suppress.share(len(looked_after), total, below)} of the children "
        "at risk were looked after at some time in the window.",
        f"Movement: {suppress.share(len(moved), total, below)} of the children at risk were seen "
        "in events of concern in a town other than their own.",
        f"Known to one agency only: {suppress.share(one_agency, total, below)} of the children at "
        "risk; no other agency holds a record of them.",
        f"Taxis and private hire: {len(licensed)} licensed vehicles are tied to suspected "
        "offenders.",
        f"Peer-on-peer: {suppress.cell(young, below)} suspected offenders were under 18 when "
        "recorded.",
    ]
    across = [o for o in a.shared if o.across_groups]
    if across:
        out.append(
            f"Shared between groups: {len(across)} vehicles or phones are used by suspected "
            "offenders of more than one group."
        )
    return out
