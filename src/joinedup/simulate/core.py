"""Run a simulation: build the world, then stream cohort by cohort, child by child, writing
every agency's rows and the truth as they are generated."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from joinedup.simulate.agencies.education import EducationWriter
from joinedup.simulate.agencies.health import HealthWriter
from joinedup.simulate.agencies.licensing import LicensingWriter
from joinedup.simulate.agencies.police import PoliceWriter
from joinedup.simulate.agencies.probation import ProbationWriter
from joinedup.simulate.agencies.social_care import SocialCareWriter
from joinedup.simulate.agencies.voluntary import VoluntaryWriter
from joinedup.simulate.childhood import ordinary
from joinedup.simulate.exploitation import exploit
from joinedup.simulate.geography import Geography
from joinedup.simulate.life import Life
from joinedup.simulate.names import namebook
from joinedup.simulate.offenders import build_background, build_groups
from joinedup.simulate.population import chunks, draw_children, new_life, write_parents
from joinedup.simulate.scenario import Scenario, load
from joinedup.simulate.sink import Sink
from joinedup.simulate.timeline import INQUIRY, clip, shifted
from joinedup.simulate.world import World, write_person

Progress = Callable[[int, int], None]


@dataclass
class SimulationResult:
    """Counts of a finished run (also written to truth/summary.json)."""

    out: Path
    children: int = 0
    victims: int = 0
    victims_looked_after: int = 0
    victims_unknown: int = 0
    victims_prior_contact: int = 0
    onset_ages: dict[int, int] = field(default_factory=dict)
    person_rows: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    window: tuple[int, int] = (0, 0)  # first and last calendar year of the scenario's window
    end_date: date | None = None  # the history's last day (None: the scenario's own window)

    def summary(self) -> dict[str, Any]:
        """The realised figures as a JSON-ready mapping."""
        v = max(1, self.victims)
        return {
            "children": self.children,
            "victims": self.victims,
            "share_looked_after": round(self.victims_looked_after / v, 4),
            "share_known_to_no_agency": round(self.victims_unknown / v, 4),
            "share_prior_contact": round(self.victims_prior_contact / v, 4),
            "onset_ages": {str(k): n for k, n in sorted(self.onset_ages.items())},
            "person_bearing_records": self.person_rows,
            "rows": dict(sorted(self.rows.items())),
            "window": {"start_year": self.window[0], "end_year": self.window[1]},
            "end_date": self.end_date.isoformat() if self.end_date else None,
        }


def attendance(life: Life, rng: random.Random, effect: float) -> None:
    """Sessions possible and absent per academic year at secondary school in the window."""
    base_auth = rng.betavariate(2, 40)
    base_unauth = rng.betavariate(1, 80)
    start = max(life.school_from, date(life.start.year - (life.start.month < 9), 9, 1))
    year = start.year
    while date(year, 9, 1) < min(life.end, life.school_to):
        possible = 380 - rng.randint(0, 30)
        unauth = base_unauth
        v = life.victim
        if v is not None and v.onset <= date(year + 1, 7, 20) and v.end >= date(year, 9, 1):
            unauth = min(0.6, unauth * effect + 0.05)
        life.attendance.append(
            (
                f"{year}/{(year + 1) % 100:02d}",
                possible,
                round(possible * base_auth),
                round(possible * unauth),
            )
        )
        year += 1


def simulate(
    out: Path | str,
    *,
    seed: int = 0,
    scenario: str | Scenario = "default",
    scale: float = 1.0,
    end_date: date | None = None,
    progress: Progress | None = None,
) -> SimulationResult:
    """Generate the borough into ``out`` (replacing agency and truth folders already there).

    With ``end_date`` the history is moved to end on that date (:mod:`.timeline`); without
    it, and for the scenario named ``inquiry``, it stays in the scenario's own window.
    """
    if scenario == INQUIRY:
        scenario, end_date = "default", None
    sc = scenario if isinstance(scenario, Scenario) else load(scenario, scale=scale)
    if end_date is not None:
        sc = shifted(sc, end_date)
    out = Path(out)
    for folder in (*sc.agencies, "truth"):
        if (out / folder).exists():
            shutil.rmtree(out / folder)
    sink = Sink(out, sc, seed)
    rng = random.Random(f"{seed}/world")  # noqa: S311 (simulation, not security)
    world = World(sc, sink, rng, namebook(), Geography(sink, rng), end_date=end_date)
    build_background(world)
    build_groups(world)
    writers_rng = random.Random(f"{seed}/writers")  # noqa: S311 (simulation, not security)
    police = PoliceWriter(world, writers_rng)
    social = SocialCareWriter(world, writers_rng)
    education = EducationWriter(world, writers_rng)
    health = HealthWriter(world, writers_rng)
    probation = ProbationWriter(world, writers_rng)
    voluntary = VoluntaryWriter(world, writers_rng)
    LicensingWriter(world, writers_rng).register()
    probation.groups(world.groups)
    result = SimulationResult(out, window=(sc.start_year, sc.end_year), end_date=end_date)
    units = chunks(sc)
    effect = sc.agencies["education"].observe.get("absence_effect", 3.0)
    for done, (year, chunk, n, n_victims) in enumerate(units):
        life_rng = random.Random(f"{seed}/{year}/{chunk}/lives")  # noqa: S311 (simulation, not security)
        for child in draw_children(world, year, n, n_victims, seed, chunk):
            life = new_life(world, child, life_rng)
            ordinary(world, life, life_rng, victim=child.victim)
            if child.victim:
                life.victim = exploit(world, life, life_rng)
            elif life_rng.random() < sc.rate("population", "cse_concern_rate"):
                _false_concern(world, life, life_rng)
            if end_date is not None:
                clip(life, end_date)
            life.events.sort(key=lambda e: (e.start, e.event_id))
            attendance(life, life_rng, effect)
            for writer in (police, social, education, health, probation, voluntary):
                writer.child(life)
            _truth(world, life, result)
            ids = [life.child.person_id, *(p.person_id for p in life.parents)]
            for writer in (police, social, education, health, voluntary):
                writer.forget(ids)
        if progress is not None:
            progress(done + 1, len(units))
    result.person_rows = sink.person_rows
    result.rows = {f"{a}/{f}": n for (a, f), n in sink.counts.items()}
    sink.close(result.summary())
    return result


def _false_concern(world: World, life: Life, rng: random.Random) -> None:
    """A non-victim assessed for CSE (factor 11A): the signal is not trivially separable."""
    from joinedup.simulate.childhood import contact, missing

    lo = max(life.start, life.child.dob + timedelta(days=11 * 365))
    if lo >= life.end:
        return
    day = world.day_between(lo, life.end)
    contact(world, life, day, rng, cse=False, factors="11A;10A", source=rng.choice(("6", "2A")))
    missing(world, life, day - timedelta(days=10), rng, cse=False)
    life.cse_concern = True


def _truth(world: World, life: Life, result: SimulationResult) -> None:
    sink, child, v = world.sink, life.child, life.victim
    for ev in life.events:
        sink.truth(
            "events.csv",
            [
                ev.event_id,
                ev.kind,
                ev.start.isoformat(),
                ev.end.isoformat() if ev.end else "",
                ev.place.location_id if ev.place else "",
                child.person_id,
                ";".join(a.person_id for a in ev.adults),
                ev.thing.object_id if ev.thing else "",
                int(ev.cse),
                ";".join(sorted(ev.seen)),
            ],
        )
    write_parents(world, life)
    result.children += 1
    if v is None:
        write_person(sink, child, is_victim=0, looked_after=int(life.looked_after))
        return
    known = any(ev.cse and ev.seen for ev in life.events)
    write_person(
        sink,
        child,
        is_victim=1,
        onset=v.onset.isoformat(),
        looked_after=int(life.looked_after),
        known=int(known),
        prior=int(v.prior_contact),
        peer=int(v.peer),
        trafficked=int(v.trafficked),
    )
    for adult in v.abusers:
        relation = "controlling_adult" if adult is v.controller else "abuser"
        sink.truth(
            "exploitation.csv", [child.person_id, adult.person_id, v.group.group_id, relation]
        )
    result.victims += 1
    result.victims_looked_after += int(life.looked_after)
    result.victims_unknown += int(not known)
    result.victims_prior_contact += int(v.prior_contact)
    age = child.age_on(v.onset)
    result.onset_ages[age] = result.onset_ages.get(age, 0) + 1
