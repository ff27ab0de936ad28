"""Children by birth cohort: identities, families, homes and schools, drawn in bulk with numpy.

Victims are allocated to cohorts exactly (largest remainder over the onset-age weights that
fall inside the window), so the realised number of victims equals the scaled target.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from joinedup.simulate import ids
from joinedup.simulate.entities import Person
from joinedup.simulate.life import Life
from joinedup.simulate.scenario import Scenario
from joinedup.simulate.world import World, write_person

LA_CODE = "998"
CHUNK = 4000


def cohort_years(sc: Scenario) -> list[int]:
    """Birth years of the children simulated: aged ``min_age_in_window``-17 in the window."""
    min_age = int(sc.population["min_age_in_window"])
    return list(range(sc.start_year - 17, sc.end_year - min_age + 1))


def onset_ages(sc: Scenario, year: int) -> dict[int, float]:
    """Onset-age weights for a cohort, restricted to onsets inside the window."""
    weights = {int(k): float(v) for k, v in sc.exploitation["onset_age_weights"].items()}
    return {a: w for a, w in weights.items() if sc.start_year <= year + a <= sc.end_year}


def allocate_victims(sc: Scenario) -> dict[int, int]:
    """Number of victims per birth cohort, summing exactly to the scaled target."""
    target = sc.count("exploitation", "victims")
    mass = {y: sum(onset_ages(sc, y).values()) for y in cohort_years(sc)}
    total = sum(mass.values()) or 1.0
    exact = {y: target * m / total for y, m in mass.items()}
    counts = {y: int(v) for y, v in exact.items()}
    left = target - sum(counts.values())
    for y in sorted(exact, key=lambda y: (counts[y] - exact[y], y))[:left]:
        counts[y] += 1
    return counts


@dataclass
class Child:
    """A child drawn for a cohort, before its life is simulated."""

    person: Person
    parents: list[Person]
    victim: bool


def chunks(sc: Scenario) -> list[tuple[int, int, int, int]]:
    """Work units: (birth year, chunk index, children, victims) covering every cohort."""
    size = max(1, round(float(sc.population["births_per_year"]) * sc.scale))
    victims = allocate_victims(sc)
    units = []
    for year in cohort_years(sc):
        n_chunks = max(1, -(-size // CHUNK))
        for c in range(n_chunks):
            n = size // n_chunks + (1 if c < size % n_chunks else 0)
            v = victims[year] // n_chunks + (1 if c < victims[year] % n_chunks else 0)
            units.append((year, c, n, min(v, n)))
    return units


def draw_children(
    world: World, year: int, n: int, n_victims: int, seed: int, chunk: int
) -> Iterator[Child]:
    """Draw ``n`` children born in ``year`` (``n_victims`` of them to be exploited)."""
    sc = world.scenario
    gen = np.random.default_rng([seed, year, chunk, 1])
    rng = random.Random(f"{seed}/{year}/{chunk}/children")  # noqa: S311 (simulation, not security)
    book = world.book
    days = gen.integers(0, 365, size=n)
    female = gen.random(n) < sc.rate("population", "female_share")
    eth_codes = list(sc.population["ethnicity"])
    eth_p = np.array([float(sc.population["ethnicity"][c]) for c in eth_codes])
    eth = gen.choice(len(eth_codes), size=n, p=eth_p / eth_p.sum())
    ld = gen.random(n) < sc.rate("population", "learning_disability_rate")
    fs = sc.rate("exploitation", "female_share")
    p_ld = max(1e-6, sc.rate("population", "learning_disability_rate"))
    s_ld = sc.rate("exploitation", "learning_disability_share")
    ld_mult = (s_ld / (1 - s_ld)) / (p_ld / (1 - p_ld))
    n_f = max(1, int(female.sum()))
    n_m = max(1, n - n_f)
    weights = np.where(female, fs / n_f, (1 - fs) / n_m) * np.where(ld, ld_mult, 1.0)
    victims = np.zeros(n, dtype=bool)
    if n_victims:
        victims[gen.choice(n, size=n_victims, replace=False, p=weights / weights.sum())] = True
    two_parents = sc.rate("population", "two_parent_share")
    for i in range(n):
        dob = date(year, 1, 1) + timedelta(days=int(days[i]))
        ethnicity = eth_codes[int(eth[i])]
        origin = book.origin_for(ethnicity, rng)
        serial = world.sink.serial("person")
        child = Person(
            person_id=f"P{serial:07d}",
            role="child",
            forename=book.forename(origin, bool(female[i]), rng),
            surname=book.surname(origin, rng),
            female=bool(female[i]),
            dob=dob,
            ethnicity=ethnicity,
            origin=origin,
            nhs_number=ids.nhs_number(serial),
            learning_disability=bool(ld[i]),
        )
        child.family_id = f"F{serial:07d}"
        parents = _parents(world, child, two_parents, rng)
        _homes(world, child, parents, rng)
        yield Child(child, parents, bool(victims[i]))


def _parents(world: World, child: Person, two_parents: float, rng: random.Random) -> list[Person]:
    parents = []
    mother_age = rng.randint(18, 40)
    dob = child.dob - timedelta(days=mother_age * 365 + rng.randint(0, 364))
    mother = world.adult("parent", child.origin, True, dob, world.geo.home_town)
    mother.surname = child.surname if rng.random() < 0.8 else mother.surname
    mother.family_id = child.family_id
    parents.append(mother)
    if rng.random() < two_parents:
        dob = mother.dob - timedelta(days=rng.randint(-700, 2500))
        father = world.adult("parent", child.origin, False, dob, world.geo.home_town)
        father.surname = child.surname
        father.family_id = child.family_id
        father.homes = mother.homes
        parents.append(father)
    return parents


def _homes(world: World, child: Person, parents: list[Person], rng: random.Random) -> None:
    """The family's address history: the mother's home then moves at the scenario's rate."""
    homes = parents[0].homes
    homes[0] = (child.dob, homes[0][1])
    rate = world.scenario.rate("population", "move_rate_per_year")
    day = child.dob
    end = min(world.window_end, child.dob + timedelta(days=18 * 365))
    while True:
        day += timedelta(days=int(rng.expovariate(rate) * 365) + 30)
        if day > end:
            break
        place = world.geo.place("home" if rng.random() < 0.85 else "flat")
        world.geo.write(place)
        homes.append((day, place))
    child.homes = homes


def new_life(world: World, child: Child, rng: random.Random) -> Life:
    """The frame of a child's life: window of interest and school."""
    p = child.person
    start = max(world.window_start, p.dob + timedelta(days=5 * 365))
    end = min(world.window_end, p.dob + timedelta(days=18 * 365 - 1))
    school_idx = rng.randrange(len(world.schools))
    school_from = date(p.dob.year + 11 + (p.dob.month >= 9), 9, 1)
    school_to = date(school_from.year + 5, 7, 20)
    serial = world.sink.serial(f"upn{school_idx}/{school_from.year}")
    school_no = 4000 + school_idx + 100 * (serial // 1000)
    p.upn = ids.upn(LA_CODE, school_no, school_from.year, serial)
    return Life(p, child.parents, world.schools[school_idx], school_from, school_to, start, end)


def write_parents(world: World, life: Life) -> None:
    """Write the child's parents to the truth."""
    for parent in life.parents:
        write_person(world.sink, parent)
