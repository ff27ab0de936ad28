"""``assess``: assemble what the session may see, pre-fill the risk tool, run every rule and
hold the flags. Re-runnable: a second run over the same records raises no new flag."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from joinedup.assemble.view import Assembly
from joinedup.safeguarding import assessments as stored
from joinedup.safeguarding.flags import Owners, SyncReport, sync
from joinedup.safeguarding.rules.definitions import RuleSet, default_rules
from joinedup.safeguarding.rules.engine import RuleResult, context, raised, run_rules
from joinedup.safeguarding.tool import RiskTool, default_tool
from joinedup.store.actor_session import ActorSession

Progress = Callable[[str], None]


@dataclass
class AssessReport:
    """What one run found and did."""

    as_of: date
    tool_version: str
    rules_version: str
    persons: int
    children_with_concern: int
    suggested_categories: dict[str, int]
    findings: dict[str, int]
    flags: SyncReport
    rules: list[dict[str, Any]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "as_of": self.as_of.isoformat(),
            "tool_version": self.tool_version,
            "rules_version": self.rules_version,
            "persons": self.persons,
            "children_with_concern": self.children_with_concern,
            "suggested_categories": self.suggested_categories,
            "findings": self.findings,
            "flags": self.flags.to_dict(),
            "rules": self.rules,
            "seconds": self.seconds,
        }


def assess(
    session: ActorSession,
    *,
    assembly: Assembly | None = None,
    tool: RiskTool | None = None,
    rules: RuleSet | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
    subjects: Collection[str] | None = None,
) -> AssessReport:
    """Run the pre-fill and every rule over what ``session`` may see; hold the flags.

    Age, "current" and lateness are judged as of ``as_of`` (default: today), and only what
    had happened by then counts, so that an earlier date replays what was known then.

    Flags are held for their owner agencies, so the acting account must be able to write
    case data for every agency (the pipeline service account).

    ``subjects``: hold only the findings about these subjects (a drop's re-assessment of the
    part of a partition it can change, :mod:`joinedup.safeguarding.reach`: the picture is
    complete for them only); None holds every finding.
    """
    session.require("flags.run_rules")
    tool, rules = tool or default_tool(), rules or default_rules()
    as_of = as_of or date.today()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    if assembly is None:
        _say(progress, "assembling the records")
        from joinedup.assemble.build import assemble

        assembly = assemble(session, until=as_of)
        seconds["assemble"] = _lap(started, seconds)
    _say(progress, "pre-filling the risk tool")
    ctx = context(assembly, stored.latest(session), tool=tool, as_of=as_of)
    seconds["prefill"] = _lap(started, seconds)
    _say(progress, "running the rules")
    results = run_rules(ctx, rules)
    seconds["rules"] = _lap(started, seconds)
    _say(progress, "holding the flags")
    found = raised(results, Owners.of(session), ctx)
    if subjects is not None:
        wanted = set(subjects)
        found = [r for r in found if r.subject_id in wanted]
    flags = sync(session, found, rule_ids=[r.id for r in rules.rules])
    seconds["flags"] = _lap(started, seconds)
    categories = Counter(p.graded.category for p in ctx.prefills.values() if p.graded)
    return AssessReport(
        as_of=ctx.as_of,
        tool_version=tool.tool_version,
        rules_version=rules.version,
        persons=len(assembly.persons),
        children_with_concern=len(ctx.at_risk),
        suggested_categories=dict(sorted(categories.items())),
        findings={r.rule.id: len(r.findings) for r in results},
        flags=flags,
        rules=[_rule_row(r) for r in results],
        seconds=seconds,
    )


def _rule_row(result: RuleResult) -> dict[str, Any]:
    rule = result.rule
    return {
        "id": rule.id,
        "severity": rule.severity,
        "owner_agency": rule.owner_agency,
        "findings": len(result.findings),
        "current": sum(1 for f in result.findings if f.current),
        "subjects": len({f.subject_id for f in result.findings}),
    }


def _lap(started: float, seconds: dict[str, float]) -> float:
    return round(time.perf_counter() - started - sum(seconds.values()), 2)


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)
