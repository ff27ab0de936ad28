"""Term frequencies count distinct identities, not records."""

from __future__ import annotations

import pytest

from joinedup.linkage.predict import term_frequencies
from joinedup.linkage.prepare import prepare_records
from tests.linkage.conftest import person


def test_a_person_seen_often_does_not_make_their_name_common() -> None:
    # twenty identical contacts of one child, and three other children
    repeated = [person(f"c{i}", "Lauren", "Robinson", postcode="DM8 4WU") for i in range(20)]
    others = [
        person("o1", "Lauren", "Shaw", postcode="DM1 1AA", date_of_birth="2001-01-01"),
        person("o2", "Amy", "Shaw", postcode="DM1 1AA", date_of_birth="2002-02-02"),
        person("o3", "Amy", "Lee", postcode="DM2 2BB", date_of_birth="2003-03-03"),
    ]
    table = prepare_records(repeated + others)
    tf = term_frequencies([table], ["forename_key", "postcode"])
    forenames = dict(
        zip(
            tf["forename_key"]["forename_key"].to_pylist(),
            tf["forename_key"]["tf_forename_key"].to_pylist(),
            strict=True,
        )
    )
    assert forenames == {"lauren": pytest.approx(0.5), "amy": pytest.approx(0.5)}
    postcodes = dict(
        zip(
            tf["postcode"]["postcode"].to_pylist(),
            tf["postcode"]["tf_postcode"].to_pylist(),
            strict=True,
        )
    )
    assert postcodes["DM8 4WU"] == pytest.approx(0.25)
    assert postcodes["DM1 1AA"] == pytest.approx(0.5)
