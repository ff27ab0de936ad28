"""Small-cell suppression and the network settings file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.network.config import NetworkConfigError, default_config, load_config
from joinedup.network.profile import suppress


def test_cells_under_five_are_shown_as_less_than_five() -> None:
    assert [suppress.cell(n, 5) for n in (0, 1, 4, 5, 1234)] == ["0", "<5", "<5", "5", "1,234"]
    assert suppress.share(3, 100, 5) == suppress.SECONDARY
    assert suppress.share(25, 100, 5) == "25%"


def test_one_suppressed_cell_takes_the_next_smallest_with_it() -> None:
    assert suppress.column([20, 3, 9, 0], 5) == ["20", "<5", "[c]", "0"]
    assert suppress.column([20, 3, 2], 5) == ["20", "<5", "<5"]
    assert suppress.column([20, 3, 9], 5, with_total=False) == ["20", "<5", "9"]


@given(st.lists(st.integers(0, 60), min_size=1, max_size=12))
def test_no_published_column_reveals_a_small_count(counts: list[int]) -> None:
    shown = suppress.column(counts, 5)
    for count, cell in zip(counts, shown, strict=True):
        if 0 < count < 5:
            assert cell == "<5"
        elif cell not in ("<5", suppress.SECONDARY):
            assert cell == f"{count:,}"
    # a lone withheld cell could be recovered from the total: then the total is withheld too
    if sum(suppress.withheld(c) for c in shown) == 1:
        assert suppress.withheld(suppress.cell(sum(counts), 5))


def test_the_shipped_settings_load() -> None:
    config = default_config()
    assert "suspect" in config.categories.offender_roles
    assert config.hotspots.band(0) == "night (00-06)"
    assert config.hotspots.band(23) == "evening (18-24)"
    assert config.profile.suppress_below == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("categories", "offender_links", ["controls"]), "unknown link types"),
        (("hotspots", "exclude_place_types", ["castle"]), "unknown place types"),
        (("hotspots", "bands", [[6, "day"], [0, "night"]]), "bands"),
        (("communities", "resolution", 0), "communities.resolution"),
        (("ties", "surprise", 1), "ties.surprise"),
    ],
)
def test_a_malformed_settings_file_names_the_problem(
    tmp_path: Path, change: tuple[str, str, object], message: str
) -> None:
    data = default_config().model_dump(mode="json")
    section, key, value = change
    data[section][key] = value
    path = tmp_path / "network.yml"
    import yaml

    path.write_text(yaml.safe_dump(data))
    with pytest.raises(NetworkConfigError, match=message) as info:
        load_config(path)
    assert str(path) in str(info.value)
