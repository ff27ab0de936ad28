"""The whole problem profile: data sources and coverage, the VOLT sections, and method."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime

from joinedup.assemble.view import Assembly
from joinedup.model.base import utcnow
from joinedup.network.analysis import Analysis
from joinedup.network.profile import suppress
from joinedup.network.profile.common import span
from joinedup.network.profile.locations import locations_section
from joinedup.network.profile.model import Profile, Section, SourceCoverage
from joinedup.network.profile.offenders import offenders_section
from joinedup.network.profile.themes import themes_section
from joinedup.network.profile.victims import victims_section

TITLE = "Problem profile: child sexual exploitation"
MARKING = "OFFICIAL-SENSITIVE"


def _records(assembly: Assembly) -> dict[str, set[str]]:
    """``agency id -> record ids`` cited anywhere in the assembly."""
    out: dict[str, set[str]] = defaultdict(set)
    refs = [
        *(r for v in assembly.persons.values() for r in v.records),
        *(r for v in assembly.objects.values() for r in v.records),
        *(r for v in assembly.places.values() for r in v.records),
    ]
    for ref in refs:
        out[ref.agency_id].add(ref.record_id)
    for event in assembly.events:
        out[event.source.agency_id].add(event.source.record_id)
    for link in assembly.links:
        out[link.source.agency_id].add(link.source.record_id)
    return out


def coverage(
    a: Analysis,
    agencies: Mapping[str, tuple[str, str]],
    refreshed: Mapping[str, datetime | None],
) -> list[SourceCoverage]:
    """One row per agency whose records the profile read: ``agencies`` maps agency ids to
    (name, kind), ``refreshed`` to the time of their latest completed import."""
    records = _records(a.net.assembly)
    events: dict[str, int] = defaultdict(int)
    first: dict[str, date] = {}
    last: dict[str, date] = {}
    for event in a.net.events:
        agency = event.source.agency_id
        events[agency] += 1
        for day in (event.start, event.end):
            if day is None:
                continue
            first[agency] = min(first.get(agency, day), day)
            last[agency] = max(last.get(agency, day), day)
    rows = []
    for agency in sorted(records, key=lambda x: agencies.get(x, (x, ""))):
        name, kind = agencies.get(agency, (agency, ""))
        when = refreshed.get(agency)
        rows.append(
            SourceCoverage(
                name,
                kind,
                len(records[agency]),
                events.get(agency, 0),
                first[agency].isoformat() if agency in first else None,
                last[agency].isoformat() if agency in last else None,
                when.strftime("%Y-%m-%d %H:%M UTC") if when else None,
            )
        )
    return rows


def _method(a: Analysis) -> Section:
    below = a.net.config.profile.suppress_below
    section = Section("method", "Method, definitions and limits")
    section.findings = [
        "Built from the records the author may see through the platform's access rules: "
        "agencies, grants and panels not open to the author are absent, and the profile says "
        "nothing about them.",
        "Persons are resolved across agencies by probabilistic record linkage; a missed link "
        "splits one person in two and a false link joins two. Counts of people are counts of "
        "resolved persons.",
        "Children at risk and suspected offenders are categories from what agencies recorded, "
        "not findings. Children known to no agency are not here: see the prevalence estimate "
        "(multiple systems estimation) for the hidden number, which is given as a range with "
        "its reasons when its models disagree or fit poorly, and which cannot count children "
        "no agency could ever have recorded.",
        f"Counts from 1 to {below - 1} are shown as <{below}; where a table has a total and "
        f"only one cell was suppressed, one more is withheld and shown as {suppress.SECONDARY}. "
        "Shares of withheld counts are withheld.",
        "Groups are Leiden communities (RB configuration model, fixed seed) of the ties between "
        "suspected offenders; hotspots rank places by distinct children at risk. Settings: "
        "src/joinedup/network/data/network.yml; method: docs/networks.md.",
    ]
    return section


def build_profile(
    a: Analysis,
    sources: list[SourceCoverage],
    risk: Mapping[str, str] | None = None,
    title: str = TITLE,
    generated: datetime | None = None,
) -> Profile:
    """The problem profile of an analysis (``risk``: child person id -> latest category)."""
    window = span(a.net)
    period = f"{window[0].isoformat()} to {window[1].isoformat()}" if window else "no dated events"
    when = generated or utcnow()
    return Profile(
        title=title,
        marking=MARKING,
        area=a.net.window.area or "All areas in scope",
        period=period,
        generated=when.strftime("%Y-%m-%d %H:%M UTC"),
        sources=sources,
        sections=[
            victims_section(a, risk),
            offenders_section(a),
            locations_section(a),
            themes_section(a),
            _method(a),
        ],
        suppress_below=a.net.config.profile.suppress_below,
    )
