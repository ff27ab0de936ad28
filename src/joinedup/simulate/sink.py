"""Streaming output: one open CSV writer per agency file and per truth file.

Rows are written as they are generated, so memory stays bounded whatever the scale.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from joinedup.simulate.layouts import FORMATS, LAYOUTS
from joinedup.simulate.noise import format_date
from joinedup.simulate.scenario import AGENCIES, Scenario

TRUTH: dict[str, tuple[str, ...]] = {
    "persons.csv": (
        "person_id",
        "is_child",
        "is_victim",
        "onset_date",
        "looked_after",
        "known_to_any_agency",
        "offender_group",
        "role",
        "offender_role",
        "forename",
        "surname",
        "sex",
        "dob",
        "ethnicity",
        "name_origin",
        "nhs_number",
        "upn",
        "learning_disability",
        "prior_contact",
        "peer_case",
        "trafficked",
        "family_id",
        "nickname",
        "phone",
    ),
    "records.csv": (
        "agency",
        "file",
        "record_key",
        "person_id",
        "role",
        "duplicate_of",
        "cse_related",
        "noise",
    ),
    "locations.csv": (
        "location_id",
        "place_type",
        "name",
        "house",
        "street",
        "town",
        "postcode",
        "is_hotspot",
        "group_ids",
    ),
    "hotspots.csv": ("location_id", "place_type", "name", "town", "postcode", "group_ids"),
    "groups.csv": (
        "group_id",
        "town",
        "active_from",
        "active_to",
        "size",
        "core_size",
        "linked_groups",
    ),
    "group_members.csv": ("group_id", "person_id", "member_role"),
    "objects.csv": (
        "object_id",
        "kind",
        "value",
        "owner_person_id",
        "make",
        "model",
        "colour",
        "licence_type",
        "plate_number",
        "badge_number",
        "group_id",
    ),
    "badges.csv": ("badge_number", "person_id", "licence_type", "is_offender"),
    "events.csv": (
        "event_id",
        "event_type",
        "start_date",
        "end_date",
        "location_id",
        "child_person_id",
        "adult_person_ids",
        "object_id",
        "cse_related",
        "seen_by",
    ),
    "exploitation.csv": ("victim_person_id", "offender_person_id", "group_id", "relation"),
    "event_records.csv": ("agency", "file", "record_key", "event_id"),
    "location_records.csv": ("agency", "file", "record_key", "field", "location_id"),
    "object_records.csv": ("agency", "file", "record_key", "field", "object_id"),
    "notes.csv": (
        "agency",
        "file",
        "record_key",
        "column",
        "template_id",
        "victim_blaming",
        "phrases",
    ),
}
BUFFER = 1 << 20


class Sink:
    """All open output files of one run, with row counters."""

    def __init__(self, out: Path, scenario: Scenario, seed: int) -> None:
        self.out = out
        self.scenario = scenario
        self.seed = seed
        self._handles: list[IO[str]] = []
        self._agency: dict[tuple[str, str], Any] = {}
        self._truth: dict[str, Any] = {}
        self.counts: Counter[tuple[str, str]] = Counter()
        self.person_rows = 0
        self._serial: Counter[str] = Counter()
        for lay in LAYOUTS:
            cfg = scenario.agencies[lay.agency]
            folder = out / lay.agency
            folder.mkdir(parents=True, exist_ok=True)
            writer = self._open(folder / lay.file, cfg.encoding, cfg.delimiter)
            writer.writerow(lay.names)
            self._agency[(lay.agency, lay.file)] = writer
        (out / "truth").mkdir(parents=True, exist_ok=True)
        for name, columns in TRUTH.items():
            writer = self._open(out / "truth" / name, "utf-8", ",")
            writer.writerow(columns)
            self._truth[name] = writer

    def _open(self, path: Path, encoding: str, delimiter: str) -> Any:
        handle = path.open("w", encoding=encoding, errors="replace", newline="", buffering=BUFFER)
        self._handles.append(handle)
        return csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")

    def serial(self, prefix: str) -> int:
        """The next number in the sequence ``prefix`` (1, 2, ...)."""
        self._serial[prefix] += 1
        return self._serial[prefix]

    def key(self, prefix: str, width: int = 7) -> str:
        """A new key ``prefix`` + zero-padded serial."""
        return f"{prefix}{self.serial(prefix):0{width}d}"

    def d(self, agency: str, day: date | None) -> str:
        """``day`` in ``agency``'s date format."""
        return format_date(day, self.scenario.agencies[agency].date_format)

    def dt(self, agency: str, moment: datetime | None) -> str:
        """``moment`` in ``agency``'s datetime format."""
        if moment is None:
            return ""
        return moment.strftime(self.scenario.agencies[agency].datetime_format)

    def row(self, agency: str, file: str, values: list[Any]) -> None:
        """Write one agency row (values in layout order)."""
        self._agency[(agency, file)].writerow(values)
        self.counts[(agency, file)] += 1

    def truth(self, name: str, values: list[Any]) -> None:
        """Write one truth row."""
        self._truth[name].writerow(values)

    def record(
        self,
        agency: str,
        file: str,
        key: str,
        person_id: str,
        *,
        role: str = "subject",
        duplicate_of: str = "",
        cse: bool = False,
        noise: str = "",
    ) -> None:
        """Declare that row ``key`` of ``agency/file`` refers to ``person_id``."""
        self._truth["records.csv"].writerow(
            [agency, file, key, person_id, role, duplicate_of, int(cse), noise]
        )
        self.person_rows += 1

    def location(self, agency: str, file: str, key: str, field: str, location_id: str) -> None:
        """Declare the true location behind ``field`` of a row."""
        self._truth["location_records.csv"].writerow([agency, file, key, field, location_id])

    def thing(self, agency: str, file: str, key: str, field: str, object_id: str) -> None:
        """Declare the true object behind ``field`` of a row."""
        self._truth["object_records.csv"].writerow([agency, file, key, field, object_id])

    def event(self, agency: str, file: str, key: str, event_id: str) -> None:
        """Declare the true event behind a row."""
        self._truth["event_records.csv"].writerow([agency, file, key, event_id])

    def note(
        self, agency: str, file: str, key: str, column: str, template: str, phrases: str
    ) -> None:
        """Declare which template produced a note and its victim-blaming phrases."""
        self._truth["notes.csv"].writerow(
            [agency, file, key, column, template, int(bool(phrases)), phrases]
        )

    def close(self, summary: dict[str, Any]) -> None:
        """Flush every file and write the manifests and the run summary."""
        for handle in self._handles:
            handle.close()
        for agency in AGENCIES:
            cfg = self.scenario.agencies[agency]
            files = []
            for lay in LAYOUTS:
                if lay.agency != agency:
                    continue
                files.append(
                    {
                        "path": lay.file,
                        "format": FORMATS[agency],
                        "table": lay.role.split(" ")[0],
                        "key": lay.key,
                        "encoding": cfg.encoding,
                        "delimiter": cfg.delimiter,
                        "date_format": cfg.date_format,
                        "datetime_format": cfg.datetime_format,
                        "notes_column": lay.notes or None,
                        "columns": list(lay.names),
                        "rows": self.counts[(agency, lay.file)],
                    }
                )
            manifest = {
                "agency": agency,
                "kind": agency,
                "name": f"Dunmere {agency.replace('_', ' ')} (synthetic)",
                "format": FORMATS[agency],
                "synthetic": True,
                "scenario": self.scenario.name,
                "seed": self.seed,
                "scale": self.scenario.scale,
                "files": files,
            }
            _write_json(self.out / agency / "manifest.json", manifest)
        _write_json(self.out / "truth" / "summary.json", summary)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
