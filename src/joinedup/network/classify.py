"""Who is a suspected offender and who is a child at risk, from what the records say.

The rules are data (``categories`` in ``data/network.yml``). A person is a **suspected
offender** when, in an event of the window, they take part in an offender role (suspect,
driver, ...) and the event is marked as a CSE concern or involves a child (other than as a
witness), or when a link of an offender type (``controlling_adult``) runs from them to a
child. A **child at risk** is a person under 18 on the date of an event marked as a CSE
concern or of an event in which a suspected offender takes part in an offender role, or to
whom an offender link runs. A young person named as a suspect counts as a suspected offender
in the network. Nothing here reads the simulator's truth.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from joinedup.assemble.view import Assembly, EventView, LinkView, PersonView
from joinedup.network.config import Categories


def is_child(person: PersonView | None, when: date | None) -> bool:
    """Under 18 on ``when``; a person of unknown age counts as a child when a record gives
    them the role ``child``."""
    if person is None:
        return False
    if person.date_of_birth is None or when is None:
        return "child" in person.roles
    return person.is_child_on(when)


@dataclass
class Classification:
    """The two categories with, for each person, the records that put them there."""

    offenders: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    children: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # person -> offender roles seen (suspect, driver, controlling_adult, ...)
    offender_roles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def category(self, person_id: str) -> str:
        """``offender``, ``child_at_risk`` or ``other``."""
        if person_id in self.offenders:
            return "offender"
        if person_id in self.children:
            return "child_at_risk"
        return "other"


def classify(
    assembly: Assembly,
    events: list[EventView],
    links: list[LinkView],
    rules: Categories,
) -> Classification:
    """Classify the persons of the window's events and links."""
    out = Classification()
    persons = assembly.persons
    for event in events:
        people = [p for p in event.participants if p.kind == "person"]
        concern = event.cse_concern or (
            not rules.require_cse_marker
            and any(
                p.role not in rules.child_roles_ignored
                and p.role not in rules.offender_roles
                and is_child(persons.get(p.entity_id), event.start)
                for p in people
            )
        )
        if not concern:
            continue
        for p in people:
            if p.role in rules.offender_roles:
                out.offenders[p.entity_id].add(event.source.record_id)
                out.offender_roles[p.entity_id].add(p.role)
    for link in links:
        if link.link_type not in rules.offender_links:
            continue
        if link.from_kind != "person" or link.to_kind != "person":
            continue
        if is_child(persons.get(link.to_id), link.valid_from):
            out.offenders[link.from_id].add(link.source.record_id)
            out.offender_roles[link.from_id].add(link.link_type)
            out.children[link.to_id].add(link.source.record_id)
    for event in events:
        people = [p for p in event.participants if p.kind == "person"]
        with_offender = any(
            p.role in rules.offender_roles and p.entity_id in out.offenders for p in people
        )
        if not (event.cse_concern or with_offender):
            continue
        for p in people:
            if p.role in rules.offender_roles and p.entity_id in out.offenders:
                continue
            if is_child(persons.get(p.entity_id), event.start):
                out.children[p.entity_id].add(event.source.record_id)
    return out
