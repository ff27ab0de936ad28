"""Persons, vehicles, places and links of the assembled borough, against the truth."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from joinedup.assemble.build import assemble
from joinedup.assemble.view import Assembly
from tests.assemble.conftest import SERVICE, Borough


def test_persons_are_the_linked_persons_with_majority_attributes(borough: Borough) -> None:
    a = borough.assembly
    truth = {p["person_id"]: p for p in borough.truth("persons")}
    assert set(borough.truth_ids.values()) <= set(a.persons)
    agreeing = checked = 0
    for pid in set(borough.truth_ids.values()):
        person = a.persons[pid]
        if len(person.records) >= 3:
            checked += 1
            agreeing += person.date_of_birth == date.fromisoformat(truth[pid]["dob"])
    assert checked > 100 and agreeing / checked > 0.97
    for rid, pid in borough.truth_ids.items():
        assert a.person_of_record[rid] == pid


def test_learning_disability_from_social_care(borough: Borough) -> None:
    truth = {p["person_id"]: p["learning_disability"] == "1" for p in borough.truth("persons")}
    persons = borough.assembly.persons.values()
    known = [p for p in persons if "social_care" in p.agencies]
    assert any(p.learning_disability for p in known)
    for person in known:
        assert person.learning_disability == truth[person.id]
    assert not [p for p in persons if p.learning_disability and "social_care" not in p.agencies]


def test_roles_and_identifiers(borough: Borough) -> None:
    persons = borough.assembly.persons
    for badge in borough.truth("badges"):
        driver = persons[badge["person_id"]]
        assert "driver" in driver.roles and badge["badge_number"] in driver.identifiers["badge"]
        assert driver.details["licence_type"] in ("hackney", "private_hire")
    supervised = [p for p in persons.values() if "supervised" in p.roles]
    assert supervised and all(p.identifiers["crn"] for p in supervised)
    pupils = [p for p in persons.values() if "pupil" in p.roles]
    assert pupils and all(p.identifiers.get("upn") for p in pupils)


def test_a_licensed_vehicle_seen_by_police_is_one_object(borough: Borough) -> None:
    files: dict[str, set[str]] = defaultdict(set)
    for row in borough.truth("object_records"):
        files[row["object_id"]].add(f"{row['agency']}/{row['file']}")
    both = [o for o, f in files.items() if {"licensing/vehicles.csv", "police/objects.csv"} <= f]
    assert both, "the seed should give a licensed vehicle the police recorded"
    objects = {o["object_id"]: o for o in borough.truth("objects")}
    a = borough.assembly
    for object_id in both:
        true = objects[object_id]
        vehicle = a.objects["vehicle:" + true["value"].replace(" ", "")]
        assert {r.agency_kind for r in vehicle.records} >= {"licensing", "police"}
        assert vehicle.details["licence_type"] == true["licence_type"]
        assert vehicle.details["make"] == true["make"]
        owners = {link.from_id for link in a.links_of(vehicle.id) if link.link_type == "owner_of"}
        assert true["owner_person_id"] in owners


def test_vehicles_mentioned_across_agencies_are_one_object(borough: Borough) -> None:
    agencies = {
        o.id: {r.agency_kind for r in o.records}
        for o in borough.assembly.objects.values()
        if o.kind == "vehicle"
    }
    assert any(len(kinds) >= 3 for kinds in agencies.values())
    for row in borough.truth("object_records"):
        if row["agency"] == "voluntary":
            rid = borough.record_id("voluntary", "contacts.csv", row["record_key"])
            seen = [
                link
                for link in borough.assembly.links
                if link.source.record_id == rid and link.link_type == "seen_with"
            ]
            assert any(link.to_kind == "vehicle" for link in seen)


def test_links_between_people(borough: Borough) -> None:
    a = borough.assembly
    kinds = Counter(link.link_type for link in a.links)
    for kind in ("resides_at", "attends_school", "controlling_adult", "owner_of", "associate"):
        assert kinds[kind] > 0, kind
    exploitation = {
        (r["offender_person_id"], r["victim_person_id"]) for r in borough.truth("exploitation")
    }
    controlling = [link for link in a.links if link.link_type == "controlling_adult"]
    assert all(link.basis == "assessment" and link.grading for link in controlling)
    assert all((link.from_id, link.to_id) in exploitation for link in controlling)
    supervised = {p.id for p in a.persons.values() if "supervised" in p.roles}
    for link in (x for x in a.links if x.link_type == "associate"):
        assert link.from_id in supervised and link.to_kind == "person"


def test_mentioned_adults_are_persons_of_their_own(borough: Borough) -> None:
    a = borough.assembly
    mentioned = [p for p in a.persons.values() if "mentioned" in p.roles]
    assert mentioned
    for person in mentioned:
        assert person.id.startswith("mention:") and person.forename
        assert all(link.link_type == "seen_with" for link in a.links_of(person.id))


def test_analyst_of_one_agency_sees_only_its_records(borough: Borough) -> None:
    with borough.door.session("admin", "administration") as s:
        from joinedup.access import directory

        police = directory.agency_by_name(s, "Dunmere police (synthetic)")
        directory.add_user(s, "assemble-analyst", police.name, "analyst")
    with borough.door.session("assemble-analyst", "analysis") as s:
        own = assemble(s, person_ids=borough.truth_ids)
    refs = [r for p in own.persons.values() for r in p.records]
    refs += [e.source for e in own.events] + [link.source for link in own.links]
    assert refs and {r.agency_kind for r in refs} == {"police"}
    police_records = sum(1 for k in borough.keys.values() if k[0] == "police")
    assert sum(v for k, v in own.stats.items() if k.startswith("records:")) == police_records


def test_window_keeps_overlapping_events_and_every_entity(borough: Borough) -> None:
    since, until = date(2003, 1, 1), date(2004, 12, 31)
    with borough.door.session(*SERVICE) as s:
        window = assemble(s, person_ids=borough.truth_ids, since=since, until=until)
    assert window.as_of == until
    assert set(window.persons) == set(borough.assembly.persons)
    assert 0 < len(window.events) < len(borough.assembly.events)
    for event in window.events:
        assert event.start is not None and event.start <= until
        open_episode = event.end is None and event.event_type in ("looked_after", "cp_plan")
        assert open_episode or (event.end or event.start) >= since


def test_unlinked_records_are_their_own_persons_or_their_group(borough: Borough) -> None:
    with borough.door.session(*SERVICE) as s:
        unlinked: Assembly = assemble(s, decrypt_text=False)
    assert all(e.text is None for e in unlinked.events)
    patients: dict[str, set[str]] = defaultdict(set)
    for row in borough.export("health", "attendances.csv"):
        rid = borough.record_id("health", "attendances.csv", row["attendance_id"])
        patients[row["local_patient_id"]].add(unlinked.person_of_record[rid])
    assert all(len(ids) == 1 for ids in patients.values())
    by_upn: dict[str, set[str]] = defaultdict(set)
    for row in borough.export("education", "attendance.csv"):
        rid = borough.record_id("education", "attendance.csv", row["attendance_id"])
        by_upn[row["upn"]].add(unlinked.person_of_record[rid])
    assert all(len(ids) == 1 for ids in by_upn.values())
    nominals = [p for p in unlinked.persons.values() if "nominal" in p.roles]
    assert nominals and all(p.id == p.records[0].record_id for p in nominals if len(p.records) == 1)
    assert len(unlinked.persons) > len(borough.assembly.persons)
