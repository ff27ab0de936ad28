"""Victims are recorded by chance at a latent visibility: lists overlap as real lists do, the
hidden number is within an estimate's reach, and an invisible group is not."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.assemble.hidden_truth import load_victim_truth
from joinedup.estimate.lcmcr import LcmcrSettings, lcmcr
from joinedup.estimate.table import CaptureTable, table_from_rows
from joinedup.simulate import simulate
from joinedup.simulate.scenario import ScenarioError, load
from joinedup.simulate.visibility import draw, recognition

from .conftest import SCALE

LISTS = ("police", "social_care", "education", "health", "voluntary")


def _truth_table(out: Path) -> tuple[CaptureTable, int, int]:
    """The capture table of the agencies that recorded each victim's exploitation (exact
    lists, exact linkage), the number of victims and of victims known to some agency."""
    truth = load_victim_truth(out)
    patterns = Counter(
        tuple(int(v in truth.seen_by.get(a, set())) for a in LISTS) for v in truth.victims
    )
    patterns.pop((0,) * len(LISTS), None)
    return table_from_rows(LISTS, list(patterns.items())), len(truth.victims), len(truth.known)


@given(
    st.floats(min_value=0.0, max_value=0.99),
    st.floats(min_value=0.01, max_value=10.0),
    st.floats(min_value=0.01, max_value=10.0),
)
def test_recognition_grows_with_visibility_and_equals_awareness_at_one(
    p: float, a: float, b: float
) -> None:
    assert recognition(p, 1.0) == pytest.approx(p)
    low, high = sorted((a, b))
    assert 0.0 <= recognition(p, low) <= recognition(p, high) <= 1.0


def test_invisible_victims_are_known_to_no_agency_and_others_as_drawn() -> None:
    ex = load("default").exploitation
    rng = random.Random(1)
    hidden = draw(ex, {"looked_after"}, rng, invisible=True)
    assert not any(hidden.knows(a) for a in LISTS)
    assert hidden.chance("police", 0.9) == 0.0 and hidden.rate("health", 2.0) == 0.0
    draws = [draw(ex, set(), rng) for _ in range(2000)]
    aware = sum(d.knows("police") for d in draws) / len(draws)
    # recognition at a mean-one gamma visibility is below the awareness at visibility 1
    assert 0.2 < aware < float(ex["visibility"]["awareness"]["police"])
    everyone = draw({}, set(), rng)
    assert all(everyone.knows(a) for a in LISTS) and everyone.base == 1.0


def test_old_unknown_share_is_refused_with_a_pointer() -> None:
    raw = load("default").exploitation
    with pytest.raises(ScenarioError, match="invisible_share"):
        from joinedup.simulate.scenario import _visibility

        _visibility({**raw, "unknown_share": 0.2}, "exploitation")


def test_lists_are_positively_dependent(borough) -> None:  # type: ignore[no-untyped-def]
    out, _ = borough
    truth = load_victim_truth(out)
    victims = len(truth.victims)
    police, social = truth.seen_by["police"], truth.seen_by["social_care"]
    # a child social care knows of is more likely to be known to the police than any victim
    assert len(police & social) / len(social) > len(police) / victims + 0.05


def test_victims_missed_by_chance_are_within_the_estimate(borough) -> None:  # type: ignore[no-untyped-def]
    out, _ = borough
    table, victims, known = _truth_table(out)
    assert known < victims  # some victims every agency missed
    s = lcmcr(table, LcmcrSettings(seed=7)).summary
    assert s["low"] <= victims <= s["high"]
    assert s["median"] > known


def test_an_invisible_group_is_beyond_the_estimate(tmp_path: Path) -> None:
    """The inquiry's children beyond any list: no capture-recapture estimate reaches them,
    so on a borough where 40% of victims are invisible the interval stays below the truth."""
    scenario = load("default", scale=SCALE)
    scenario.exploitation["invisible_share"] = 0.4
    simulate(tmp_path, seed=3, scenario=scenario)
    table, victims, known = _truth_table(tmp_path)
    assert known < 0.65 * victims
    s = lcmcr(table, LcmcrSettings(seed=7)).summary
    assert s["high"] < victims
