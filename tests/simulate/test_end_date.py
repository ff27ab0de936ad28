"""A borough simulated to end on a date: nothing happens or is recorded after it, and the
people's ages make sense on it (issue 14 point 5)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from joinedup.simulate import simulate
from tests.simulate.helpers import manifest, rows, truth

END = date(2026, 12, 7)
AGENCIES = ("police", "social_care", "education", "health", "probation", "voluntary", "licensing")
# dates that are plans or validity, not history: a licence valid until, an order due to end
FORWARD_COLUMNS = {
    ("licensing", "drivers.csv", "licence_expires"),
    ("probation", "supervision.csv", "end_date"),
}


@pytest.fixture(scope="module")
def ended(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ended")
    simulate(out, seed=5, scale=0.02, end_date=END)
    return out


def _dates(out: Path, agency: str) -> list[tuple[str, str, date]]:
    found = []
    for entry in manifest(out, agency)["files"]:
        formats = (entry["date_format"], entry["datetime_format"])
        for row in rows(out, agency, entry["path"]):
            for column, value in row.items():
                for fmt in formats:
                    try:
                        day = datetime.strptime((value or "").strip(), fmt).date()
                    except ValueError:
                        continue
                    found.append((entry["path"], column, day))
                    break
    return found


def test_no_event_or_record_after_the_end_date(ended: Path) -> None:
    events = truth(ended, "events.csv")
    starts = [date.fromisoformat(e["start_date"]) for e in events]
    assert max(starts) <= END
    assert max(starts) >= date(END.year - 1, 1, 1)  # the history reaches the end date
    for agency in AGENCIES:
        dates = _dates(ended, agency)
        late = [
            (file, column, day)
            for file, column, day in dates
            if day > END and (agency, file, column) not in FORWARD_COLUMNS
        ]
        assert late == [], agency
        # a plan is at most a year ahead, as an export on the end date holds (and ingest takes)
        assert all(day <= END + timedelta(days=365) for _, _, day in dates), agency


def test_ages_are_plausible_on_the_end_date(ended: Path) -> None:
    persons = truth(ended, "persons.csv")
    children = [p for p in persons if p["is_child"] == "1"]
    ages = [(END - date.fromisoformat(p["dob"])).days / 365.25 for p in children]
    assert min(ages) >= 0
    assert max(ages) < 40  # the window's oldest children, grown up: none born decades earlier
    assert sum(a < 18 for a in ages) > len(ages) / 10  # today's children are in it
    summary = (ended / "truth" / "summary.json").read_text(encoding="utf-8")
    assert '"end_date": "2026-12-07"' in summary


def test_the_inquiry_scenario_keeps_its_own_window(tmp_path: Path) -> None:
    result = simulate(tmp_path, seed=5, scale=0.01, scenario="inquiry", end_date=END)
    assert result.summary()["window"] == {"start_year": 1997, "end_year": 2011}
    assert result.summary()["end_date"] is None
    starts = [e["start_date"] for e in truth(tmp_path, "events.csv")]
    assert max(starts) < "2014-01-01"
