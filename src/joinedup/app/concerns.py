"""Use cases of the concern form: a referrer names a child, says what was seen, and follows
where it went (issue 17, referrer).

A referrer may not search the partnership's records. :func:`match_child` answers only
whether the child named (name and date of birth) is one the partnership knows — one match,
none, or several — computed by the service account on the referrer's behalf
(``Door.on_behalf``, elevation ``people.match``, logged with both names); nothing of any
record is returned. A single match attaches the concern to that child, so it is routed to
every agency that knows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from joinedup.app.context import Caller, runtime, session
from joinedup.app.intelligence import URGENCIES, Submitted, grading_choices, submit_concern
from joinedup.app.people_index import index_for, name_keys
from joinedup.model.linkage import PersonLink
from joinedup.model.organisation import Agency
from joinedup.model.vocab import Term

__all__ = ["ChildMatch", "Concern", "ConcernForm", "concern_form", "match_child", "send_concern"]


@dataclass(frozen=True)
class ConcernForm:
    """What the concern form offers the caller: the urgencies, and the 3x5x2 grading's
    choices (part, name, grades) for a police user (``None`` for every other agency)."""

    urgencies: tuple[str, ...]
    gradings: list[tuple[str, str, tuple[Term, ...]]] | None = None


def concern_form(who: Caller) -> ConcernForm:
    """The concern form's choices for ``who``: police users grade what they submit."""
    with session(who) as opened:
        opened.require("intel.submit")
        mine = opened.list(Agency, where={"id": opened.actor.agency_id})
    police = bool(mine) and mine[0].kind == "police"
    return ConcernForm(URGENCIES, grading_choices() if police else None)


@dataclass(frozen=True)
class ChildMatch:
    """Whether the child named is known: ``one`` (with the person it attaches to; never
    shown), ``none`` or ``several`` (the CSE team will identify the child)."""

    found: Literal["one", "none", "several", "not asked"]
    person_id: str | None = None


def match_child(who: Caller, forename: str, surname: str, born: date | None) -> ChildMatch:
    """Match or no match for a child named by a referrer (name and date of birth both
    needed: a name alone matches too many)."""
    if not (forename.strip() and surname.strip() and born):
        return ChildMatch("not asked")
    rt = runtime()
    index = index_for(rt)
    keys = [f"n:{k}" for k in name_keys(f"{forename} {surname}")] + [f"date_of_birth:{born}"]
    records = index.all_of(keys)
    with session(who, rt) as asker:
        asker.require("intel.submit")
    reason = f"match or no match for a child {who.username} named in a concern"
    with rt.door.on_behalf(asker, "people.match", reason) as service:
        persons: set[str] = set()
        for start in range(0, len(records), 500):
            where = {"record_id": records[start : start + 500]}
            for chunk in service.scan(PersonLink, ["person_id"], where=where):
                persons.update(person_id for _id, person_id in chunk)
    if len(persons) == 1:
        return ChildMatch("one", persons.pop())
    return ChildMatch("several" if persons else "none")


@dataclass(frozen=True)
class Concern:
    """What a referrer tells: the child, what was seen, when, where, vehicles, phones,
    other people, how urgent."""

    forename: str
    surname: str
    born: date | None
    seen: str
    when: str
    where: str
    vehicles: tuple[str, ...]
    phones: tuple[str, ...]
    people: str
    urgency: str
    grading: str | None = None  # police: the 3x5x2 grading, e.g. "2-B-P"

    def summary(self) -> str:
        """The concern as the text recipients read."""
        child = " ".join(p for p in (self.forename.strip(), self.surname.strip()) if p)
        lines = [
            f"Child: {child or 'not named'}"
            + (f", born {self.born.isoformat()}" if self.born else ""),
            f"What was seen: {self.seen.strip()}",
        ]
        for label, value in (
            ("When", self.when),
            ("Where", self.where),
            ("Vehicles", ", ".join(self.vehicles)),
            ("Phones", ", ".join(self.phones)),
            ("Other people", self.people),
        ):
            if value.strip():
                lines.append(f"{label}: {value.strip()}")
        return "\n".join(lines)


def send_concern(who: Caller, concern: Concern) -> tuple[Submitted, ChildMatch]:
    """Match the child, then submit the concern (routed at once on the referrer's behalf)."""
    if not concern.seen.strip():
        raise ValueError("say what was seen")
    match = match_child(who, concern.forename, concern.surname, concern.born)
    about = [match.person_id] if match.person_id else []
    vrms = [v.replace(" ", "").upper() for v in concern.vehicles if v.strip()]
    sent = submit_concern(
        who,
        concern.summary(),
        urgency=concern.urgency,
        about=about,
        vrms=vrms,
        grading=concern.grading,
    )
    return sent, match
