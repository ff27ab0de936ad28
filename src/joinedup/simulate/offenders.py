"""Offender groups: core members and associates, their vehicles (some licensed taxis or
private hire), phones and hotspots, some groups linked to a group in another town."""

from __future__ import annotations

from datetime import date, timedelta

from joinedup.simulate.entities import Group, Person
from joinedup.simulate.world import World, weighted, write_person


def _size(world: World) -> int:
    lo, hi = (
        world.scenario.range("offenders", "size").min,
        world.scenario.range("offenders", "size").max,
    )
    return lo + round((hi - lo) * world.rng.betavariate(1.2, 2.8))


def _member(
    world: World, group: Group, town_name: str, role: str, min_age: int, max_age: int
) -> Person:
    sc, r = world.scenario, world.rng
    origin = weighted(r, {k: float(v) for k, v in sc.offenders["origin"].items()})
    female = r.random() >= sc.rate("offenders", "male_share")
    age = r.randint(min_age, max_age)
    dob = group.active_from - timedelta(days=age * 365 + r.randint(0, 364))
    p = world.adult("offender", origin, female, dob, world.geo.town(town_name))
    world.member_group[p.person_id] = group.group_id
    world.member_role[p.person_id] = role
    world.phone_object(p, group.group_id)
    write_person(world.sink, p, group=group.group_id, offender_role=role)
    world.sink.truth("group_members.csv", [group.group_id, p.person_id, role])
    return p


def build_groups(world: World) -> None:
    """Create every offender group and write it to the truth."""
    sc, r, geo = world.scenario, world.rng, world.geo
    n = sc.count("offenders", "groups", minimum=1)
    age = sc.range("offenders", "age")
    for g in range(n):
        town = geo.home_town if r.random() < 0.7 else geo.other_town(geo.home_town.name)
        start = world.day_between(world.window_start, date(sc.end_year - 1, 12, 31))
        end = min(world.window_end, start + timedelta(days=365 * r.randint(3, 12)))
        group = Group(f"G{g + 1:03d}", town.name, start, end)
        size = _size(world)
        n_core = max(1, round(size * sc.rate("offenders", "core_share")))
        for i in range(size):
            role = "core" if i < n_core else "associate"
            member = _member(world, group, town.name, role, age.min + 2, age.max - 10)
            (group.core if role == "core" else group.associates).append(member)
        spots = sc.range("offenders", "hotspots_per_group")
        types = {k: float(v) for k, v in sc.offenders["hotspot_types"].items()}
        for _ in range(r.randint(spots.min, spots.max)):
            place = geo.place(weighted(r, types), town)
            place.group_ids.append(group.group_id)
            group.places.append(place)
        vehicles = sc.range("offenders", "vehicles_per_group")
        for _ in range(r.randint(vehicles.min, vehicles.max)):
            owner = r.choice(group.members)
            licence = ""
            if r.random() < sc.rate("offenders", "licensed_vehicle_share"):
                licence = "private_hire" if r.random() < 0.6 else "hackney"
            group.vehicles.append(world.vehicle(owner, licence, group.group_id))
        world.groups.append(group)
    _link_across_towns(world)
    for group in world.groups:
        for place in group.places:
            geo.write(place)
        world.sink.truth(
            "groups.csv",
            [
                group.group_id,
                group.town,
                group.active_from.isoformat(),
                group.active_to.isoformat(),
                len(group.members),
                len(group.core),
                ";".join(group.linked),
            ],
        )


def _link_across_towns(world: World) -> None:
    """Link a share of groups to a group in another town: a shared member and shared places."""
    r = world.rng
    share = world.scenario.rate("offenders", "cross_town_share")
    for group in world.groups:
        others = [
            g for g in world.groups if g.town != group.town and g.group_id not in group.linked
        ]
        if not others or r.random() >= share:
            continue
        other = r.choice(others)
        group.linked.append(other.group_id)
        other.linked.append(group.group_id)
        shared = r.choice(group.core)
        other.associates.append(shared)
        world.sink.truth("group_members.csv", [other.group_id, shared.person_id, "associate"])
        if other.places:
            place = r.choice(other.places)
            place.group_ids.append(group.group_id)
            group.places.append(place)


def peer(world: World, group: Group, onset: date) -> Person:
    """A young member (15-17 at ``onset``) added to ``group`` for a peer-on-peer case."""
    r = world.rng
    origin = weighted(r, {k: float(v) for k, v in world.scenario.offenders["origin"].items()})
    age = r.randint(15, 17)
    dob = onset - timedelta(days=age * 365 + r.randint(0, 300))
    p = world.adult("offender", origin, False, dob, world.geo.town(group.town))
    group.associates.append(p)
    world.member_group[p.person_id] = group.group_id
    world.member_role[p.person_id] = "associate"
    world.phone_object(p, group.group_id)
    write_person(world.sink, p, group=group.group_id, offender_role="associate")
    world.sink.truth("group_members.csv", [group.group_id, p.person_id, "associate"])
    return p


def build_background(world: World) -> None:
    """Ordinary premises, schools, children's homes, foster homes and innocent drivers."""
    sc, r, geo = world.scenario, world.rng, world.geo
    kinds = ["takeaway", "shop", "park", "hotel", "taxi_rank", "transport_hub", "flat"]
    for _ in range(sc.count("background", "ordinary_places", minimum=len(kinds))):
        kind = r.choice(kinds)
        town = geo.home_town if r.random() < 0.75 else geo.other_town(geo.home_town.name)
        place = geo.place(kind, town)
        geo.write(place)
        world.ordinary.setdefault(kind, []).append(place)
    for _ in range(sc.count("population", "schools", minimum=2)):
        school = geo.place("school")
        geo.write(school)
        world.schools.append(school)
    for _ in range(sc.count("background", "residential_units", minimum=2)):
        town = geo.home_town if r.random() < 0.6 else geo.other_town(geo.home_town.name)
        unit = geo.place("residential_unit", town)
        geo.write(unit)
        world.residential.append(unit)
    for _ in range(sc.count("background", "foster_homes", minimum=3)):
        town = geo.home_town if r.random() < 0.8 else geo.other_town(geo.home_town.name)
        home = geo.place("foster_home", town, "")
        geo.write(home)
        world.foster.append(home)
    origins = {
        "white_british": 0.45,
        "pakistani": 0.35,
        "bangladeshi": 0.04,
        "kurdish_arabic": 0.08,
        "eastern_european": 0.05,
        "black_african": 0.03,
    }
    for _ in range(sc.count("background", "licensed_drivers", minimum=5)):
        dob = world.day_between(date(sc.start_year - 60, 1, 1), date(sc.start_year - 21, 1, 1))
        town = geo.home_town if r.random() < 0.85 else geo.other_town(geo.home_town.name)
        driver = world.adult("driver", weighted(r, origins), r.random() < 0.05, dob, town)
        write_person(world.sink, driver)
        world.vehicle(driver, "private_hire" if r.random() < 0.7 else "hackney", "")
