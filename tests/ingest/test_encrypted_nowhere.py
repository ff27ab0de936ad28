"""Nothing marked for encryption is stored in clear anywhere (issue 14, point 1): a mapping
profile with every field encrypted, and every built-in agency format, scanned over every text
column of every table."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from joinedup.ingest.batch import ingest_file
from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.simulate import simulate
from tests.ingest.conftest import IngestStore

SECRETS = {
    "forename": "Zephyrine",
    "surname": "Quillfeatherington",
    "postcode": "DM6 9QQ",
    "phone": "07700 900987",
    "nhs_number": "943 476 5919",
    "vrm": "QX51 ZZQ",
    "notes": "an unmistakable secret remark",
}


def _in_clear(ing: IngestStore, needles: Iterable[str]) -> list[str]:
    """Every (table.column, needle) whose stored text contains a needle, case-insensitive."""
    wanted = [n.lower() for n in needles if n]
    engine = ing.store.door.engine
    found = []
    catalogue = inspect(engine)
    columns = {
        t: [c["name"] for c in catalogue.get_columns(t)] for t in catalogue.get_table_names()
    }
    with engine.connect() as conn:
        for table, names in columns.items():
            for name in names:
                try:
                    rows = conn.execute(text(f'SELECT CAST("{name}" AS TEXT) FROM "{table}"'))
                except Exception:
                    conn.rollback()
                    continue
                for (value,) in rows:
                    low = (value or "").lower()
                    found += [f"{table}.{name}: {n}" for n in wanted if n in low]
    return found


def test_a_profile_with_every_field_encrypted_stores_none_in_clear(
    ing: IngestStore, tmp_path: Path
) -> None:
    fields = "\n".join(
        f"  {field}: {{column: {field.title()}, encrypt: true}}" for field in SECRETS
    )
    profile = tmp_path / "everything.yml"
    profile.write_text(
        f"format: secret_export\nrecord_type: persons\nkey: Ref\nfields:\n{fields}\n"
    )
    path = tmp_path / "secret.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Ref", *(f.title() for f in SECRETS)])
        writer.writerow(["S1", *SECRETS.values()])
        writer.writerow(["S2", *SECRETS.values()])
    job = plan([path], "Police", None, profile)[0]
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        report = ingest_file(s, job.path, job.agency, job.layout, opener=job.opener)
    assert report.accepted == 2
    cleaned = ["ZEPHYRINE", "QUILLFEATHERINGTON", "+447700900987", "9434765919", "QX51ZZQ"]
    assert _in_clear(ing, [*SECRETS.values(), *cleaned]) == []


@pytest.fixture(scope="module")
def tiny_borough(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny-borough")
    simulate(out, seed=7, scale=0.005)
    return out


def test_no_built_in_format_stores_its_encrypted_columns_in_clear(
    ing: IngestStore, tiny_borough: Path
) -> None:
    jobs = plan([tiny_borough], None, None, None)
    result = run_jobs(ing.store.door, "joinedup-service", "data_ingest", jobs)
    assert not result.unreadable and sum(r.accepted for r in result.reports) > 1000
    needles: set[str] = set()
    # every file's encrypted columns, read back from the files
    for job in jobs:
        encrypted = [c.name for c in job.layout.columns if c.encrypt]
        if not encrypted or job.path.suffix != ".csv":
            continue
        body = job.path.read_bytes().decode("utf-8", errors="replace")
        header = body.split("\n", 1)[0]
        delimiter = max(",;|\t", key=header.count)
        for row in csv.DictReader(body.splitlines(), delimiter=delimiter):
            needles |= {
                v.strip() for c in encrypted if len(v := row.get(c) or "") >= 24 and v.isascii()
            }
    assert needles, "the borough's files hold free text to encrypt"
    assert _in_clear(ing, sorted(needles)[:200]) == []
