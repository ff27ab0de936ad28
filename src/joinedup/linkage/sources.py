"""Person records for linkage, read from the store through the door.

Every source record whose normalised fields identify a person (a name or a date of birth) is
a person record; its canonical fields become the linkage input contract. Records that only
carry an identifier (an attendance row with a UPN) are attached deterministically elsewhere,
not fed to the probabilistic model.
"""

from __future__ import annotations

from typing import Any

from joinedup.model.organisation import Agency, Batch
from joinedup.model.records import SourceRecord
from joinedup.store.actor_session import ActorSession

IDENTITY_FIELDS = ("forename", "surname", "date_of_birth")
# linkage input column -> canonical field of the normalised record
CONTRACT = {
    "forename": "forename",
    "surname": "surname",
    "date_of_birth": "date_of_birth",
    "sex": "sex",
    "postcode": "postcode",
    "nhs_number": "nhs_number",
    "upn": "upn",
    "police_id": "pnc_id",
}


def person_records(session: ActorSession) -> list[dict[str, Any]]:
    """Every person record in the session's scope, in the linkage input contract.

    Each row also carries ``agency_id`` (the holding agency, which owns its membership row).
    """
    kinds = {a.id: a.kind for a in session.list(Agency)}
    out: list[dict[str, Any]] = []
    for chunk in session.scan(SourceRecord, ["agency_id", "normalised"]):
        for record_id, agency_id, normalised in chunk:
            if not any(normalised.get(f) for f in IDENTITY_FIELDS):
                continue
            row: dict[str, Any] = {
                "record_id": record_id,
                "agency": kinds.get(agency_id, ""),
                "agency_id": agency_id,
            }
            for column, field in CONTRACT.items():
                row[column] = normalised.get(field)
            out.append(row)
    return out


def record_keys(session: ActorSession) -> dict[str, tuple[str, str, str]]:
    """``record id -> (agency kind, file name, agency key)``, to match a simulator's truth."""
    kinds = {a.id: a.kind for a in session.list(Agency)}
    files = {b.id: b.file_name for b in session.list(Batch)}
    keys: dict[str, tuple[str, str, str]] = {}
    for chunk in session.scan(SourceRecord, ["agency_id", "batch_id", "agency_key"]):
        for record_id, agency_id, batch_id, agency_key in chunk:
            keys[record_id] = (kinds.get(agency_id, ""), files.get(batch_id or "", ""), agency_key)
    return keys
