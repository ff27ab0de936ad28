"""Windows and areas: postcode areas, districts and sectors; open episodes."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from joinedup.network.graph import build_network
from joinedup.network.scope import Window, postcode_district, postcode_in_area
from tests.network.builder import Builder

postcodes = st.builds(
    lambda area, district, sector, unit: f"{area}{district} {sector}{unit}",
    st.sampled_from(["DM", "WX", "Q", "QB"]),
    st.integers(1, 29),
    st.integers(0, 9),
    st.text("ABDEFGHJLNPQRSTUWXYZ", min_size=2, max_size=2),
)


@given(postcodes)
def test_a_postcode_is_in_its_area_district_and_sector(postcode: str) -> None:
    district = postcode_district(postcode)
    assert district is not None and postcode.startswith(district)
    letters = district.rstrip("0123456789")
    sector = postcode[:-2]
    for area in (letters, district, sector, sector.lower(), postcode.replace(" ", "")):
        assert postcode_in_area(postcode, area), area
    assert not postcode_in_area(postcode, district + "9")  # DM1 is not DM19
    assert not postcode_in_area(postcode, "ZZ")


def test_districts_with_two_digits_are_not_their_prefix() -> None:
    assert postcode_district("DM10 1AB") == "DM10"
    assert not postcode_in_area("DM10 1AB", "DM1")
    assert postcode_in_area("dm101ab", "DM10 1")
    assert not postcode_in_area(None, "DM")


def test_an_open_episode_runs_on_into_later_windows() -> None:
    b = Builder()
    b.child("girl")
    b.event("looked_after", date(2005, 1, 1), {"girl": "child"}, cse=True)
    b.event("missing_episode", date(2005, 1, 1), {"girl": "missing_person"}, cse=True)
    net = build_network(b.done(), Window(since=date(2008, 1, 1)))
    assert [e.event_type for e in net.events] == ["looked_after"]


def test_persons_in_an_area_by_their_home_town() -> None:
    b = Builder()
    b.place("place:w", town="Wexley", postcode="WX1 1AA")
    b.child("girl", postcode="WX1 9ZZ")
    b.event("concern", date(2008, 1, 1), {"girl": "subject"}, cse=True)  # no place
    assembly = b.done()
    assert len(build_network(assembly, Window(area="wexley")).events) == 1
    assert not build_network(assembly, Window(area="Dunmere")).events


def test_a_person_without_a_postcode_lives_where_they_were_last_recorded() -> None:
    b = Builder()
    b.place("place:old", "home", town="Dunmere", postcode="DM1 1AA")
    b.place("place:new", "home", town="Wexley", postcode="WX1 1AA")
    b.child("girl")
    b.link("resides_at", "girl", "place:old", ("person", "place"), start=date(2001, 1, 1))
    b.link("resides_at", "girl", "place:new", ("person", "place"), start=date(2006, 1, 1))
    net = build_network(b.done())
    assert net.town_of_person("girl") == "Wexley"
    assert net.town_of_person("nobody") is None
