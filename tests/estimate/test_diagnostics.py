from __future__ import annotations

import math

from joinedup.estimate import CaptureTable, estimate, fit_model, parse_model
from joinedup.estimate.design import term_totals
from joinedup.estimate.diagnostics import (
    empty_pairs,
    goodness_of_fit,
    overlap_matrix,
    suppress_count,
)
from joinedup.estimate.existence import reduce_model
from joinedup.estimate.intervals import profile_interval


def test_overlap_matrix_kosovo(kosovo: CaptureTable) -> None:
    ov = overlap_matrix(kosovo)
    assert ov[0, 0] == int(kosovo.list_sizes()[0])
    assert ov[0, 1] == 177 + 181 + 18 + 27
    assert (ov == ov.T).all()


def test_empty_pairs_neworleans(neworleans: CaptureTable) -> None:
    pairs = empty_pairs(neworleans)
    assert len(pairs) == 18
    assert ("list1", "list2") in pairs


def test_goodness_of_fit(diabetes: CaptureTable) -> None:
    gof = goodness_of_fit(fit_model(diabetes, parse_model("[13,24,34]", 4)), diabetes)
    assert round(gof["deviance"], 2) == 21.97 and gof["df"] == 7
    assert gof["p_value"] < 0.01


def test_result_has_top_models_and_leave_one_out(kosovo: CaptureTable) -> None:
    res = estimate(kosovo, method="bic", max_order=3)
    top = res.search["top_models"]
    assert top[0]["model"] == "[123,14,34]" and len(top) == 10
    assert [r["bic"] for r in top] == sorted(r["bic"] for r in top)
    loo = res.diagnostics["leave_one_list_out"]
    assert [r["dropped"] for r in loo] == list(kosovo.list_names)
    assert all(r["estimate"] > r["n_observed"] for r in loo)


def test_profile_interval_contains_estimate_and_is_conditional(diabetes: CaptureTable) -> None:
    model = parse_model("[13,24,34]", 4)
    fit = fit_model(diabetes, model)
    red = reduce_model(model, term_totals(diabetes.counts, 4))
    interval = profile_interval(red.design, diabetes.counts[red.kept], fit.estimate)
    assert interval.low < fit.estimate < interval.high
    assert "model-conditional" in interval.method
    assert interval.low > 2300 and interval.high < 2700


def test_unbounded_warning_on_tiny_overlap() -> None:
    from joinedup.estimate import table_from_rows

    table = table_from_rows(["a", "b"], [((1, 0), 40), ((0, 1), 40), ((1, 1), 1)])
    res = estimate(table, method="fixed", model="[1,2]")
    assert any("ten times" in w for w in res.warnings)
    assert res.ci_high > 10 * res.n_observed or math.isnan(res.ci_high)


def test_suppress_count() -> None:
    assert suppress_count(3) == "<5"
    assert suppress_count(0) == 0
    assert suppress_count(5) == 5
