"""Pseudonyms in a profile computed under an aggregate information-sharing agreement."""

from __future__ import annotations

from joinedup.network.profile.model import Chart, Profile, Section, Table
from joinedup.network.profile.pseudonymise import pseudonymised

MINE = "11111111-aaaa-4aaa-8aaa-111111111111"
THEIRS = "22222222-bbbb-4bbb-8bbb-222222222222"
OTHER = "33333333-cccc-4ccc-8ccc-333333333333"


def _profile() -> Profile:
    table = Table("Most central", ["Person id", "Group"], [[MINE, "1"], [THEIRS, "1"]])
    chart = Chart("c", f"<svg><title>{OTHER}</title></svg>", Table("d", ["id"], [[OTHER]]))
    section = Section(
        "offenders",
        "Offenders",
        findings=[f"{THEIRS} brokers between two groups"],
        tables=[table],
        charts=[chart],
    )
    return Profile("t", "OFFICIAL-SENSITIVE", "all", "p", "g", [], [section], 5)


def test_only_persons_beyond_reach_are_pseudonymised() -> None:
    out = pseudonymised(_profile(), {MINE, THEIRS, OTHER}, reachable={MINE})
    section = out.sections[0]
    assert section.tables[0].rows == [[MINE, "1"], ["Person 1", "1"]]
    assert section.findings == ["Person 1 brokers between two groups"]
    assert section.charts[0].data.rows == [["Person 2"]]
    assert OTHER not in section.charts[0].svg and "Person 2" in section.charts[0].svg


def test_the_original_profile_is_left_unchanged() -> None:
    original = _profile()
    pseudonymised(original, {MINE, THEIRS, OTHER}, reachable=set())
    assert original.sections[0].tables[0].rows[1] == [THEIRS, "1"]
