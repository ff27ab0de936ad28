"""Health export: sexual health, emergency department and school nurse attendances."""

from __future__ import annotations

from datetime import date

from joinedup.simulate.agencies.base import NHS_ETHNIC, Ident, Writer
from joinedup.simulate.entities import Person
from joinedup.simulate.life import Life

COMPLAINTS = {
    "ED": (
        "Injury to wrist",
        "Head injury",
        "Abdominal pain",
        "Intoxication",
        "Overdose",
        "Assault",
    ),
    "SEXUAL_HEALTH": (
        "STI screen",
        "Emergency contraception",
        "Pregnancy test",
        "Contraception advice",
    ),
    "SCHOOL_NURSE": ("Health review",),
}


class HealthWriter(Writer):
    """Writes attendances.csv."""

    agency = "health"

    def _registration(self, ident: Ident, p: Person, day: date) -> None:
        """Registration rows are not exported; the identity carries the details."""

    def child(self, life: Life) -> None:
        """Write one child's attendances."""
        p = life.child
        for ev in life.events:
            if "health" not in ev.seen:
                continue
            day = ev.seen["health"]
            ident = self.identity(p, day, lambda: self.sink.key("RX", 7), self._registration)
            rec, r = ident.rec, self.rng
            service = ev.detail.get("service", "ED")
            key = self.sink.key("ATT", 8)
            if ev.cse:
                context = "health_sexual" if service == "SEXUAL_HEALTH" else "health_emergency"
                complaint = r.choice(
                    COMPLAINTS[service][:4]
                    if service == "SEXUAL_HEALTH"
                    else ("Intoxication", "Overdose", "Assault")
                )
            else:
                context, complaint = "health_ordinary", r.choice(COMPLAINTS[service][:3])
            note = self.note("attendances.csv", key, "clinical_note", context, ev, p, day)
            flag = ev.cse and r.random() < self.cfg.observe.get("safeguarding_referral", 0.5)
            nhs = "" if ident.duplicate_of or r.random() < 0.03 else p.nhs_number
            self.sink.row(
                "health",
                "attendances.csv",
                [
                    key,
                    nhs,
                    ident.key,
                    rec.forename,
                    rec.surname,
                    self.d(rec.dob),
                    "F" if p.female else "M",
                    self.postcode(ident.address),
                    NHS_ETHNIC.get(rec.ethnicity, "99") if rec.ethnicity else "99",
                    service,
                    self.d(day),
                    complaint,
                    "Y" if flag else "N",
                    "Y" if flag else "N",
                    note,
                ],
            )
            self.record("attendances.csv", key, p, ident, cse=ev.cse)
            self.sink.event("health", "attendances.csv", key, ev.event_id)
            if ident.address is not None:
                self.sink.location(
                    "health", "attendances.csv", key, "postcode", ident.address.location_id
                )
