"""End to end through ``link_records``: hard conflicts and attaching to the only candidate."""

from __future__ import annotations

from typing import Any

from joinedup.linkage.conflicts import NO_CONFLICTS
from joinedup.linkage.link import LinkConfig, link_records
from tests.linkage.conftest import person

Synthetic = tuple[list[dict[str, Any]], dict[str, str], dict[str, str]]


def _clusters(
    model: dict[str, Any], synthetic: Synthetic, rows: list[dict[str, Any]], config: LinkConfig
) -> dict[str, str]:
    run = link_records(synthetic[0][:600] + rows, model=model, config=config)
    return {r["record_id"]: run.clustering.clusters[r["record_id"]] for r in rows}


def test_a_record_without_nhs_number_cannot_chain_two_children_with_one(
    model: dict[str, Any], synthetic: Synthetic
) -> None:
    same = {"date_of_birth": "2008-05-17", "sex": "2"}
    rows = [
        person("x-a", "Sophie", "Greenwood", nhs_number="9434765919", postcode="S60 1AB", **same),
        person("x-b", "Sophie", "Greenwood", nhs_number="9434765870", postcode="S70 2CD", **same),
        person("x-c", "Sophie", "Greenwood", postcode=None, **same),  # police: name and date only
    ]
    chained = _clusters(model, synthetic, rows, LinkConfig(conflicts=NO_CONFLICTS))
    assert chained["x-a"] == chained["x-b"] == chained["x-c"]
    kept_apart = _clusters(model, synthetic, rows, LinkConfig())
    assert kept_apart["x-a"] != kept_apart["x-b"]
    assert kept_apart["x-c"] in (kept_apart["x-a"], kept_apart["x-b"])


def test_a_name_only_record_joins_the_only_person_with_its_name(
    model: dict[str, Any], synthetic: Synthetic
) -> None:
    child = [
        person("z-1", "Zainab", "Qureshi", upn="A998400098029", date_of_birth="2007-02-11"),
        person("z-2", "Zainab", "Qureshi", nhs_number="9434765919", date_of_birth="2007-02-11"),
    ]
    concern = [person("z-c", "Zainab", "Qureshi", date_of_birth=None, postcode=None)]
    config = LinkConfig(attach_threshold=0.05)
    alone = _clusters(model, synthetic, child + concern, config)
    assert alone["z-c"] == alone["z-1"] == alone["z-2"]
    without = _clusters(model, synthetic, child + concern, LinkConfig(attach_unique=False))
    assert without["z-c"] != without["z-1"]  # name only: held for review
    namesake = [person("z-3", "Zainab", "Qureshi", date_of_birth="1999-09-30", postcode="S1 1AA")]
    ambiguous = _clusters(model, synthetic, child + concern + namesake, config)
    assert ambiguous["z-c"] not in (ambiguous["z-1"], ambiguous["z-3"])
