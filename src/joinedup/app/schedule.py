"""The worker's schedule document (``schedule.yml``): drop folders and how often each job runs.

Example::

    version: 1
    drop_folders:
      - /srv/joinedup/drops/police        # where an SFTP server or file share writes
      - /srv/joinedup/drops/social-care
    jobs:
      drops: {every: 15m}                 # take complete drops: ingest, link, assess
      escalate: {every: 1h}               # intelligence left unacknowledged past its deadline
      chase: {every: 1d}                  # panel actions past their due date
      notify: {every: 5m}                 # emails: "something new to see" (JOINEDUP_SMTP_URL)

A drop is a folder holding an agency's extract and its manifest, complete once a ``.done``
marker file is written into it (last, after every file); the worker never reads a folder
without its marker, so a half-written upload is never ingested.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from joinedup.common.documents import parse_document
from joinedup.common.errors import InputError

JobName = Literal["drops", "escalate", "chase", "notify"]
JOBS: tuple[JobName, ...] = ("drops", "escalate", "chase", "notify")
_EVERY = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_UNIT = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class ScheduleError(InputError):
    """The schedule document is missing, malformed or says something the worker refuses."""


def parse_every(text: str) -> timedelta:
    """``"15m"`` -> 15 minutes (units s, m, h, d); at least one minute."""
    match = _EVERY.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an interval such as 30s, 15m, 1h or 1d")
    every = timedelta(**{_UNIT[match.group(2)]: int(match.group(1))})
    if every < timedelta(minutes=1):
        raise ValueError(f"{text!r}: a job runs at most once a minute")
    return every


class JobSchedule(BaseModel):
    """How often one job runs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    every: str = Field(min_length=2, max_length=16)
    enabled: bool = True

    @field_validator("every")
    @classmethod
    def _interval(cls, value: str) -> str:
        parse_every(value)
        return value

    @property
    def interval(self) -> timedelta:
        """The interval as a timedelta."""
        return parse_every(self.every)


DEFAULT_JOBS: dict[JobName, JobSchedule] = {
    "drops": JobSchedule(every="15m"),
    "escalate": JobSchedule(every="1h"),
    "chase": JobSchedule(every="1d"),
    "notify": JobSchedule(every="5m"),
}


class Schedule(BaseModel):
    """The whole schedule document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    drop_folders: tuple[Path, ...] = ()
    jobs: dict[JobName, JobSchedule] = Field(default_factory=lambda: dict(DEFAULT_JOBS))

    def job(self, name: JobName) -> JobSchedule:
        """The schedule of ``name`` (its default when the document leaves it out)."""
        return self.jobs.get(name, DEFAULT_JOBS[name])


def load_schedule(path: Path) -> Schedule:
    """Read and validate a schedule document; every problem named with the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScheduleError(f"{path}: cannot read the schedule ({exc.strerror})") from None
    schedule = parse_document(
        Schedule, text, where=str(path), what="schedule", error=ScheduleError, versions=(1,)
    )
    base = path.parent
    folders = tuple(f if f.is_absolute() else (base / f) for f in schedule.drop_folders)
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        raise ScheduleError(f"{path}: drop folder(s) not found: {', '.join(missing)}")
    return schedule.model_copy(update={"drop_folders": folders})
