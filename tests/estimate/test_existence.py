from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.estimate import CaptureTable, fit_model, parse_model, table_from_rows
from joinedup.estimate.design import term_totals
from joinedup.estimate.existence import (
    check_model,
    fienberg_rinaldo_lp,
    mle_exists,
    reduce_model,
)
from joinedup.estimate.loglinear import NO_MLE, NOT_IDENTIFIABLE
from joinedup.estimate.notation import Model, enumerate_models


def test_korea_statuses(korea: CaptureTable) -> None:
    margins = term_totals(korea.counts, 3)
    assert check_model(parse_model("[12,13,23]", 3), korea.counts, margins) == 1
    assert check_model(parse_model("[123]", 3), korea.counts, margins) >= 2
    assert check_model(parse_model("[12,23]", 3), korea.counts, margins) == 0
    assert fit_model(korea, parse_model("[12,13]", 3)).status == NO_MLE
    assert fit_model(korea, parse_model("[123]", 3)).status == NOT_IDENTIFIABLE


def test_non_overlapping_pair_is_minus_infinity(neworleans: CaptureTable) -> None:
    # lists 1 and 2 have nobody in common: the 12 term is fixed at -inf and its cells dropped
    fit = fit_model(neworleans, parse_model("[12,3,4,5,6,7,8]", 8))
    assert fit.ok
    assert fit.neg_inf_terms == (0b11,)
    assert fit.fitted is not None
    codes = np.arange(1, 256)
    assert np.all(fit.fitted[(codes & 3) == 3] == 0)
    # same as the main-effects fit on the remaining cells: not the main-effects estimate
    main = fit_model(neworleans, Model.main_effects(8))
    assert fit.estimate != main.estimate


@st.composite
def sparse_tables(draw: st.DrawFn) -> tuple[CaptureTable, Model]:
    k = draw(st.integers(min_value=3, max_value=4))
    counts = draw(
        st.lists(
            st.integers(min_value=0, max_value=6) | st.just(0),
            min_size=2**k - 1,
            max_size=2**k - 1,
        )
    )
    if sum(counts) == 0:
        counts[0] = 1
    models = enumerate_models(k, k - 1)
    model = models[draw(st.integers(min_value=0, max_value=len(models) - 1))]
    return CaptureTable(tuple(f"l{i}" for i in range(k)), np.array(counts, float)), model


@settings(max_examples=300, deadline=None)
@given(sparse_tables())
def test_fast_existence_check_agrees_with_fienberg_rinaldo_lp(
    case: tuple[CaptureTable, Model],
) -> None:
    table, model = case
    red = reduce_model(model, term_totals(table.counts, table.n_lists))
    if not red.identifiable:
        return
    y = table.counts[red.kept]
    assert mle_exists(red.design, y) == fienberg_rinaldo_lp(red.design, y)
    assert mle_exists(red.design, y) == fienberg_rinaldo_lp(red.design, y)  # from the cache


@settings(max_examples=60, deadline=None)
@given(sparse_tables())
def test_admissible_fits_are_finite_and_at_least_observed(
    case: tuple[CaptureTable, Model],
) -> None:
    table, model = case
    fit = fit_model(table, model)
    if fit.ok:
        assert np.isfinite(fit.estimate)
        assert fit.estimate >= table.n_observed
        assert fit.converged


def test_fit_on_complete_table_matches_margins() -> None:
    table = table_from_rows(
        ["a", "b", "c"],
        [
            ((1, 0, 0), 30),
            ((0, 1, 0), 20),
            ((1, 1, 0), 5),
            ((0, 0, 1), 12),
            ((1, 0, 1), 4),
            ((0, 1, 1), 3),
            ((1, 1, 1), 1),
        ],
    )
    fit = fit_model(table, Model.main_effects(3))
    assert fit.fitted is not None
    # the MLE reproduces the sufficient statistics (list sizes)
    for i in range(3):
        on = (np.arange(1, 8) >> i) & 1 == 1
        assert abs(fit.fitted[on].sum() - table.counts[on].sum()) < 1e-6
