"""A small partnership with a panel, a meeting, flags and an assessment, for panel tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from joinedup.access import directory
from joinedup.model.linkage import PersonLink
from joinedup.model.panel import PanelMeeting
from joinedup.model.records import SourceRecord
from joinedup.model.safeguarding import RiskAssessment
from joinedup.panel import meetings
from joinedup.safeguarding.flags import Raised, sync
from joinedup.settings import SERVICE_ACCOUNT
from tests.conftest import Store

PANEL = "Dunmere MASE"
MEETING_DAY = date(2013, 3, 4)


@dataclass
class World:
    """Ids of what :func:`build` made."""

    store: Store
    panel_id: str
    meeting_id: str
    agencies: dict[str, str]
    records: dict[str, str]


def _evidence(rule: str, agencies: dict[str, list[str]], **extra: Any) -> dict[str, Any]:
    return {
        "rule": rule,
        "summary": f"{rule} found",
        "severity": extra.pop("severity", "high"),
        "current": extra.pop("current", True),
        "by_agency": agencies,
        "records": [
            {"agency": a, "agency_key": k, "record_id": k} for a, ks in agencies.items() for k in ks
        ],
        **extra,
    }


def build(store: Store) -> World:
    """Police, social care and education; a chair (police) and a social worker on the panel,
    an analyst who is not; five flagged children, one adult; one recorded assessment."""
    agencies = {
        "police": store.agency("Dunmere police", "police"),
        "social_care": store.agency("Dunmere social care", "social_care"),
        "education": store.agency("Dunmere schools", "education"),
    }
    store.user("chair", "Dunmere police", "panel_chair")
    store.user("sw", "Dunmere social care", "social_worker")
    store.user("outsider", "Dunmere police", "analyst")
    with store.door.session("admin", "administration") as s:
        panel = directory.add_panel(s, PANEL, "Dunmere police")
        directory.add_panel_member(s, PANEL, "chair")
        directory.add_panel_member(s, PANEL, "sw")
    records: dict[str, str] = {}
    with store.door.session(SERVICE_ACCOUNT, "data_ingest") as s:
        for child, (forename, surname) in {
            "amy": ("Amy", "Hart"),
            "bea": ("Bea", "Khan"),
            "adult": ("Carl", "Moss"),
        }.items():
            rec = s.add(
                SourceRecord(
                    agency_id=agencies["social_care"],
                    record_type="persons",
                    agency_key=f"SC-{child}",
                    payload={},
                    normalised={
                        "forename": forename,
                        "surname": surname,
                        "date_of_birth": "2000-01-02",
                    },
                )
            )
            records[child] = rec.id
            s.add(  # the record belongs to the resolved person of that id, as linkage says
                PersonLink(
                    agency_id=agencies["social_care"],
                    record_id=rec.id,
                    person_id=child,
                    run_id="world",
                )
            )
    police, care, school = agencies["police"], agencies["social_care"], agencies["education"]
    two = {"police": ["INC1"], "social_care": ["SC1"]}
    raised = [
        Raised(
            "threshold-gap",
            "child",
            "amy",
            ("amy",),
            care,
            _evidence(
                "threshold-gap",
                two,
                details={"category": "category_3"},
                subject_records=[records["amy"]],
            ),
        ),
        Raised(
            "cse-indicators-no-assessment",
            "child",
            "bea",
            ("bea",),
            care,
            _evidence(
                "cse-indicators-no-assessment",
                {"police": ["INC2"], "education": ["CNC2"]},
                details={"suggested_category": "category_2", "indicators": {"missing": "x"}},
                subject_records=[records["bea"]],
            ),
        ),
        Raised(
            "multi-agency-concerns-7-days",
            "child",
            "cat",
            ("cat",),
            care,
            _evidence("multi-agency-concerns-7-days", {"police": ["INC3"], "education": ["C3"]}),
        ),
        Raised(  # one agency only: below the section's min_agencies
            "multi-agency-concerns-7-days",
            "child",
            "dan",
            ("dan",),
            care,
            _evidence("multi-agency-concerns-7-days", {"police": ["INC4"]}),
        ),
        Raised(
            "vehicle-or-adult-pattern",
            "person",
            "adult",
            ("adult",),
            police,
            _evidence(
                "vehicle-or-adult-pattern",
                {"police": ["INC5"]},
                children=["amy", "bea"],
                subject_records=[records["adult"]],
            ),
        ),
        Raised(
            "language.promiscuous",
            "source_record",
            "note-1",
            ("note-1",),
            school,
            _evidence("language.promiscuous", {"education": ["N1"]}, severity="low"),
        ),
    ]
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        sync(s, raised)
    with store.door.session("sw", "safeguarding") as s:  # "eve": assessed, never flagged
        s.add(
            RiskAssessment(
                agency_id=care,
                child_person_id="eve",
                tool_version="1.0",
                category="category_3",
                assessed_on=date(2013, 2, 1),
            )
        )
    with store.door.session("chair", "panel") as s:
        meeting: PanelMeeting = meetings.schedule(s, PANEL, MEETING_DAY)
    return World(store, panel.id, meeting.id, agencies, records)
