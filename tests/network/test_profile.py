"""The problem profile: VOLT sections, small cells suppressed, escaping, charts that render."""

from __future__ import annotations

import re
import stat
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

import pytest

from joinedup.network.analysis import Analysis, analyse
from joinedup.network.graph import build_network
from joinedup.network.profile import build_profile, coverage, render_html, write_profile
from joinedup.network.profile.charts import bar_chart
from joinedup.network.profile.model import Profile
from tests.network.builder import Builder, two_groups

NOT_COUNTS = {"Rank", "Degree", "Strength", "Betweenness", "Eigenvector", "Participation"}
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    b = two_groups(children_per_group=9)
    for pid, view in b.assembly.persons.items():
        view.sex = "1" if pid in ("ac0", "a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4") else "2"
        view.ethnicity = "WBRI"
    b.place("place:evil", "takeaway", name="<script>alert(1)</script> | Kebabs")
    for i in range(6):
        b.event("missing_episode", date(2009, 2, 1), {f"bc{i}": "missing_person"}, "place:evil")
    b.event("looked_after", date(2008, 1, 1), {"ac1": "child"}, out_of_area="Y")
    return analyse(build_network(b.done()))


@pytest.fixture(scope="module")
def profile(analysis: Analysis) -> Profile:
    agencies = {"A-police": ("Dunmere police", "police")}
    sources = coverage(analysis, agencies, {"A-police": datetime(2012, 1, 2, 3, 4)})
    return build_profile(analysis, sources, {"ac0": "category_3"})


def test_the_profile_has_the_volt_sections_and_its_sources(profile: Profile) -> None:
    assert [s.key for s in profile.sections] == [
        "victims",
        "offenders",
        "locations",
        "themes",
        "method",
    ]
    police = profile.sources[0]
    assert (police.agency, police.kind, police.refreshed) == (
        "Dunmere police",
        "police",
        "2012-01-02 03:04 UTC",
    )
    assert police.first == "2008-01-01" and police.last == "2009-02-01"
    victims = profile.sections[0]
    assert dict(victims.figures)["Children at risk"] == "18"
    offenders = profile.sections[1]
    assert dict(offenders.figures)["Groups"] == "2"


def test_every_count_from_one_to_four_is_suppressed(profile: Profile) -> None:
    for section in profile.sections:
        for label, value in section.figures:
            if label in ("Groups", "Brokers between groups"):  # not counts of people
                continue
            assert not re.fullmatch(r"[1-4]", value), (section.key, label)
        tables = [*section.tables, *(c.data for c in section.charts)]
        for table in tables:
            for row in table.rows:
                for column, cell in list(zip(table.columns, row, strict=True))[1:]:
                    if column in NOT_COUNTS:
                        continue
                    assert not re.fullmatch(r"[1-4]", cell), (table.title, column, row)
    sex = next(t for t in profile.sections[0].tables if t.title == "Sex")
    assert ["Male", "<5", "[c]"] in sex.rows
    assert ["Female", "[c]", "[c]"] in sex.rows  # else it could be recovered from the total


def test_risk_categories_come_from_the_latest_assessments(profile: Profile) -> None:
    risk = next(t for t in profile.sections[0].tables if t.title.startswith("Risk category"))
    assert risk.rows[0][:2] == ["Category 3 (habitual exploitation)", "<5"]


def test_html_escapes_data_and_every_chart_renders(profile: Profile) -> None:
    html = render_html(profile)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(charts) == sum(len(s.charts) for s in profile.sections) >= 4
    for svg in charts:
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert root.find(f"{SVG}title") is not None


def test_chart_bars_match_the_shown_values_and_hide_small_ones() -> None:
    svg = bar_chart("Test <&>", ["2001", "2002", "2003", "2004"], {"n": [12, 3, 0, 40]}, 5)
    root = ET.fromstring(svg)
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    assert len(bars) == 2  # 12 and 40; 3 is suppressed, 0 has no bar
    heights = sorted(float(b.get("height", "0")) for b in bars)
    assert heights[1] / heights[0] == pytest.approx(40 / 12)
    assert [t.text for t in root.findall(f".//{SVG}text[@class='suppressed']")] == ["<5"]
    assert "3" not in "".join(b.findtext(f"{SVG}title", "") for b in bars)
    assert root.findtext(f"{SVG}title") == "Test <&>"


def test_writes_html_and_markdown(profile: Profile, tmp_path: Path) -> None:
    html, markdown = write_profile(profile, tmp_path / "out" / "profile")
    assert html.name == "profile.html" and markdown.name == "profile.md"
    for written in (html, markdown):  # readable by their owner only (issue 13, point 11)
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
    text = markdown.read_text()
    assert text.startswith("**OFFICIAL-SENSITIVE**")
    for title in ("## Victims", "## Offenders", "## Locations", "## Themes and trends"):
        assert title in text
    assert "\\| Kebabs" in text  # a pipe in a value cannot break the table
    assert "&lt;5" in text


def test_an_area_and_window_with_nothing_in_them_still_render(analysis: Analysis) -> None:
    from joinedup.network.scope import Window

    empty = analyse(build_network(analysis.net.assembly, Window(area="Nowhere")))
    html = render_html(build_profile(empty, []))
    assert "No records in scope." in html and "None in the period." in html
    empty_window = analyse(build_network(Builder().done()))
    assert "no dated events" in render_html(build_profile(empty_window, []))
