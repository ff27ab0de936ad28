"""Language on entry: text a worker types into the platform is checked as it is saved.

Typed text is: the reasons given when an assessment confirms or overrides the risk tool's
suggestions, the note acknowledging a flag and the reason resolving one, the reason for a
match review decision, the note closing or re-submitting a quarantined row, panel items,
decisions and actions, intelligence submissions and acknowledgements. Each place is named by a
``WHERE_*`` label. :func:`check_entry` is installed in the door by the composition root
(:class:`joinedup.store.hooks.SessionHooks`); write paths call it through
``session.entered(...)``, and a person's session that saves typed text without it cannot
commit.

The check warns; it never refuses. A worker recording a child's own words, or explaining an
override, must be able to save what they wrote: the text is saved as typed and every finding
is returned so the interface can show why the phrase is harmful and what to write instead.

Each finding is also held as a language flag (rule ``language.<entry id>``) through
:func:`joinedup.safeguarding.flags.sync`, so the report of flagged notes per agency and author
(:func:`joinedup.safeguarding.notes.language_report`) counts it: subject the object the text
is kept with (an assessment, a flag, a review item, a quarantined row), owned by the author's
agency, evidence the phrase (the lexicon's words, never the rest of the text), reason,
suggestion, the author (the acting user) and where it was typed. Checking the same text in the
same place again raises no new flag (fingerprint: subject, place, field, author, entry and
offset).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from joinedup.ingest import quarantine
from joinedup.linkage import review
from joinedup.model.policy import policy
from joinedup.safeguarding.flags import Raised, sync
from joinedup.safeguarding.language import Finding, check
from joinedup.safeguarding.notes import RULE_PREFIX
from joinedup.store.actor_session import ActorSession

ENTERED = "entered text"

WHERE_OVERRIDE = "assessment override reason"
WHERE_CONFIRMATION = "assessment confirmation reason"
WHERE_NARRATIVE = "assessment narrative"  # field: child_views, protective_factors, safety_plan
WHERE_ACKNOWLEDGEMENT = "flag acknowledgement note"
WHERE_RESOLUTION = "flag resolution reason"
WHERE_REVIEW = review.WHERE_REVIEW
WHERE_QUARANTINE_RESUBMIT = quarantine.WHERE_RESUBMIT
WHERE_QUARANTINE_DISMISS = quarantine.WHERE_DISMISS


@dataclass(frozen=True)
class EntryFinding:
    """One victim-blaming phrase in typed text: where it was typed and what to write instead.

    ``held`` is False when the acting user's role may not hold flags (the warning stands).
    """

    where: str
    field: str | None
    finding: Finding
    held: bool = True

    @property
    def place(self) -> str:
        """Where the text was typed, with the field (e.g. the indicator) when there is one."""
        return f"{self.where} ({self.field})" if self.field else self.where

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the place, the finding (phrase, reason, suggestion, ...) and ``held``."""
        return {
            "where": self.where,
            "field": self.field,
            **self.finding.to_dict(),
            "held": self.held,
        }

    def message(self) -> str:
        """One line for a person: the place, the phrase, why it harms and what to write."""
        f = self.finding
        return f'{self.place}: "{f.phrase}" - {f.reason} Suggested: {f.suggestion}'


def _owner(session: ActorSession, agency_id: str | None) -> str | None:
    """The agency to hold the flag for, or None when the role may not add case rows.

    Decided before anything is written, so that the check can never make a save fail.
    """
    reaches = policy().reaches(session.actor.role, "collection", "case")
    if "partnership" in reaches:
        return agency_id or session.actor.agency_id
    if "own_agency" in reaches:
        return session.actor.agency_id
    return None


def _raised(
    finding: Finding,
    *,
    where: str,
    field: str | None,
    author: str,
    owner: str,
    subject_type: str,
    subject_id: str,
) -> Raised:
    rule = RULE_PREFIX + finding.entry_id
    place = f"{where} ({field})" if field else where
    return Raised(
        rule,
        subject_type,
        subject_id,
        (ENTERED, where, field or "", author, finding.entry_id, str(finding.start)),
        owner,
        {
            "rule": rule,
            "summary": f'"{finding.phrase}" in the {place}: {finding.reason}',
            "severity": "low",
            **finding.to_dict(),
            "author": author,
            "record_type": ENTERED,
            "where": where,
            "field": field,
        },
    )


def check_entry(
    session: ActorSession,
    text: str | None,
    *,
    where: str,
    subject_type: str,
    subject_id: str,
    field: str | None = None,
    author: str | None = None,
    agency_id: str | None = None,
    child_age: int | None = None,
) -> list[EntryFinding]:
    """Check text a worker typed; hold a language flag per finding; return the findings.

    ``where`` names the place (a ``WHERE_*`` label), ``field`` the part of it (e.g. the
    indicator); the subject is the object the text is kept with. ``author`` defaults to the
    acting user, ``agency_id`` (the flag's owner) to their agency; another agency is used
    only when the role may add rows for any agency (the pipeline service account).
    ``child_age`` sharpens age-dependent wording. Never raises for what it finds.
    """
    if not text or not text.strip():
        return []
    found = check(text, child_age=child_age)
    if not found:
        return []
    owner = _owner(session, agency_id)
    if owner is not None:
        who = author or session.actor.username
        sync(
            session,
            [
                _raised(
                    f,
                    where=where,
                    field=field,
                    author=who,
                    owner=owner,
                    subject_type=subject_type,
                    subject_id=subject_id,
                )
                for f in found
            ],
        )
    return [EntryFinding(where, field, f, held=owner is not None) for f in found]


def warning_lines(found: list[EntryFinding]) -> list[str]:
    """What an interface shows after saving: a heading, then one line per finding."""
    if not found:
        return []
    held = any(f.held for f in found)
    heading = (
        "Saved as written. Language that blames or judges a child"
        + (" (held as a language flag)" if held else "")
        + ":"
    )
    return [heading, *(f"  {f.message()}" for f in found)]
