"""The estimate page's charts: titled, axes labelled with units, interval drawn, text escaped."""

from __future__ import annotations

from joinedup.web.charts import ModelPoint, bootstrap_chart, models_chart


def test_bootstrap_chart_marks_the_estimate_and_interval() -> None:
    svg = str(bootstrap_chart([100, 110, 120, 130], [3, 10, 4], 112.0, (104.0, 128.0)))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title>Bootstrap distribution" in svg
    assert "Estimated number of victims (people)" in svg and "Replicates" in svg
    assert svg.count("<rect") == 3
    assert svg.count('stroke-dasharray="6 4"') == 2  # both ends of the interval
    assert ">estimate<" in svg


def test_models_chart_one_row_per_model_and_escaped_names() -> None:
    models = [
        ModelPoint("LCMCR", 310.0, 250.0, 420.0),
        ModelPoint("log-linear <[12,3]>", 280.0, 240.0, 350.0, credible=False),
        ModelPoint("log-linear [1,2,3]", 260.0),
    ]
    svg = str(models_chart(models))
    assert svg.count("<circle") == 3
    assert svg.count('stroke-width="3"') == 2  # the two intervals; the point alone has none
    assert "&lt;[12,3]&gt;" in svg and "<[12,3]>" not in svg
    assert "with interval" in svg
