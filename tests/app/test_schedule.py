"""The worker's schedule document: validated, every problem named with the file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from joinedup.app.schedule import ScheduleError, load_schedule, parse_every


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schedule.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_schedule_names_folders_relative_to_itself_and_defaults_the_rest(tmp_path: Path) -> None:
    (tmp_path / "drops" / "police").mkdir(parents=True)
    schedule = load_schedule(
        _write(tmp_path, "version: 1\ndrop_folders: [drops/police]\njobs:\n  drops: {every: 5m}\n")
    )
    assert schedule.drop_folders == (tmp_path / "drops" / "police",)
    assert schedule.job("drops").interval == timedelta(minutes=5)
    assert schedule.job("chase").interval == timedelta(days=1)  # the default


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("version: 2\n", "version 2"),
        ("drop_folders: []\n", "no 'version:'"),
        ("version: 1\njobs:\n  drops: {every: 10 minutes}\n", "jobs.drops.every"),
        ("version: 1\njobs:\n  drops: {every: 20s}\n", "at most once a minute"),
        ("version: 1\njobs:\n  backup: {every: 1h}\n", "jobs.backup"),
        ("version: 1\ndrop_folders: [nowhere]\n", "drop folder(s) not found"),
        ("version: 1\n  : [\n", "schedule.yml"),
    ],
)
def test_a_bad_schedule_is_refused_with_what_and_where(
    tmp_path: Path, text: str, named: str
) -> None:
    with pytest.raises(ScheduleError) as refused:
        load_schedule(_write(tmp_path, text))
    assert named in str(refused.value) and "schedule.yml" in str(refused.value)


def test_a_missing_schedule_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScheduleError, match="cannot read the schedule"):
        load_schedule(tmp_path / "absent.yml")


def test_intervals() -> None:
    assert parse_every("90s") == timedelta(seconds=90)
    assert parse_every(" 2 h ") == timedelta(hours=2)
    with pytest.raises(ValueError, match="not an interval"):
        parse_every("weekly")
