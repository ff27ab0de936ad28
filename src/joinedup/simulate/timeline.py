"""Where the borough's history sits in time: shifted to end on a given date, or the scenario's
own window (the inquiry period for the default scenario).

A scenario declares its window in calendar years (``window: {start_year, years}``); lives,
exploitation and the agencies' records run on for a while after it (late disclosures, abuse
that goes on). Given an end date, the whole timeline moves by whole years so that the
window's last year is the year before the end date, and what would happen or be recorded
after the end date is left out: no event after it, no record made after it, and an episode
still going on then has no end yet. Whole years keep school years, birthdays and seasons
where they were.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from joinedup.simulate.life import Life
from joinedup.simulate.scenario import Scenario

INQUIRY = "inquiry"  # the default scenario in its own window, 1997-2011 (records to 2013)


def shifted(scenario: Scenario, end_date: date) -> Scenario:
    """The scenario moved by whole years so that its window ends the year before ``end_date``."""
    years = end_date.year - 1 - scenario.end_year
    return replace(scenario, start_year=scenario.start_year + years)


def clip(life: Life, end_date: date) -> None:
    """Leave out of a life what happens, or is recorded, after ``end_date``."""
    kept = []
    for ev in life.events:
        if ev.start > end_date:
            continue
        ev.seen = {agency: day for agency, day in ev.seen.items() if day <= end_date}
        if ev.end is not None and ev.end > end_date:
            ev.end = None
        kept.append(ev)
    life.events = kept
    life.cp_plans = [
        (start, end if end is None or end <= end_date else None, code)
        for start, end, code in life.cp_plans
        if start <= end_date
    ]
