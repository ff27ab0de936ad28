"""A small builder of hand-made assemblies: minimal fixtures for the risk tool and the rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from joinedup.assemble.view import (
    Assembly,
    EventView,
    LinkView,
    ObjectView,
    Participant,
    PersonView,
    PlaceView,
    RecordRef,
)

AS_OF = date(2010, 6, 30)


class Build:
    """Adds persons, vehicles, places, events and links, each citing a fresh source record."""

    def __init__(self, as_of: date = AS_OF, agency_ids: dict[str, str] | None = None) -> None:
        self.assembly = Assembly(as_of=as_of)
        self.agency_ids = agency_ids or {}
        self._n = 0

    def ref(self, agency: str = "police", record_type: str = "events") -> RecordRef:
        """A new source record of an agency."""
        self._n += 1
        agency_id = self.agency_ids.get(agency, f"agency-{agency}")
        return RecordRef(f"r{self._n}", agency_id, agency, record_type, f"K{self._n}")

    def person(
        self,
        pid: str,
        dob: date | None,
        *,
        roles: tuple[str, ...] = (),
        agency: str = "social_care",
        record_type: str = "ssd_person",
        **attrs: Any,
    ) -> PersonView:
        """A person with one record."""
        person = PersonView(pid, [self.ref(agency, record_type)], date_of_birth=dob, **attrs)
        person.roles.update(roles)
        self.assembly.persons[pid] = person
        for ref in person.records:
            self.assembly.person_of_record[ref.record_id] = pid
        return person

    def child(self, pid: str, dob: date = date(1995, 3, 1), **kw: Any) -> PersonView:
        """A child (born 1995 by default: 15 on the default ``as_of``)."""
        kw.setdefault("roles", ("child",))
        kw.setdefault("ethnicity", "WBRI")
        kw.setdefault("nationality", "British")
        return self.person(pid, dob, **kw)

    def adult(self, pid: str, dob: date = date(1975, 1, 1), **kw: Any) -> PersonView:
        """An adult."""
        kw.setdefault("roles", ("nominal",))
        kw.setdefault("agency", "police")
        kw.setdefault("record_type", "persons")
        kw.setdefault("ethnicity", "WBRI")
        kw.setdefault("nationality", "British")
        return self.person(pid, dob, **kw)

    def vehicle(self, vrm: str, *, agency: str = "police", **details: str) -> ObjectView:
        """A vehicle known to an agency."""
        vid = f"vehicle:{vrm}"
        obj = self.assembly.objects.get(vid) or ObjectView(vid, "vehicle", vrm)
        obj.records.append(self.ref(agency, "vehicles" if agency == "licensing" else "objects"))
        obj.details.update(details)
        self.assembly.objects[vid] = obj
        return obj

    def place(self, pid: str, place_type: str, name: str | None = None) -> PlaceView:
        """A place of a type."""
        place = PlaceView(f"place:{pid}", pid, name=name, place_type=place_type)
        self.assembly.places[place.id] = place
        return place

    def event(
        self,
        event_type: str,
        day: date | None,
        *,
        agency: str = "police",
        record_type: str = "events",
        people: dict[str, str] | None = None,
        vehicles: tuple[str, ...] = (),
        place: str | None = None,
        cse: bool = False,
        text: str | None = None,
        end: date | None = None,
        at: datetime | None = None,
        **attributes: Any,
    ) -> EventView:
        """An event recorded by ``agency`` with people (id -> role) and vehicles (VRMs)."""
        parts = [Participant(pid, "person", role) for pid, role in (people or {}).items()]
        parts += [Participant(f"vehicle:{v}", "vehicle", "vehicle") for v in vehicles]
        ref = self.ref(agency, record_type)
        ev = EventView(
            ref.record_id,
            event_type,
            ref,
            day,
            end=end,
            at=at,
            place_id=f"place:{place}" if place else None,
            participants=parts,
            cse_concern=cse,
            text=text,
            attributes=dict(attributes),
        )
        self.assembly.events.append(ev)
        return ev

    def link(
        self,
        link_type: str,
        from_id: str,
        to_id: str,
        day: date | None,
        *,
        agency: str = "police",
        record_type: str = "links",
        to_kind: str = "person",
    ) -> LinkView:
        """A link between two entities."""
        ref = self.ref(agency, record_type)
        link = LinkView(
            ref.record_id,
            link_type,
            from_id,
            "person",
            to_id,
            to_kind,  # type: ignore[arg-type]
            ref,
            valid_from=day,
        )
        self.assembly.links.append(link)
        return link

    def done(self) -> Assembly:
        """The indexed assembly."""
        return self.assembly.index()
