"""Vehicles and phones shared: used by several persons, and especially across groups.

A vehicle or phone is tied to a person by a link (driver of, owner of, uses phone) or by an
event both took part in (a vehicle stop, a sighting at a school). For every object tied to
two or more persons of the CSE network the report gives the suspected offenders and children
at risk tied to it, the offender groups those offenders belong to and, for vehicles, the
licence (hackney carriage or private hire) the licensing register records: the platform's
answer to "taxi drivers featured heavily; licensing never heard".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from joinedup.network.communities import Communities
from joinedup.network.graph import Network


@dataclass
class SharedObject:
    """A vehicle or phone with the persons of the CSE network tied to it."""

    id: str
    kind: str
    key: str
    offenders: set[str] = field(default_factory=set)
    children: set[str] = field(default_factory=set)
    others: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    details: dict[str, str] = field(default_factory=dict)

    @property
    def across_groups(self) -> bool:
        """Tied to suspected offenders of two or more groups."""
        return len(self.groups) >= 2

    @property
    def licensed(self) -> str | None:
        """``hackney``/``private_hire`` when the licensing register holds the vehicle."""
        return self.details.get("licence_type") or None


def shared_objects(net: Network, groups: Communities) -> list[SharedObject]:
    """Vehicles and phones tied to two or more persons of whom at least one is a suspected
    offender or a child at risk; those shared across groups first."""
    out: list[SharedObject] = []
    for entity, kind in net.kind_of.items():
        if kind not in ("vehicle", "phone"):
            continue
        persons = net.neighbours(entity, "person")
        offenders = persons & set(net.classes.offenders)
        children = (persons & set(net.classes.children)) - offenders
        if len(persons) < 2 or not (offenders or children):
            continue
        view = net.assembly.objects.get(entity)
        labels = {groups.membership.get(o) for o in offenders}
        out.append(
            SharedObject(
                entity,
                kind,
                view.key if view else entity.split(":", 1)[-1],
                offenders,
                children,
                persons - offenders - children,
                {g for g in labels if g},
                dict(view.details) if view else {},
            )
        )
    return sorted(out, key=lambda o: (-len(o.groups), -len(o.children), -len(o.offenders), o.id))
