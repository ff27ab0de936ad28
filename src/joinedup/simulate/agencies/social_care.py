"""Children's social care export in Standard Safeguarding Dataset (SSD) tables."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from joinedup.simulate.agencies.base import Ident, Writer
from joinedup.simulate.childhood import SOURCES
from joinedup.simulate.entities import Event, Person, Place
from joinedup.simulate.life import CarePeriod, Life
from joinedup.simulate.world import World

SOURCE_DESC = {
    "1A": "INDIVIDUAL - family member",
    "2A": "SCHOOLS",
    "3A": "HEALTH SERVICES - GP",
    "3E": "HEALTH SERVICES - A&E",
    "4": "HOUSING",
    "5D": "LA SERVICES - early help",
    "6": "POLICE",
    "8": "OTHER - voluntary organisation",
}
OUTCOME_KEYS = (
    "NEW_REFERRAL_FLAG",
    "EXISTING_REFERRAL_FLAG",
    "CP_ENQUIRY_FLAG",
    "NFA_FLAG",
    "NON_AGENCY_ADOPTION_FLAG",
    "PRIVATE_FOSTERING_FLAG",
    "ADVICE_FLAG",
    "MISSING_FLAG",
    "OLA_CP_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
assert set(SOURCE_DESC) == set(SOURCES)


def _outcome(**flags: str) -> str:
    return json.dumps({k: flags.get(k, "N") for k in OUTCOME_KEYS}, separators=(",", ":"))


def _address_json(place: Place) -> str:
    flat, _, house = place.house.rpartition(", ")
    return json.dumps(
        {
            "ROOM": "",
            "FLOOR": "",
            "FLAT": flat,
            "BUILDING": place.name,
            "HOUSE": house,
            "STREET": place.street,
            "TOWN": place.town,
            "UPRN": "",
            "EASTING": "",
            "NORTHING": "",
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


class SocialCareWriter(Writer):
    """Writes the SSD tables (and the local case-notes table)."""

    agency = "social_care"

    def __init__(self, world: World, rng: random.Random) -> None:
        super().__init__(world, rng)
        self._life: Life | None = None

    def _person_row(self, ident: Ident, p: Person, day: date) -> None:
        rec, r = ident.rec, self.rng
        eth = rec.ethnicity or "NOBT"
        self.sink.row(
            "social_care",
            "ssd_person.csv",
            [
                ident.key,
                rec.forename,
                rec.surname,
                "2" if p.female else "1",
                "02" if p.female else "01",
                eth,
                self.d(rec.dob),
                p.nhs_number if r.random() < 0.85 else "",
                "",
                "" if p.upn else "UN5",
                "Y" if p.learning_disability and r.random() < 0.5 else "N",
                "",
                "",
                "N",
                "",
            ],
        )
        self.record("ssd_person.csv", ident.key, p, ident)
        if ident.address is not None:
            self.address(p, ident.address, "Primary Address", day, None)
        if p.learning_disability:
            key = self.sink.key("DIS", 7)
            self.sink.row("social_care", "ssd_disability.csv", [ident.key, key, "LD"])
            self.record("ssd_disability.csv", key, p)
        if p.upn and r.random() < 0.6:
            key = self.sink.key("LID", 7)
            self.sink.row(
                "social_care",
                "ssd_linked_identifiers.csv",
                [key, ident.key, "Unique Pupil Number", p.upn, self.d(day), ""],
            )
            self.record("ssd_linked_identifiers.csv", key, p)

    def pid(self, p: Person, day: date) -> str:
        """The SSD person id of ``p``."""
        return self.identity(
            p, day, lambda: str(self.sink.serial("ssd_person") + 1_000_000), self._person_row
        ).key

    def address(self, p: Person, place: Place, kind: str, start: date, end: date | None) -> None:
        """An ssd_address row."""
        key = self.sink.key("ADR", 7)
        self.sink.row(
            "social_care",
            "ssd_address.csv",
            [
                key,
                self.pid(p, start),
                kind,
                self.d(start),
                self.d(end),
                place.postcode.replace(" ", ""),
                _address_json(place),
            ],
        )
        self.record("ssd_address.csv", key, p)
        self.sink.location(
            "social_care", "ssd_address.csv", key, "addr_address_json", place.location_id
        )

    def child(self, life: Life) -> None:
        """Write the social care records of one child."""
        p = life.child
        self._life = life
        for ev in life.events:
            if "social_care" not in ev.seen:
                continue
            if ev.kind == "contact":
                self.contact(ev)
            elif ev.kind == "missing_episode":
                self.missing(ev, life)
            elif ev.kind == "disclosure":
                self.case_note(
                    p,
                    ev.seen["social_care"],
                    "Strategy Discussion",
                    "social_care_cse",
                    ev,
                    cse=True,
                )
        for period in life.care:
            self.care(p, period)
        for start, end, category in life.cp_plans:
            key = self.sink.key("CPP", 7)
            self.sink.row(
                "social_care",
                "ssd_cp_plans.csv",
                [
                    key,
                    "",
                    self.sink.key("ICPC", 6),
                    self.pid(p, start),
                    self.d(start),
                    self.d(end),
                    category,
                    "N",
                    category,
                ],
            )
            self.record(
                "ssd_cp_plans.csv",
                key,
                p,
                cse=category == "Sexual abuse" and life.victim is not None,
            )

    def contact(self, ev: Event) -> None:
        """Contact; when assessed also referral, assessment, factors, involvement and a note."""
        p, day, r = ev.child, ev.seen["social_care"], self.rng
        assert p is not None
        source = ev.detail.get("source", "10")
        pid = self.pid(p, day)
        key = self.sink.key("CON", 8)
        missing = "Y" if "10A" in ev.detail.get("factors", "") else "N"
        assess = ev.detail.get("assess") == "Y"
        self.sink.row(
            "social_care",
            "ssd_contacts.csv",
            [
                key,
                pid,
                self.d(day),
                source,
                SOURCE_DESC.get(source, ""),
                _outcome(
                    NEW_REFERRAL_FLAG="Y" if assess else "N",
                    NFA_FLAG="N" if assess else "Y",
                    MISSING_FLAG=missing,
                ),
            ],
        )
        self.record("ssd_contacts.csv", key, p, cse=ev.cse)
        self.sink.event("social_care", "ssd_contacts.csv", key, ev.event_id)
        if not assess:
            return
        ref = self.sink.key("REF", 8)
        close = day + timedelta(days=r.randint(30, 400))
        self.sink.row(
            "social_care",
            "ssd_cin_episodes.csv",
            [
                ref,
                pid,
                self.d(day),
                r.choice(("N1", "N4", "N5", "N6")),
                source,
                SOURCE_DESC.get(source, ""),
                _outcome(NEW_REFERRAL_FLAG="Y"),
                "N",
                "RC8" if close < self.world.window_end else "",
                self.d(close) if close < self.world.window_end else "",
                "CSE" if ev.cse else "ASSESS",
                f"W{r.randint(1, 90):03d}",
            ],
        )
        self.record("ssd_cin_episodes.csv", ref, p, cse=ev.cse)
        asm = self.sink.key("ASM", 8)
        self.sink.row(
            "social_care",
            "ssd_cin_assessments.csv",
            [
                asm,
                pid,
                ref,
                self.d(day + timedelta(days=1)),
                "Y" if r.random() < 0.8 else "N",
                self.d(day + timedelta(days=r.randint(10, 45))),
                _outcome(),
                "N",
                "CSE" if ev.cse else "ASSESS",
                f"W{r.randint(1, 90):03d}",
            ],
        )
        self.record("ssd_cin_assessments.csv", asm, p, cse=ev.cse)
        fac = self.sink.key("FAC", 8)
        factors = [f for f in ev.detail.get("factors", "21").split(";") if f]
        self.sink.row("social_care", "ssd_assessment_factors.csv", [fac, asm, json.dumps(factors)])
        self.record("ssd_assessment_factors.csv", fac, p, cse=ev.cse)
        inv = self.sink.key("INV", 8)
        self.sink.row(
            "social_care",
            "ssd_involvements.csv",
            [
                inv,
                f"W{r.randint(1, 90):03d}",
                "CSE Worker" if ev.cse else "Allocated Case Worker",
                "CSE" if ev.cse else "ASSESS",
                self.d(day),
                self.d(close) if self.world.recorded_by_then(close) else "",
                "FCONTA",
                pid,
                ref,
            ],
        )
        self.record("ssd_involvements.csv", inv, p, cse=ev.cse)
        context = "social_care_cse" if ev.cse else "social_care_ordinary"
        self.case_note(p, day + timedelta(days=3), "Case Note", context, ev, cse=ev.cse)

    def case_note(
        self, p: Person, day: date, kind: str, context: str, ev: Event, *, cse: bool
    ) -> None:
        """A row of the local case-notes table."""
        key = self.sink.key("NOTE", 8)
        text = self.note("ssd_case_notes.csv", key, "note_text", context, ev, p, day)
        self.sink.row(
            "social_care",
            "ssd_case_notes.csv",
            [key, self.pid(p, day), self.d(day), kind, f"W{self.rng.randint(1, 90):03d}", text],
        )
        self.record("ssd_case_notes.csv", key, p, cse=cse)
        self.sink.event("social_care", "ssd_case_notes.csv", key, ev.event_id)

    def missing(self, ev: Event, life: Life) -> None:
        """An ssd_missing row (and a return-interview note for exploitation-related episodes)."""
        p, day = life.child, ev.seen["social_care"]
        key = self.sink.key("MIS", 8)
        in_care = life.in_care_on(ev.start) is not None
        offered = "Y" if self.rng.random() < 0.7 else "N"
        accepted = ("Y" if self.rng.random() < 0.5 else "N") if offered == "Y" else "NA"
        self.sink.row(
            "social_care",
            "ssd_missing.csv",
            [
                key,
                self.pid(p, day),
                self.d(ev.start),
                "A" if in_care and self.rng.random() < 0.2 else "M",
                self.d(ev.end),
                offered,
                accepted,
            ],
        )
        self.record("ssd_missing.csv", key, p, cse=ev.cse)
        self.sink.event("social_care", "ssd_missing.csv", key, ev.event_id)
        if ev.cse and accepted == "Y":
            self.case_note(
                p,
                (ev.end or ev.start) + timedelta(days=2),
                "Return Interview",
                "social_care_cse",
                ev,
                cse=True,
            )

    def care(self, p: Person, period: CarePeriod) -> None:
        """Episodes and placements of one period of care."""
        cla_id = self.sink.key("CLA", 7)
        for i, pl in enumerate(period.placements):
            place_id = self.sink.key("PLC", 7)
            ep = self.sink.key("EPI", 7)
            last = i == len(period.placements) - 1
            ceased = (
                ""
                if pl.end is None
                else ("X1" if not last else self.rng.choice(("E4A", "E4B", "E8", "E17", "E13")))
            )
            pid = self.pid(p, pl.start)
            self.sink.row(
                "social_care",
                "ssd_cla_episodes.csv",
                [
                    ep,
                    pid,
                    self.d(pl.start),
                    "S" if i == 0 else "P",
                    period.need,
                    self.d(pl.end),
                    ceased,
                    cla_id,
                    "",
                    place_id,
                    self.d(period.start),
                    self.d(pl.start + timedelta(days=60)),
                ],
            )
            self.record("ssd_cla_episodes.csv", ep, p)
            urn = (
                f"SC{int(pl.place.location_id[1:]) % 900000 + 100000}"
                if pl.code in ("K2", "R1")
                else ""
            )
            self.sink.row(
                "social_care",
                "ssd_cla_placement.csv",
                [
                    place_id,
                    self.d(pl.start),
                    pl.code,
                    urn,
                    f"{pl.distance:.1f}",
                    cla_id,
                    pl.provider,
                    pl.place.postcode,
                    self.d(pl.end),
                    pl.change_reason,
                    pid,
                ],
            )
            self.record("ssd_cla_placement.csv", place_id, p)
            self.sink.location(
                "social_care",
                "ssd_cla_placement.csv",
                place_id,
                "clap_cla_placement_postcode",
                pl.place.location_id,
            )
            self.address(p, pl.place, "Placement", pl.start, pl.end)
