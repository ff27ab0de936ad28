"""The ordinary records of childhood that every child may generate, victim or not: contacts
with children's social care, child protection plans, care, missing episodes, health
attendances, exclusions and concerns, police incidents and the parents' own records."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from joinedup.simulate.entities import Event, Person, Place, Thing
from joinedup.simulate.life import CarePeriod, Life, Placement
from joinedup.simulate.world import World

ORDINARY_FACTORS = ("3A", "3B", "16A", "17A", "4B", "1B", "2B", "14A", "4A", "18C", "21")
SOURCES = ("2A", "3A", "6", "1A", "3E", "4", "8", "5D")


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth's method; ``lam`` is small here)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def event(
    world: World,
    kind: str,
    start: date,
    child: Person | None,
    *,
    end: date | None = None,
    place: Place | None = None,
    adults: list[Person] | None = None,
    thing: Thing | None = None,
    cse: bool = False,
    **detail: str,
) -> Event:
    """A new true event (not yet seen by any agency)."""
    return Event(
        world.sink.key("E", 8),
        kind,
        start,
        end,
        place,
        child,
        adults or [],
        thing,
        cse,
        dict(detail),
    )


def see(world: World, ev: Event, agency: str, rng: random.Random) -> None:
    """Mark ``ev`` as recorded by ``agency`` after the agency's delay."""
    delay = world.scenario.agencies[agency].delay_days
    ev.seen[agency] = ev.start + timedelta(days=rng.randint(delay.min, delay.max))


def contact(
    world: World,
    life: Life,
    day: date,
    rng: random.Random,
    *,
    cse: bool = False,
    factors: str = "",
    source: str = "",
) -> Event:
    """A contact to children's social care (recorded by social care)."""
    if not factors:
        factors = ";".join(sorted(set(rng.sample(ORDINARY_FACTORS, rng.randint(1, 2)))))
    ev = event(
        world,
        "contact",
        day,
        life.child,
        cse=cse,
        factors=factors,
        source=source or rng.choice(SOURCES),
        assess="Y" if cse or rng.random() < 0.6 else "N",
    )
    see(world, ev, "social_care", rng)
    life.events.append(ev)
    return ev


def care_period(world: World, life: Life, start: date, rng: random.Random, *, victim: bool) -> None:
    """A period of care with one to four placements."""
    end_cap = life.child.dob + timedelta(days=18 * 365)
    end: date | None = start + timedelta(days=rng.randint(120, 365 * 5))
    assert end is not None
    if end >= end_cap:
        end = end_cap
    if end > world.window_end:
        end = None
    period = CarePeriod(start, end, rng.choice(("N1", "N1", "N4", "N5", "N6", "N8")))
    n = rng.randint(1, 4 if victim else 3)
    stop = end or world.window_end
    cuts = sorted(
        start + timedelta(days=rng.randint(1, max(1, (stop - start).days - 1)))
        for _ in range(n - 1)
    )
    bounds: list[date | None] = [start, *cuts, end]
    for i in range(n):
        residential = rng.random() < (0.4 if victim else 0.15)
        out_of_area = rng.random() < (0.3 if victim else 0.12)
        place = rng.choice(world.residential if residential else world.foster)
        code = rng.choice(("K2", "R1")) if residential else rng.choice(("U4", "U6", "U6", "U3"))
        if victim and i == n - 1 and rng.random() < 0.2:
            code, place = "H5", world.geo.place("flat")
            world.geo.write(place)
        distance = round(rng.uniform(22, 140) if out_of_area else rng.uniform(0.5, 12), 1)
        provider = "PR2" if out_of_area else rng.choice(("PR1", "PR1", "PR4", "PR5"))
        reason = rng.choice(("CARPL", "CREQB", "CHILD", "STAND", "CLOSE")) if i < n - 1 else ""
        begin = bounds[i]
        assert begin is not None
        period.placements.append(
            Placement(begin, bounds[i + 1], place, code, provider, distance, reason)
        )
    life.care.append(period)
    life.events.append(
        event(world, "placement_start", start, life.child, place=period.placements[0].place)
    )


def missing(
    world: World,
    life: Life,
    day: date,
    rng: random.Random,
    *,
    cse: bool,
    place: Place | None = None,
    adults: list[Person] | None = None,
) -> Event:
    """A missing episode, reported to the police and social care at the agencies' rates."""
    ev = event(
        world,
        "missing_episode",
        day,
        life.child,
        end=day + timedelta(days=rng.randint(0, 3)),
        place=place,
        adults=adults,
        cse=cse,
    )
    observe = world.scenario.agencies["police"].observe
    in_care = life.in_care_on(day) is not None
    rate = observe["missing_cse_reported"] if cse else observe["missing_reported"]
    if in_care or rng.random() < rate:
        see(world, ev, "police", rng)
        if in_care or rng.random() < 0.6:
            see(world, ev, "social_care", rng)
    life.events.append(ev)
    return ev


def ordinary(world: World, life: Life, rng: random.Random, *, victim: bool) -> None:
    """Generate the ordinary events of one child's life in the window."""
    sc, child = world.scenario, life.child
    lo, hi = life.start, life.end
    if hi <= lo:
        return
    years = (hi - lo).days / 365.25
    pop = sc.population
    if rng.random() < float(pop["social_care_contact_rate"]):
        for _ in range(1 + poisson(rng, 0.5)):
            contact(world, life, world.day_between(lo, hi), rng)
    if rng.random() < float(pop["child_protection_rate"]):
        start = world.day_between(lo, hi)
        contact(world, life, start - timedelta(days=40), rng, factors="16A;3A")
        life.cp_plans.append(
            (
                start,
                start + timedelta(days=rng.randint(180, 720)),
                rng.choice(
                    ("Neglect", "Neglect", "Emotional abuse", "Physical abuse", "Sexual abuse")
                ),
            )
        )
    if not victim and rng.random() < float(pop["looked_after_rate"]):
        start = world.day_between(lo, hi - timedelta(days=60))
        contact(world, life, start - timedelta(days=30), rng)
        care_period(world, life, start, rng, victim=False)
    if not victim and rng.random() < float(pop["missing_rate"]):
        teen = max(lo, child.dob + timedelta(days=12 * 365))
        for _ in range(rng.randint(1, 3)):
            if teen < hi:
                missing(world, life, world.day_between(teen, hi), rng, cse=False)
    _health(world, life, rng, years)
    _school(world, life, rng)
    _police_and_family(world, life, rng, years)
    if rng.random() < float(pop["voluntary_youth_share"]):
        for _ in range(rng.randint(1, 3)):
            ev = event(
                world,
                "concern",
                world.day_between(max(lo, child.dob + timedelta(days=11 * 365)), hi),
                child,
                service="voluntary",
            )
            see(world, ev, "voluntary", rng)
            life.events.append(ev)


def _health(world: World, life: Life, rng: random.Random, years: float) -> None:
    pop = world.scenario.population
    for _ in range(poisson(rng, float(pop["emergency_attendance_per_year"]) * years)):
        ev = event(
            world,
            "health_attendance",
            world.day_between(life.start, life.end),
            life.child,
            service="ED",
        )
        see(world, ev, "health", rng)
        life.events.append(ev)
    fourteen = life.child.dob + timedelta(days=14 * 365)
    if fourteen < life.end:
        span = (life.end - max(fourteen, life.start)).days / 365.25
        for _ in range(poisson(rng, float(pop["sexual_health_per_year"]) * span)):
            ev = event(
                world,
                "health_attendance",
                world.day_between(max(fourteen, life.start), life.end),
                life.child,
                service="SEXUAL_HEALTH",
            )
            see(world, ev, "health", rng)
            life.events.append(ev)


def _school(world: World, life: Life, rng: random.Random) -> None:
    lo, hi = max(life.start, life.school_from), min(life.end, life.school_to)
    if hi <= lo:
        return
    years = (hi - lo).days / 365.25
    pop = world.scenario.population
    for kind, rate in (
        ("school_exclusion", "exclusion_per_year"),
        ("concern", "school_concern_per_year"),
    ):
        for _ in range(poisson(rng, float(pop[rate]) * years)):
            ev = event(world, kind, world.day_between(lo, hi), life.child, service="education")
            see(world, ev, "education", rng)
            life.events.append(ev)


def _police_and_family(world: World, life: Life, rng: random.Random, years: float) -> None:
    pop = world.scenario.population
    ten = max(life.start, life.child.dob + timedelta(days=10 * 365))
    rate = world.scenario.agencies["police"].observe.get("ordinary_incident_per_year", 0.0)
    if ten < life.end:
        for _ in range(poisson(rng, rate * (life.end - ten).days / 365.25)):
            kind = rng.choice(list(world.ordinary))
            ev = event(
                world,
                "police_incident",
                world.day_between(ten, life.end),
                life.child,
                place=rng.choice(world.ordinary[kind]),
                role="subject",
            )
            see(world, ev, "police", rng)
            life.events.append(ev)
    for _ in range(poisson(rng, float(pop["parent_police_incident_per_year"]) * years)):
        day = world.day_between(life.start, life.end)
        ev = event(
            world,
            "police_incident",
            day,
            life.child,
            place=life.child.home_on(day),
            adults=[rng.choice(life.parents)],
            role="witness",
            domestic="Y",
        )
        see(world, ev, "police", rng)
        life.events.append(ev)
        if rng.random() < 0.5:
            contact(world, life, day + timedelta(days=2), rng, factors="3A;3B", source="6")
    if rng.random() < float(pop["parent_probation_share"]):
        day = world.day_between(life.start, life.end)
        ev = event(
            world,
            "conviction",
            day,
            None,
            adults=[rng.choice(life.parents)],
            offence=rng.choice(
                (
                    "Assault occasioning ABH",
                    "Theft",
                    "Burglary",
                    "Drink driving",
                    "Possession with intent to supply",
                )
            ),
        )
        see(world, ev, "probation", rng)
        life.events.append(ev)
