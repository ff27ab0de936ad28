"""Reproduce the published estimates in shared/reference/mse/published.csv."""

from __future__ import annotations

import pytest

from joinedup.estimate import CaptureTable, fit_model, parse_model
from joinedup.estimate.heterogeneity import fit_heterogeneity, parse_heterogeneity
from joinedup.estimate.search import downhill, exhaustive, stepwise

from .conftest import load, published_rows


def sig4(a: float, b: float) -> bool:
    """Equal to four significant figures."""
    return f"{a:.4g}" == f"{b:.4g}"


FIXED = [
    ("korea_palembang_3lists", "[12,3]", None, 268.7778),
    ("korea_palembang_3lists", "[1,2,3]", None, 141.9926),
    ("korea_palembang_3lists", "[13,23]", None, 123.463),
    ("korea_palembang_3lists", "[23,1]", None, 126.1944),
    ("korea_palembang_3lists", "[13,2]", None, 126.9394),
    ("diabetes_bruno_4lists", "[12,13,23,24,34]", None, 2771),
    ("diabetes_bruno_4lists", "[13,24,34]", None, 2472),
    ("diabetes_bruno_4lists", "[13,24,34]", "lb", 2588),
    ("diabetes_bruno_4lists", "[13,24,34]", "poisson", 2573),
    ("diabetes_bruno_4lists", "[13,24,34]", "darroch", 2752),
    ("diabetes_bruno_4lists", "[13,24,34]", "normal", 2764),
    ("diabetes_bruno_4lists", "[13,24,34]", "gamma:3.5", 2964),
    ("diabetes_bruno_4lists", "[13,24,34]", "gamma:0.5", 4238),
    ("neworleans_8lists_185", "[1,2,3,4,5,6,7,8]", None, 997),
    ("neworleans_8lists_185", "[45,1,2,3,6,7,8]", None, 1184),
]


def test_every_published_point_estimate_is_covered() -> None:
    published = {
        (r["dataset"], round(float(r["point_estimate"]), 1))
        for r in published_rows()
        if r["point_estimate"] and r["kind"] in ("package-output", "paper-via-package")
    }
    ours = {(d, round(v, 1)) for d, _, _, v in FIXED}
    assert published <= ours


@pytest.mark.parametrize(("dataset", "model", "het", "published"), FIXED)
def test_fixed_model_estimates(dataset: str, model: str, het: str | None, published: float) -> None:
    table = load(dataset)
    parsed = parse_model(model, table.n_lists)
    if het is None:
        est = fit_model(table, parsed).estimate
    else:
        est = fit_heterogeneity(table, parsed, parse_heterogeneity(het)).estimate
    digits = len(str(int(published)))
    if published == int(published):  # published rounded to whole people
        assert round(est) == published
    else:
        assert sig4(est, published), (est, published, digits)


def test_rcapture_deviances_and_se(diabetes: CaptureTable) -> None:
    fit = fit_model(diabetes, parse_model("[12,13,23,24,34]", 4))
    assert round(fit.deviance, 2) == 7.62 and fit.df == 5 and round(fit.se) == 145
    lb = fit_heterogeneity(diabetes, parse_model("[13,24,34]", 4), parse_heterogeneity("lb"))
    assert round(lb.deviance, 2) == 3.13 and lb.df == 6 and round(lb.se) == 75


def test_korea_bic_values(korea: CaptureTable) -> None:
    assert f"{fit_model(korea, parse_model('[1,2,3]', 3)).bic:.5f}" == "184.14431"
    assert f"{fit_model(korea, parse_model('[13,23]', 3)).bic:.5f}" == "91.89711"


def test_kosovo_bic_exhaustive_order3(kosovo: CaptureTable) -> None:
    res = exhaustive(kosovo, "bic", 3)
    assert res.n_considered == 113
    assert res.selected.notation == "[123,14,34]"
    assert round(res.selected.estimate) == 10357


def test_kosovo_bic_exhaustive_order2(kosovo: CaptureTable) -> None:
    res = exhaustive(kosovo, "bic", 2)
    assert res.selected.notation == "[12,13,14,23,34]"  # all 2-way except ABA:HRW
    assert round(res.selected.estimate) == 14342


def test_kosovo_downhill(kosovo: CaptureTable) -> None:
    assert downhill(kosovo, "bic").selected.notation == "[123,14,34]"
    assert downhill(kosovo, "bic", 2).selected.notation == "[12,13,14,23,34]"


def test_korea_bic(korea: CaptureTable) -> None:
    res = exhaustive(korea, "bic")
    assert len(res.fits) == 6  # admissible after the existence check
    assert res.selected.notation == "[12,23]"
    assert sig4(res.selected.estimate, 157.1667)


def test_korea_stepwise(korea: CaptureTable) -> None:
    res = stepwise(korea, 0.02)
    assert res.selected.notation == "[12,3]"
    assert sig4(res.selected.estimate, 268.7778)


def test_neworleans_stepwise(neworleans: CaptureTable) -> None:
    res = stepwise(neworleans, 0.02)
    assert res.selected.notation == "[45,1,2,3,6,7,8]"  # main effects + D:E
    assert round(res.selected.estimate) == 1184
    assert round(res.selected.deviance, 3) == 34.007
    assert stepwise(neworleans, 0.01).selected.notation == "[1,2,3,4,5,6,7,8]"
