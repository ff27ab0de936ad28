"""How the simulator's agency files are dated for drops: each file's recording-date
columns, and the rows of other files it refers to (:mod:`joinedup.simulate.drops`)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Cadence = Literal["weekly", "monthly"]
CADENCES: tuple[Cadence, ...] = ("weekly", "monthly")


@dataclass(frozen=True)
class Ref:
    """A column of a row that names the key of a row in ``target`` (of the same agency),
    when ``when`` (column, value) holds."""

    column: str
    target: str
    when: tuple[str, str] | None = None


@dataclass(frozen=True)
class Dating:
    """How the rows of one file are dated."""

    dates: tuple[str, ...] = ()  # recording-date columns, first non-blank wins
    datetimes: tuple[str, ...] = ()  # the same for date-time columns (tried first)
    academic_year: str = ""  # a "2003/04" column: recorded at the year's end (31 July)
    refs: tuple[Ref, ...] = ()  # rows referred to: sent no earlier than them
    follows: Ref | None = None  # undated: goes with the row it belongs to

    @property
    def dated(self) -> bool:
        """Whether rows carry a date of their own."""
        return bool(self.dates or self.datetimes or self.academic_year)


_SSD_PERSON = {
    "ssd_address.csv": "addr_person_id",
    "ssd_contacts.csv": "cont_person_id",
    "ssd_cin_episodes.csv": "cine_person_id",
    "ssd_cin_assessments.csv": "cina_person_id",
    "ssd_missing.csv": "miss_person_id",
    "ssd_cla_episodes.csv": "clae_person_id",
    "ssd_cla_placement.csv": "clap_person_id",
    "ssd_cp_plans.csv": "cppl_person_id",
    "ssd_involvements.csv": "invo_person_id",
    "ssd_linked_identifiers.csv": "link_person_id",
    "ssd_case_notes.csv": "note_person_id",
}
_LINK_REFS = tuple(
    Ref(column, target, (kind, value))
    for column, kind in (("from_ref", "from_type"), ("to_ref", "to_type"))
    for value, target in (
        ("event", "events.csv"),
        ("person", "persons.csv"),
        ("object", "objects.csv"),
        ("location", "locations.csv"),
    )
)

# (agency, file) -> how its rows are dated; every file the simulator writes is listed
DATING: dict[tuple[str, str], Dating] = {
    ("police", "persons.csv"): Dating(
        dates=("created_date",), refs=(Ref("address_ref", "locations.csv"),)
    ),
    ("police", "objects.csv"): Dating(),
    ("police", "locations.csv"): Dating(),
    ("police", "events.csv"): Dating(
        datetimes=("reported_at", "occurred_at"), refs=(Ref("location_ref", "locations.csv"),)
    ),
    ("police", "links.csv"): Dating(dates=("valid_from",), refs=_LINK_REFS),
    ("social_care", "ssd_person.csv"): Dating(),
    **{
        ("social_care", file): Dating(
            dates=(column,), refs=(Ref(_SSD_PERSON[file], "ssd_person.csv"),)
        )
        for file, column in (
            ("ssd_address.csv", "addr_address_start_date"),
            ("ssd_contacts.csv", "cont_contact_date"),
            ("ssd_cin_episodes.csv", "cine_referral_date"),
            ("ssd_cin_assessments.csv", "cina_assessment_start_date"),
            ("ssd_missing.csv", "miss_missing_episode_start_date"),
            ("ssd_cla_episodes.csv", "clae_cla_episode_start_date"),
            ("ssd_cla_placement.csv", "clap_cla_placement_start_date"),
            ("ssd_cp_plans.csv", "cppl_cp_plan_start_date"),
            ("ssd_involvements.csv", "invo_involvement_start_date"),
            ("ssd_linked_identifiers.csv", "link_valid_from_date"),
            ("ssd_case_notes.csv", "note_date"),
        )
    },
    ("social_care", "ssd_assessment_factors.csv"): Dating(
        follows=Ref("cinf_assessment_id", "ssd_cin_assessments.csv")
    ),
    ("social_care", "ssd_disability.csv"): Dating(follows=Ref("disa_person_id", "ssd_person.csv")),
    ("education", "pupils.csv"): Dating(dates=("entry_date",)),
    ("education", "attendance.csv"): Dating(academic_year="academic_year"),
    ("education", "exclusions.csv"): Dating(dates=("start_date",)),
    ("education", "concerns.csv"): Dating(dates=("concern_date",)),
    ("health", "attendances.csv"): Dating(dates=("attendance_date",)),
    ("probation", "supervision.csv"): Dating(dates=("start_date",)),
    ("probation", "associates.csv"): Dating(
        dates=("recorded_date",), refs=(Ref("crn", "supervision.csv"),)
    ),
    ("licensing", "drivers.csv"): Dating(dates=("licence_issued",)),
    ("licensing", "vehicles.csv"): Dating(
        dates=("licence_issued",), refs=(Ref("proprietor_badge", "drivers.csv"),)
    ),
    ("voluntary", "contacts.csv"): Dating(dates=("contact_date",)),
}


def period_end(day: date, cadence: Cadence) -> date:
    """The last day of the period holding ``day``: its week's Sunday, or its month's end."""
    if cadence == "weekly":
        return day + timedelta(days=6 - day.weekday())
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
