"""Problem profile charts when counts are small (issue 14, point 11): periods are merged until
a count can be shown, and narrow bars share one suppression label."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from joinedup.network.profile.charts import bar_chart
from joinedup.network.profile.common import merged_periods

QUARTERS = [f"{y} Q{q}" for y in (2011, 2012) for q in (1, 2, 3, 4)]


def test_every_bar_below_the_threshold_merges_periods_until_one_shows() -> None:
    labels, series = merged_periods(QUARTERS, {"Children": [1, 2, 0, 1, 1, 0, 2, 1]}, 5)
    assert (labels, series) == (["2011 Q1 to 2012 Q4"], {"Children": [8]})
    labels, series = merged_periods(QUARTERS, {"Children": [1, 2, 0, 1, 1, 0, 2, 1]}, 4)
    assert (labels, series["Children"]) == (["2011 Q1 to 2011 Q4", "2012 Q1 to 2012 Q4"], [4, 4])


def test_counts_that_pass_are_left_alone() -> None:
    series = {"Children": [6, 0, 9, 12, 5, 7, 0, 8]}
    assert merged_periods(QUARTERS, series, 5) == (QUARTERS, series)


@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=24).flatmap(
        lambda a: st.tuples(
            st.just(a), st.lists(st.integers(0, 30), min_size=len(a), max_size=len(a))
        )
    ),
    st.integers(2, 10),
)
def test_merging_keeps_totals_and_ends_with_nothing_suppressed(
    columns: tuple[list[int], list[int]], below: int
) -> None:
    first, second = columns
    labels = [f"p{i}" for i in range(len(first))]
    merged_labels, merged = merged_periods(labels, {"a": first, "b": second}, below)
    assert sum(merged["a"]) == sum(first) and sum(merged["b"]) == sum(second)
    assert len(merged_labels) == len(merged["a"]) == len(merged["b"])
    small = [v for values in merged.values() for v in values if 0 < v < below]
    assert not small or len(merged_labels) == 1


def test_narrow_bars_share_one_suppression_label_per_period() -> None:
    series = {f"agency {i}": [1] * 12 for i in range(6)}
    svg = bar_chart("Events of concern by recording agency", [str(y) for y in range(12)], series, 5)
    assert svg.count('class="suppressed"') == 12  # one per period, not one per bar (72)
