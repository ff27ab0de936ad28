"""Small readings of source records shared by the record, vehicle, phone and place pages:
a record's name and date as a reader would say them, its payload with free text decrypted,
the persons records are linked to, and the agencies' names.

Everything here reads through an open door session, so only what its caller may see.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from joinedup.model.linkage import PersonLink
from joinedup.model.organisation import Agency
from joinedup.model.records import SourceRecord
from joinedup.store.actor_session import ActorSession
from joinedup.store.hooks import NoFieldCrypto

__all__ = [
    "DATE_FIELDS",
    "NOT_DECRYPTED",
    "Read",
    "age_on",
    "agency_names",
    "display_name",
    "linked_persons",
    "payload_in_clear",
    "read_records",
    "when",
]

#: normalised fields that date an event, most precise first
DATE_FIELDS = ("occurred_at", "event_date", "start_date")
#: payload fields that date a record when no normalised field does (as the agency wrote them)
PAYLOAD_DATES = (
    "concern_date",
    "recorded_date",
    "valid_from",
    "licence_issued",
    "created_date",
    "contact_date",
    "attendance_date",
    "entry_date",
)
#: dated columns that end something rather than date it
_NOT_WHEN = ("end_date", "ceased_date", "expires", "leaving_date", "auth_date", "dbs_check_date")
NOT_DECRYPTED = "(could not be decrypted)"
#: coded facts pages summarise (an event's outcome, an offence, a category, a placement):
#: stored encrypted where classified special category, decrypted when read for a reader
#: who may read the record
CODED_FACTS = ("outcome", "offence", "category", "placement_type")
_DAY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class Read:
    """The columns of one source record a page needs (payload still as stored)."""

    id: str
    agency_id: str
    record_type: str
    agency_key: str
    payload: dict[str, Any]
    normalised: dict[str, Any]


def agency_names(opened: ActorSession) -> dict[str, str]:
    """``agency id -> name``."""
    return {a.id: a.name for a in opened.list(Agency)}


def read_records(
    opened: ActorSession,
    ids: Iterable[str],
    cache: dict[str, Read | None] | None = None,
    *,
    payload: bool = True,
) -> dict[str, Read]:
    """The records among ``ids`` the caller may see (a scan: the caller logs what it shows).
    ``cache``: records already read in this session (None: out of reach), filled here;
    ``payload=False``: without their payloads (left empty; never put in a cache)."""
    wanted = sorted(set(ids))
    if cache is not None:
        known = {i: cache[i] for i in wanted if i in cache}
        fresh = read_records(opened, [i for i in wanted if i not in cache])
        cache.update(dict.fromkeys((i for i in wanted if i not in cache), None) | fresh)
        return {i: r for i, r in (known | fresh).items() if r is not None}
    out: dict[str, Read] = {}
    columns = ["agency_id", "record_type", "agency_key", "normalised"]
    columns += ["payload"] if payload else []
    for start in range(0, len(wanted), 500):
        where = {"id": wanted[start : start + 500]}
        for chunk in opened.scan(SourceRecord, columns, where=where):
            for rid, agency_id, record_type, key, normalised, *sent in chunk:
                sent_payload = _facts_in_clear(opened, rid, (sent[0] if sent else None) or {})
                out[rid] = Read(rid, agency_id, record_type, key, sent_payload, normalised or {})
    return out


def _facts_in_clear(opened: ActorSession, rid: str, payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with its encrypted coded facts (:data:`CODED_FACTS`) decrypted."""
    hidden = [k for k in CODED_FACTS if _encrypted(payload.get(k))]
    if not hidden:
        return payload
    clear = dict(payload)
    for column, value in payload_in_clear(opened, rid, {k: payload[k] for k in hidden}):
        clear[column] = None if value == NOT_DECRYPTED else value
    return clear


def linked_persons(opened: ActorSession, record_ids: Iterable[str]) -> dict[str, str]:
    """``record id -> resolved person id`` for the records linkage put in a person."""
    wanted = sorted(set(record_ids))
    out: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        where = {"record_id": wanted[start : start + 500]}
        for chunk in opened.scan(PersonLink, ["record_id", "person_id"], where=where):
            out.update((record_id, person_id) for _, record_id, person_id in chunk)
    return out


def display_name(normalised: dict[str, Any]) -> str:
    """The name a record gives, as a reader would say it ("" when it gives none)."""
    name = " ".join(str(normalised[k]) for k in ("forename", "surname") if normalised.get(k))
    return name or str(normalised.get("full_name") or "")


def _parse(text: str) -> str | None:
    if m := _ISO.match(text):
        return f"{m[1]}-{m[2]}-{m[3]}"
    if m := _DAY.match(text):
        try:
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        except ValueError:
            return None
    return None


def when(normalised: dict[str, Any], payload: dict[str, Any] | None = None) -> str | None:
    """The date (ISO, or date and time) a record is of: its normalised event date, else a
    dated column (normalised, else as the agency wrote it, read day first); None when
    undated."""
    for f in DATE_FIELDS:
        if normalised.get(f):
            return str(normalised[f])
    for f in PAYLOAD_DATES:  # ingest keeps typed dates in ISO under their column's name
        if isinstance(normalised.get(f), str) and (day := _parse(normalised[f])):
            return day
    for ending in ("start_date", "_date"):  # another agency's dated column (social care's)
        for f, value in normalised.items():
            dated = f.endswith(ending) and f != "date_of_birth" and not f.endswith(_NOT_WHEN)
            if dated and isinstance(value, str) and (day := _parse(value)):
                return day
    for f in PAYLOAD_DATES:
        value = (payload or {}).get(f)
        if isinstance(value, str) and (day := _parse(value)):
            return day
    return None


def age_on(normalised: dict[str, Any], day: str | None) -> int | None:
    """Age in whole years on ``day`` from the record's date of birth (None if unknown)."""
    born = _parse(str(normalised.get("date_of_birth") or ""))
    on = _parse(day or "")
    if not born or not on:
        return None
    b, d = date.fromisoformat(born), date.fromisoformat(on)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def _encrypted(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("v1:") and value.count(":") >= 2


def payload_in_clear(
    opened: ActorSession, record_id: str, payload: dict[str, Any], order: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """``(column, value)`` of a payload as the agency sent it, free text decrypted with the
    door's field cipher (the caller has already been allowed to read the record), in the
    file's column order when ``order`` is given."""
    cipher = None
    columns = [c for c in order if c in payload] + [c for c in payload if c not in order]
    out = []
    for column in columns:
        value = payload[column]
        if _encrypted(value):
            try:
                cipher = cipher or opened.field_crypto()
                value = cipher.decrypt(
                    value, table="source_record", column=f"payload.{column}", row_id=record_id
                )
            except (ValueError, NoFieldCrypto):
                value = NOT_DECRYPTED
        out.append((column, "" if value is None else str(value)))
    return out
