"""The assembly mappings: shipped files load; a bad mapping is refused naming what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from joinedup.assemble.catalog import MappingError, event_kinds, mappings, parse
from joinedup.ingest.formats import formats
from joinedup.model.vocab import vocabulary

GOOD = """
format: police_pole
files:
  events:
    events:
      - type: {column: event_type}
        at: occurred_at
        participants:
          - {who: {place: {column: location_ref, file: locations}}, role: scene}
  locations:
    places:
      location: {postcode: postcode, address: [house, street], place_type: {column: place_type}}
"""


def _with(**changes: object) -> str:
    doc = yaml.safe_load(GOOD)
    for path, value in changes.items():
        node = doc
        parts = path.split("__")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        node[parts[-1]] = value
    return yaml.safe_dump(doc)


def _problem(text: str) -> str:
    with pytest.raises(MappingError) as caught:
        parse(text, where="test.yml")
    return str(caught.value)


def test_every_shipped_mapping_loads_and_covers_a_format() -> None:
    loaded = mappings()
    assert set(loaded) == set(formats())
    for name, mapping in loaded.items():
        tables = {f.table for f in formats()[name].files}
        assert set(mapping.files) <= tables
    kinds = event_kinds()
    assert set(vocabulary("event_types").codes) <= set(kinds)
    assert kinds["looked_after"] and kinds["cp_plan"] and not kinds["arrest"]


def test_a_good_mapping_parses() -> None:
    mapping = parse(GOOD, where="test.yml")
    assert mapping.files["events"].events[0].type.column == "event_type"


def test_unknown_column_is_named_with_its_path() -> None:
    message = _problem(_with(files__events__events__0__at="occured_at"))
    assert "test.yml" in message
    assert "files.events.events[0].at.column: 'occured_at' is not a column of events" in message


def test_unknown_file_and_missing_place_name() -> None:
    message = _problem(
        _with(
            files__events__events__0__participants=[
                {"who": {"place": {"column": "location_ref", "file": "places"}}, "role": "x"}
            ]
        )
    )
    assert "participants[0].who.place.file" in message and "no file 'places'" in message
    message = _problem(_with(files__events__events__0__place={"place": "home"}))
    assert "files.events.events[0].place.place: events has no place named 'home'" in message


def test_unknown_codes_are_refused() -> None:
    message = _problem(_with(files__events__events__0__type="burglary"))
    assert "events[0].type: 'burglary' is not a known code" in message
    message = _problem(
        _with(
            files__locations__places__location__place_type={
                "column": "place_type",
                "map": {"x": "castle"},
            }
        )
    )
    assert "'castle' is not a known code" in message


def test_schema_errors_name_the_field() -> None:
    message = _problem(
        _with(
            files__events__events__0__participants=[
                {"who": {"vehicle": "a", "phone": "b"}, "role": "x"}
            ]
        )
    )
    assert "a target is exactly one of" in message and "participants.0.who" in message
    message = _problem(_with(files__events__events__0__start={"column": "a", "value": "b"}))
    assert "exactly one of 'column' and 'value'" in message
    message = _problem(_with(files__events__events__0__colour="red"))
    assert "colour" in message and "Extra inputs are not permitted" in message


def test_references_must_reach_what_they_ask_for() -> None:
    doc = yaml.safe_load(GOOD)
    doc["files"]["links"] = {
        "links": [
            {
                "type": "associate",
                "from": {"person": {"column": "from_ref", "file": "persons"}},
                "to": {"object": {"column": "to_ref", "file": "locations"}},
            }
        ]
    }
    message = _problem(yaml.safe_dump(doc))
    assert "links[0].from.person.file: persons maps no person" in message
    assert "links[0].to.object.file: locations maps no object" in message


def test_person_records_need_identity_columns_and_unique_suffixes() -> None:
    doc = yaml.safe_load(GOOD)
    doc["files"]["locations"]["person"] = {"self": True}
    assert "locations has no name or date-of-birth column" in _problem(yaml.safe_dump(doc))
    doc = yaml.safe_load(GOOD)
    doc["files"]["events"]["events"].append(doc["files"]["events"]["events"][0])
    assert "share the suffix" in _problem(yaml.safe_dump(doc))


def test_unknown_format_and_bad_yaml() -> None:
    assert "no ingest format 'housing'" in _problem(GOOD.replace("police_pole", "housing"))
    assert "not valid YAML" in _problem("format: [")


def test_every_mapped_name_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "assembly.md").read_text("utf-8")
    names: set[str] = set(event_kinds())
    for mapping in mappings().values():
        for spec in mapping.files.values():
            for event in spec.events:
                names |= set(event.attributes)
                names |= {p.role.value for p in event.participants if p.role.value}
            for augment in spec.augment:
                names |= set(augment.attributes)
            if spec.person is not None:
                names |= set(spec.person.roles) | set(spec.person.identifiers)
                names |= set(spec.person.details)
    missing = sorted(n for n in names if f"`{n}`" not in doc)
    assert not missing, f"not in docs/assembly.md: {missing}"
