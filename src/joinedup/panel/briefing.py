"""What puts a child, an adult or a vehicle on a panel's agenda: the open flags and risk
assessments summarised per subject, and the sections' selection and priority.

Pure functions over domain objects (no store access), so that the selection can be tested and
explained on its own. A briefing carries reasons (rules, flag summaries written by the rules,
risk category, agencies and their own record keys), never case-note text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from joinedup.model.safeguarding import Flag, RiskAssessment
from joinedup.panel.config import AgendaSection

CATEGORY_RANK = {"none": 0, "category_1": 1, "category_2": 2, "category_3": 3}
CATEGORY_LABEL = {
    "none": "no current concern",
    "category_1": "Category 1 (at risk)",
    "category_2": "Category 2 (opportunistic abuse)",
    "category_3": "Category 3 (habitual exploitation)",
}
SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}


@dataclass
class SubjectSummary:
    """Everything the open flags and assessments say about one subject."""

    subject_type: str
    subject_id: str
    flags: list[Flag] = field(default_factory=list)
    assessment: RiskAssessment | None = None
    suggested_category: str | None = None
    disclosed: bool = False
    as_of: date | None = None  # the agenda's date: age and "current" are judged on it

    @property
    def child_until(self) -> date | None:
        """The day the subject turns 18, where a flag records it (the latest such day)."""
        days = [f.evidence.get("child_until") for f in self.flags]
        known = [date.fromisoformat(d) for d in days if isinstance(d, str)]
        return max(known) if known else None

    @property
    def grown_up(self) -> bool:
        """Whether a child subject is known to be 18 or over on ``as_of``."""
        until = self.child_until
        return (
            self.subject_type == "child"
            and self.as_of is not None
            and until is not None
            and until <= self.as_of
        )

    @property
    def also_recorded_as(self) -> list[str]:
        """Offending roles the child is also recorded in (e.g. ``suspect``), sorted."""
        return sorted(
            {
                r.get("role", "")
                for f in self.flags
                for r in (f.evidence.get("details") or {}).get("also_recorded_as", [])
            }
            - {""}
        )

    @property
    def rules(self) -> list[str]:
        """The rules that flagged the subject, sorted."""
        return sorted({f.rule_id for f in self.flags})

    @property
    def agencies(self) -> list[str]:
        """The agencies (by kind) whose records are evidence in any open flag."""
        return sorted({a for f in self.flags for a in f.evidence.get("by_agency", {})})

    @property
    def category(self) -> str:
        """The latest recorded category, else the pre-fill's suggestion, else none."""
        if self.assessment is not None:
            return self.assessment.category
        return self.suggested_category or "none"

    @property
    def category_basis(self) -> str | None:
        """Where the category comes from: a recorded assessment or the pre-fill."""
        if self.assessment is not None:
            return "assessment"
        return "pre-fill" if self.suggested_category else None

    @property
    def current(self) -> bool:
        """Whether any open flag is about a current concern (an assessed child without
        flags is current: the assessment stands until reviewed)."""
        if self.grown_up:
            return False
        if not self.flags:
            return self.assessment is not None
        if self.subject_type == "child" and self.as_of is not None and self.child_until:
            return True
        return any(f.evidence.get("current", True) for f in self.flags)

    @property
    def children(self) -> list[str]:
        """Children named in the flags' evidence (for adults and vehicles)."""
        return sorted({c for f in self.flags for c in f.evidence.get("children", [])})

    def priority(self) -> tuple[int, ...]:
        """Sort key, highest first. A child: current, category (a disclosure above all),
        agencies, high flags, flags. An adult or vehicle: current, children seen with, high
        flags, agencies, flags (agencies come after children: a cluster that wrongly merged
        two people gathers agencies, not children at risk)."""
        high = sum(1 for f in self.flags if f.evidence.get("severity") == "high")
        if self.subject_type == "child":
            rank = CATEGORY_RANK.get(self.category, 0) + (3 if self.disclosed else 0)
            return (int(self.current), rank, len(self.agencies), high, len(self.flags))
        agencies, children = len(self.agencies), len(self.children)
        return (int(self.current), children, high, agencies, len(self.flags))

    def agency_keys(self, limit: int = 10) -> dict[str, list[str]]:
        """Each agency's own record keys in the evidence, so it can find the subject at home."""
        keys: dict[str, set[str]] = defaultdict(set)
        for f in self.flags:
            for ref in f.evidence.get("records", []):
                if ref.get("agency") and ref.get("agency_key"):
                    keys[ref["agency"]].add(str(ref["agency_key"]))
        return {a: sorted(k)[:limit] for a, k in sorted(keys.items())}

    def subject_records(self, limit: int = 5) -> list[str]:
        """Source records that make up the subject (to name it on the agenda)."""
        seen: list[str] = []
        for f in self.flags:
            for rid in f.evidence.get("subject_records", []):
                if rid not in seen:
                    seen.append(rid)
        return seen[:limit]

    def briefing(self) -> dict[str, Any]:
        """JSON-ready reasons for the agenda item."""
        out: dict[str, Any] = {
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "current": self.current,
            "agencies": self.agencies,
            "agency_keys": self.agency_keys(),
            "flags": [
                {
                    "id": f.id,
                    "rule": f.rule_id,
                    "status": f.status,
                    "severity": f.evidence.get("severity"),
                    "summary": f.evidence.get("summary"),
                }
                for f in sorted(self.flags, key=lambda f: (f.rule_id, f.id))
            ],
        }
        if self.as_of is not None:
            out["as_of"] = self.as_of.isoformat()
        if self.subject_type == "child":
            out["category"] = self.category
            out["category_basis"] = self.category_basis
            out["disclosed"] = self.disclosed
            out["also_recorded_as"] = self.also_recorded_as
            if self.assessment is not None:
                out["assessment"] = {
                    "id": self.assessment.id,
                    "version": self.assessment.version,
                    "assessed_on": self.assessment.assessed_on.isoformat(),
                    "next_review_due": (
                        self.assessment.next_review_due.isoformat()
                        if self.assessment.next_review_due
                        else None
                    ),
                }
        else:
            out["children"] = self.children
        return out


def _suggestion(flag: Flag) -> str | None:
    details = flag.evidence.get("details") or {}
    found = details.get("suggested_category") or details.get("category")
    return found if found in CATEGORY_RANK else None


def summarise(
    flags: Iterable[Flag], assessments: Iterable[RiskAssessment], as_of: date | None = None
) -> list[SubjectSummary]:
    """One summary per flagged subject (language flags left out), with the latest assessment;
    with ``as_of``, age and "current" are judged on that date."""
    latest: dict[str, RiskAssessment] = {}
    for a in assessments:
        held = latest.get(a.child_person_id)
        if held is None or (a.assessed_on, a.version) > (held.assessed_on, held.version):
            latest[a.child_person_id] = a
    subjects: dict[tuple[str, str], SubjectSummary] = {}
    for f in flags:
        if f.status == "resolved" or f.rule_id.startswith("language."):
            continue
        key = (f.subject_type, f.subject_id)
        summary = subjects.setdefault(key, SubjectSummary(*key, as_of=as_of))
        summary.flags.append(f)
        suggested = _suggestion(f)
        if suggested and CATEGORY_RANK[suggested] > CATEGORY_RANK.get(
            summary.suggested_category or "none", 0
        ):
            summary.suggested_category = suggested
        indicators = (f.evidence.get("details") or {}).get("indicators") or {}
        summary.disclosed = summary.disclosed or "disclosure" in indicators
    for child in latest:
        subjects.setdefault(("child", child), SubjectSummary("child", child, as_of=as_of))
    for (subject_type, subject_id), summary in subjects.items():
        if subject_type == "child" and subject_id in latest:
            summary.assessment = latest[subject_id]
            summary.disclosed = summary.disclosed or any(
                a.indicator == "disclosure" and a.present for a in latest[subject_id].answers
            )
    return sorted(subjects.values(), key=lambda s: (s.subject_type, s.subject_id))


def qualifies(section: AgendaSection, summary: SubjectSummary) -> bool:
    """Whether a subject belongs in a children or subjects section."""
    is_child = summary.subject_type == "child"
    if section.source == "children" and (not is_child or summary.grown_up):
        return False
    if section.source == "subjects" and is_child:
        return False
    if section.categories and not (
        summary.category in section.categories
        or (summary.disclosed and "category_3" in section.categories)
    ):
        return False
    if section.rules and not set(section.rules) & set(summary.rules):
        return False
    return len(summary.agencies) >= section.min_agencies


def select(
    sections: Sequence[AgendaSection], summaries: Sequence[SubjectSummary]
) -> dict[str, tuple[list[SubjectSummary], int]]:
    """Per children/subjects section: the subjects listed (by priority, up to the limit) and
    how many more qualified. A subject is listed in the first section that takes it only."""
    taken: set[tuple[str, str]] = set()
    out: dict[str, tuple[list[SubjectSummary], int]] = {}
    for section in sections:
        if section.source not in ("children", "subjects"):
            continue
        fits = [
            s
            for s in summaries
            if (s.subject_type, s.subject_id) not in taken and qualifies(section, s)
        ]
        fits.sort(key=lambda s: (tuple(-p for p in s.priority()), s.subject_id))
        listed = fits[: section.limit]
        taken.update((s.subject_type, s.subject_id) for s in listed)
        out[section.id] = (listed, len(fits) - len(listed))
    return out


def describe(summary: SubjectSummary, name: str | None) -> str:
    """The agenda item's title for a subject."""
    if summary.subject_type == "vehicle":
        who = f"Vehicle {summary.subject_id.removeprefix('vehicle:')}"
    else:
        who = name or f"{summary.subject_type} {summary.subject_id[:8]}"
    agencies = ", ".join(a.replace("_", " ") for a in summary.agencies) or "no agency"
    if summary.subject_type == "child":
        basis = f" ({summary.category_basis})" if summary.category_basis else ""
        disclosed = "; has disclosed" if summary.disclosed else ""
        also = summary.also_recorded_as
        listed = " or ".join(r.replace("_", " ") for r in also)
        roles = f"; also recorded as {listed}" if also else ""
        return (
            f"{who}: {CATEGORY_LABEL.get(summary.category, summary.category)}{basis}{disclosed}"
            f"{roles}; {len(summary.flags)} open flags from {agencies}"
        )
    return (
        f"{who}: seen with {len(summary.children)} children at risk; "
        f"{', '.join(summary.rules)} ({agencies})"
    )
