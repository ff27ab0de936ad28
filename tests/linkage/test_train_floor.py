"""A level EM left without an m probability counts as strong evidence against a match."""

from __future__ import annotations

import math

from joinedup.linkage.train import MIN_LEVEL_WEIGHT_BITS, MIN_PROBABILITY, monotone_levels


def _model(else_m: float | None) -> dict[str, object]:
    levels = [
        {"label_for_charts": "date_of_birth is NULL", "is_null_level": True},
        {
            "label_for_charts": "Exact match on date_of_birth",
            "m_probability": 0.98,
            "u_probability": 0.0004,
        },
        {"label_for_charts": "One typo", "m_probability": 0.01, "u_probability": 0.00005},
        {
            "label_for_charts": "All other comparisons",
            "m_probability": else_m,
            "u_probability": 0.91,
        },
    ]
    return {"comparisons": [{"output_column_name": "date_of_birth", "comparison_levels": levels}]}


def _else_weight(model: dict[str, object]) -> float:
    level = model["comparisons"][0]["comparison_levels"][-1]  # type: ignore[index]
    return math.log2(level["m_probability"] / level["u_probability"])


def test_untrained_else_level_gets_the_floor_weight() -> None:
    for untrained in (None, 0.0):
        fixed = monotone_levels(_model(untrained))
        assert math.isclose(_else_weight(fixed), MIN_LEVEL_WEIGHT_BITS)


def test_trained_levels_keep_their_weight_above_the_floor() -> None:
    fixed = monotone_levels(_model(0.05))
    assert math.isclose(_else_weight(fixed), math.log2(0.05 / 0.91))


def test_no_probability_is_left_below_the_minimum() -> None:
    model = _model(0.05)
    levels = model["comparisons"][0]["comparison_levels"]  # type: ignore[index]
    levels[1]["u_probability"] = 1e-310  # a denormal EM or lifting could produce
    levels[2]["m_probability"] = 2.5e-317
    fixed = monotone_levels(model)
    for level in fixed["comparisons"][0]["comparison_levels"]:  # type: ignore[index]
        for key in ("m_probability", "u_probability"):
            value = level.get(key)
            assert value is None or value >= MIN_PROBABILITY
