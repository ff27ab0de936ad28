"""Name-only agreement never links automatically: such pairs wait in the review queue."""

from __future__ import annotations

import pyarrow as pa

from joinedup.linkage.link import LinkConfig, uncorroborated_to_review


def _pairs() -> pa.Table:
    return pa.table(
        {
            "record_id_l": ["a", "c", "e"],
            "record_id_r": ["b", "d", "f"],
            "match_probability": [0.999, 0.999, 0.7],
            "gamma_forename": [5, 5, 5],
            "gamma_surname": [5, 5, 5],
            "gamma_sex": [1, 1, 1],
            "gamma_date_of_birth": [-1, 3, -1],  # null, exact, null
            "gamma_postcode": [0, None, -1],  # disagrees, missing, null
        }
    )


def test_name_only_pairs_are_held_below_the_threshold() -> None:
    config = LinkConfig(threshold=0.9, review_lower=0.5)
    held = uncorroborated_to_review(_pairs(), config)
    probabilities = held["match_probability"].to_pylist()
    assert config.review_lower <= probabilities[0] < config.threshold  # name only: review
    assert probabilities[1] == 0.999  # the date of birth agrees: linked
    assert probabilities[2] == 0.7  # already in the review band: unchanged
    assert held.column_names == _pairs().column_names
