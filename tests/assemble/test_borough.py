"""The assembled borough against the simulator's truth: events, participants, attributes."""

from __future__ import annotations

from collections import Counter

from joinedup.assemble.values import postcode
from joinedup.assemble.view import EventView
from tests.assemble.conftest import Borough, by_source

POLICE_VEHICLE_EVENTS = ("vehicle_stop", "intelligence_report", "police_incident", "arrest")


def _vrm_id(value: str) -> str:
    return "vehicle:" + value.replace(" ", "").upper()


def test_every_police_event_has_its_type_participants_and_place(borough: Borough) -> None:
    truth = {e["event_id"]: e for e in borough.truth("events")}
    objects = {o["object_id"]: o for o in borough.truth("objects")}
    locations = {loc["location_id"]: loc for loc in borough.truth("locations")}
    events = by_source(borough.assembly)
    rows = [r for r in borough.truth("event_records") if r["agency"] == "police"]
    assert len(rows) > 300
    for row in rows:
        true = truth[row["event_id"]]
        found = events[borough.record_id("police", "events.csv", row["record_key"])]
        assert len(found) == 1, row
        event = found[0]
        assert event.event_type == true["event_type"]
        assert event.start is not None and event.start.isoformat() == true["start_date"]
        assert event.at is not None and event.source.agency_kind == "police"
        people = set(event.people())
        assert true["child_person_id"] in people
        child_roles = {p.role for p in event.participants if p.entity_id == true["child_person_id"]}
        if true["event_type"] == "missing_episode":
            assert child_roles == {"missing_person"}
        else:
            adults = {a for a in true["adult_person_ids"].split(";") if a}
            assert adults <= people, row
        if true["event_type"] in POLICE_VEHICLE_EVENTS and true["object_id"]:
            vehicle = _vrm_id(objects[true["object_id"]]["value"])
            assert (vehicle, "vehicle") in {(p.entity_id, p.kind) for p in event.participants}
        if true["location_id"]:
            assert event.place_id is not None
            place = borough.assembly.places[event.place_id]
            assert place.postcode == locations[true["location_id"]]["postcode"]


def test_police_cse_markers_come_from_roles_and_event_types(borough: Borough) -> None:
    kinds = Counter(
        (e.event_type, e.cse_concern)
        for e in borough.assembly.events
        if e.source.agency_kind == "police"
    )
    assert kinds[("intelligence_report", False)] == 0 and kinds[("intelligence_report", True)] > 0
    for event in borough.assembly.events:
        if event.source.agency_kind == "police" and event.event_type == "police_incident":
            victim = any(p.role == "victim" for p in event.participants)
            assert event.cse_concern == victim


def test_missing_episodes_carry_return_interview_answers(borough: Borough) -> None:
    answers = {"Y": True, "N": False, "NA": None}
    rows = borough.export("social_care", "ssd_missing.csv")
    assert rows
    for row in rows:
        [event] = borough.events_of_record("social_care", "ssd_missing.csv", row["miss_table_id"])
        assert event.event_type == "missing_episode"
        assert event.start is not None and event.end is not None
        attrs = event.attributes
        assert attrs.get("return_interview_offered") == answers[row["miss_missing_rhi_offered"]]
        assert attrs.get("return_interview_accepted") == answers[row["miss_missing_rhi_accepted"]]
        assert attrs["away_from_placement"] == (row["miss_missing_episode_type"] == "A")
        assert event.people("missing_person")


def test_assessments_take_their_factors_and_cse_from_11a(borough: Borough) -> None:
    factors = {
        r["cinf_assessment_id"]: r["cinf_assessment_factors_json"]
        for r in borough.export("social_care", "ssd_assessment_factors.csv")
    }
    marked = 0
    for row in borough.export("social_care", "ssd_cin_assessments.csv"):
        key = row["cina_assessment_id"]
        [event] = borough.events_of_record("social_care", "ssd_cin_assessments.csv", key)
        assert event.event_type == "assessment" and event.author == row["cina_assessment_worker_id"]
        codes = event.attributes["factors"]
        assert all(f'"{code}"' in factors[key] for code in codes)
        assert event.cse_concern == ("11A" in codes)
        assert [s.record_type for s in event.supporting] == ["ssd_assessment_factors"]
        marked += event.cse_concern
    assert marked > 0


def test_looked_after_episodes_take_their_placement(borough: Borough) -> None:
    placements = {
        r["clap_cla_placement_id"]: r
        for r in borough.export("social_care", "ssd_cla_placement.csv")
    }
    rows = borough.export("social_care", "ssd_cla_episodes.csv")
    assert rows
    for row in rows:
        [event] = borough.events_of_record(
            "social_care", "ssd_cla_episodes.csv", row["clae_cla_episode_id"]
        )
        placement = placements[row["clae_cla_placement_id"]]
        attrs = event.attributes
        assert event.event_type == "looked_after"
        assert attrs["placement_type"] == placement["clap_cla_placement_type"]
        assert attrs["out_of_area"] == (float(placement["clap_cla_placement_distance"]) > 20)
        assert attrs["residential"] == (placement["clap_cla_placement_type"] in ("K2", "R1"))
        assert event.place_id is not None
        written = placement["clap_cla_placement_postcode"]
        assert borough.assembly.places[event.place_id].postcode == postcode(written)
        assert (event.end is None) == (row["clae_cla_episode_ceased_date"] == "")


def test_placements_are_the_addressed_place_of_the_placement_address(borough: Borough) -> None:
    residential = [
        p for p in borough.assembly.places.values() if p.place_type in ("residential_unit",)
    ]
    assert residential
    for place in residential:
        kinds = {r.record_type for r in place.records}
        assert place.address is not None
        assert {"ssd_cla_placement", "ssd_address"} <= kinds


def test_events_of_every_agency(borough: Borough) -> None:
    kinds = Counter((e.source.agency_kind, e.event_type) for e in borough.assembly.events)
    expected = {
        ("social_care", "contact"),
        ("social_care", "cin_episode"),
        ("social_care", "assessment"),
        ("social_care", "missing_episode"),
        ("social_care", "looked_after"),
        ("social_care", "case_note"),
        ("education", "school_absence"),
        ("education", "school_exclusion"),
        ("education", "concern"),
        ("education", "sighting"),
        ("health", "health_attendance"),
        ("probation", "supervision"),
        ("licensing", "licence"),
        ("voluntary", "contact"),
    }
    assert expected <= set(kinds)
    assert borough.assembly.stats.get("unknown_event_type:", 0) == 0
    assert not [k for k in borough.assembly.stats if k.startswith("unresolved")]


def test_voluntary_and_health_cse_markers(borough: Borough) -> None:
    for row in borough.export("voluntary", "contacts.csv"):
        [event] = borough.events_of_record("voluntary", "contacts.csv", row["contact_id"])
        assert event.cse_concern == (row["cse_concern"] == "Y")
        assert event.text  # decrypted worker notes
    for row in borough.export("health", "attendances.csv"):
        [event] = borough.events_of_record("health", "attendances.csv", row["attendance_id"])
        assert event.cse_concern == (row["safeguarding_flag"] == "Y")
        assert event.attributes["reason"] == row["presenting_complaint"]
        assert event.attributes["sti"] == (row["presenting_complaint"] == "STI screen")
        assert event.attributes["substance"] == (row["presenting_complaint"] == "Intoxication")


def test_school_concerns_name_the_vehicle_seen(borough: Borough) -> None:
    sightings = [e for e in borough.assembly.events if e.event_type == "sighting"]
    assert sightings
    for event in sightings:
        assert event.cse_concern and event.place_id and event.place_id.startswith("place:school:")
        vehicles = [p.entity_id for p in event.participants if p.kind == "vehicle"]
        assert vehicles == [f"vehicle:{event.attributes['vrm']}"]
        assert event.source in borough.assembly.objects[vehicles[0]].records


def _texts(events: list[EventView]) -> set[str]:
    return {e.text or "" for e in events}


def test_free_text_is_decrypted(borough: Borough) -> None:
    summaries = {r["event_ref"]: r["summary"] for r in borough.export("police", "events.csv")}
    police = [e for e in borough.assembly.events if e.source.record_type == "events"]
    assert all(e.text == summaries[e.source.agency_key] for e in police)
    notes = [e for e in borough.assembly.events if e.source.record_type == "case_notes"]
    assert notes and all(e.text and e.author for e in notes)


def test_fields_stored_encrypted_reach_the_assembly_in_clear(borough: Borough) -> None:
    """Special category fields are tokens in the store (issue 13, point 13) and still what the
    rules read: a health attendance's service and complaint, a person's ethnicity."""
    rows = borough.export("health", "attendances.csv")[:50]
    assert rows
    for row in rows:
        [event] = borough.events_of_record("health", "attendances.csv", row["attendance_id"])
        assert event.attributes.get("service") == row["service"]
        assert event.attributes.get("reason") == (row["presenting_complaint"] or None)
    with_ethnicity = [p for p in borough.assembly.persons.values() if p.ethnicity]
    assert len(with_ethnicity) > len(borough.assembly.persons) // 2
