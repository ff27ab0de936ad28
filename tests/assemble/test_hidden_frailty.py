"""The gamma frailty in the hidden number: the dependent lists joined, credibility."""

from __future__ import annotations

import math

import numpy as np
import pytest

from joinedup.assemble.hidden_frailty import (
    ListDependenceError,
    dependent_lists,
    frailty_summary,
    parse_dependence,
)
from joinedup.estimate.frailty import cell_probabilities
from joinedup.estimate.table import CaptureTable, table_from_rows

NAMES = ("police", "social_care", "health", "voluntary")


def _table(theta: np.ndarray, shape: float, total: int) -> CaptureTable:
    p = cell_probabilities(theta, shape)
    rows = [
        (tuple(int(code >> j & 1) for j in range(4)), round(total * p[code]))
        for code in range(1, 16)
    ]
    return table_from_rows(NAMES, rows)


def test_police_and_social_care_are_joined_with_a_basis() -> None:
    assert ("police", "social_care") in dependent_lists()
    with pytest.raises(ListDependenceError, match="list dependence"):
        parse_dependence("joined:\n  - lists: [police]\n    basis: too few lists here\n")
    with pytest.raises(ListDependenceError):
        parse_dependence("joined:\n  - lists: [police, health]\n")  # no basis


def test_the_summary_joins_the_lists_and_reports_the_fit() -> None:
    table = _table(np.array([0.5, 0.4, 0.6, 0.3]), 2.0, 3_000)
    out = frailty_summary(table, replicates=10)
    assert out is not None and out.credible and out.note == ""
    assert out.details["joined_lists"] == ["police+social_care"]
    assert out.details["lists"] == ["police+social_care", "health", "voluntary"]
    assert out.low <= out.estimate <= out.high and math.isfinite(out.high)
    assert out.estimate > table.n_observed and "10 replicates" in str(out.details["ci_method"])


def test_a_poor_fit_is_set_aside_and_too_few_lists_give_no_model() -> None:
    # two kinds of children, one known to every list and one hardly seen, with the
    # joined pair on opposite sides: no gamma tail fits that
    rows = [((1, 0, 1, 1), 400), ((0, 1, 0, 0), 300), ((0, 0, 1, 0), 5), ((0, 0, 0, 1), 5)]
    rows += [((1, 1, 1, 1), 10), ((0, 0, 1, 1), 200), ((1, 0, 0, 0), 300)]
    out = frailty_summary(table_from_rows(NAMES, rows), replicates=5)
    assert out is not None and not out.credible and "fits the observed cells poorly" in out.note
    three = table_from_rows(
        ("police", "social_care", "health"), [((1, 0, 0), 5), ((0, 1, 1), 4), ((1, 1, 0), 3)]
    )
    assert frailty_summary(three) is None  # two lists once police and social care are joined
