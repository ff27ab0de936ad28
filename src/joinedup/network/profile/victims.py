"""V: the children at risk — counts, age, sex, ethnicity, risk categories, missing episodes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from joinedup.network.analysis import Analysis
from joinedup.network.profile import suppress
from joinedup.network.profile.common import (
    TRUTHY,
    UNKNOWN,
    band_of,
    count_table,
    ethnic_group,
    first_concern,
    sex_label,
)
from joinedup.network.profile.model import Section

RISK_LABELS = {
    "category_3": "Category 3 (habitual exploitation)",
    "category_2": "Category 2 (opportunistic abuse)",
    "category_1": "Category 1 (at risk)",
    "none": "Assessed: no category",
}


def _missing_band(n: int) -> str:
    if n == 0:
        return "None recorded"
    if n == 1:
        return "1"
    return "2-4" if n <= 4 else "5-9" if n <= 9 else "10 or more"


def victims_section(a: Analysis, risk: Mapping[str, str] | None = None) -> Section:
    """The victims section of the profile."""
    net, cfg = a.net, a.net.config.profile
    below = cfg.suppress_below
    persons = net.assembly.persons
    children = sorted(set(net.classes.children) - set(net.classes.offenders))
    first = first_concern(net)
    ages: Counter[str] = Counter()
    sexes: Counter[str] = Counter()
    ethnicity: Counter[str] = Counter()
    agencies: Counter[str] = Counter()
    for child in children:
        person = persons.get(child)
        when = first.get(child)
        age = person.age_on(when) if person and when else None
        ages[band_of(age, cfg.age_bands)] += 1
        sexes[sex_label(person.sex if person else None)] += 1
        ethnicity[ethnic_group(person.ethnicity if person else None)] += 1
        n = len(person.agencies) if person else 0
        agencies["1" if n <= 1 else "2" if n == 2 else "3 or more"] += 1
    missing: Counter[str] = Counter()
    interviews = offered = 0
    looked_after: set[str] = set()
    out_of_area: set[str] = set()
    chosen = set(children)
    for event in net.events:
        people = chosen.intersection(net.people_in(event))
        if not people:
            continue
        if event.event_type == "missing_episode":
            for child in people:
                missing[child] += 1
            interviews += 1
            offered += event.attributes.get("return_interview_offered") in TRUTHY
        elif event.event_type == "looked_after":
            looked_after |= people
            if event.attributes.get("out_of_area") in TRUTHY:
                out_of_area |= people
    missing_bands = Counter(_missing_band(missing.get(c, 0)) for c in children)
    risk = risk or {}
    risks = Counter(
        RISK_LABELS.get(risk.get(c, ""), "No risk assessment in scope") for c in children
    )
    disability = sum(1 for c in children if (p := persons.get(c)) and p.learning_disability)
    total = len(children)
    section = Section(
        "victims",
        "Victims: children at risk",
        "Children (under 18 on the date) named in an event marked as a CSE concern, or in an "
        "event with a suspected offender, in the window. Ages are at the first such event.",
    )
    section.figures = [
        ("Children at risk", suppress.cell(total, below)),
        ("With missing episodes", suppress.cell(sum(1 for c in children if missing.get(c)), below)),
        ("Missing episodes recorded", suppress.cell(sum(missing.values()), below)),
        ("Looked after in the window", suppress.cell(len(looked_after), below)),
        ("Placed out of area", suppress.cell(len(out_of_area), below)),
        ("With a learning disability", suppress.cell(disability, below)),
    ]
    if interviews:
        section.findings.append(
            f"A return home interview was recorded as offered after "
            f"{suppress.share(offered, interviews, below)} of the missing episodes of children "
            "at risk."
        )
    recorded = total - ethnicity.get(UNKNOWN, 0)
    section.findings.append(
        f"Ethnicity is recorded for {suppress.share(recorded, total, below)} of the children "
        "at risk (completeness matters: gaps hide who is being exploited)."
    )
    order = [band_of(low, cfg.age_bands) for low, _ in cfg.age_bands] + [UNKNOWN]
    section.tables = [
        count_table("Age at first concern", "Age", ages, below, order),
        count_table("Sex", "Sex", sexes, below),
        count_table("Ethnicity (broad group)", "Ethnic group", ethnicity, below),
        count_table(
            "Risk category (latest assessment)",
            "Category",
            risks,
            below,
            [*RISK_LABELS.values(), "No risk assessment in scope"],
        ),
        count_table(
            "Missing episodes per child",
            "Episodes",
            missing_bands,
            below,
            ["None recorded", "1", "2-4", "5-9", "10 or more"],
        ),
        count_table("Agencies holding records of the child", "Agencies", agencies, below),
    ]
    return section
