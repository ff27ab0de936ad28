"""The rule engine: run every rule over the assembled picture and turn findings into flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from joinedup.assemble.view import Assembly
from joinedup.model.safeguarding import RiskAssessment
from joinedup.safeguarding.evidence import cite
from joinedup.safeguarding.flags import Owners, Raised
from joinedup.safeguarding.prefill import prefill_all
from joinedup.safeguarding.rules.context import Finding, RuleContext
from joinedup.safeguarding.rules.definitions import (
    QueryFunc,
    Rule,
    RuleSet,
    default_rules,
    queries,
)
from joinedup.safeguarding.tool import RiskTool, default_tool

_SUBJECT_RECORDS = 300  # record ids of a flagged person kept with the flag


@dataclass
class RuleResult:
    """One rule's findings."""

    rule: Rule
    findings: list[Finding] = field(default_factory=list)


def context(
    assembly: Assembly,
    assessments: dict[str, RiskAssessment] | None = None,
    *,
    tool: RiskTool | None = None,
    as_of: date | None = None,
) -> RuleContext:
    """Pre-fill every child with a CSE concern and build the rules' context."""
    tool = tool or default_tool()
    when = as_of or assembly.as_of or date.today()
    prefills = {p.person_id: p for p in prefill_all(assembly, tool, until=when)}
    return RuleContext(assembly, tool, prefills, dict(assessments or {}), when)


def run_rules(ctx: RuleContext, rules: RuleSet | None = None) -> list[RuleResult]:
    """Every rule's findings, in the order of the rules file."""
    results = []
    for rule in (rules or default_rules()).rules:
        func = rule_query(rule)
        results.append(RuleResult(rule, list(func(ctx, rule.parsed_params()))))
    return results


def rule_query(rule: Rule) -> QueryFunc:
    """The evidence query function of a rule."""
    return queries()[rule.query].func


def raised(results: list[RuleResult], owners: Owners, ctx: RuleContext) -> list[Raised]:
    """The flags the findings call for, each with its evidence, children and owner."""
    out: list[Raised] = []
    for result in results:
        rule = result.rule
        for f in result.findings:
            evidence = {
                "rule": rule.id,
                "summary": f.summary,
                "severity": rule.severity,
                "victim_signal": rule.victim_signal,
                "records": cite(f.evidence),
                "by_agency": _by_agency(f),
                "children": list(f.children),
                "current": f.current,
                "as_of": ctx.as_of.isoformat(),
                "details": f.details,
            }
            person = ctx.assembly.persons.get(f.subject_id)
            if person is not None:
                evidence["subject_records"] = [r.record_id for r in person.records][
                    :_SUBJECT_RECORDS
                ]
                if person.date_of_birth is not None:
                    # the day the subject turns 18: an agenda judges "still a child" on its
                    # own date without reading the records again
                    evidence["child_until"] = eighteenth_birthday(person.date_of_birth).isoformat()
            out.append(
                Raised(
                    rule.id,
                    f.subject_type,
                    f.subject_id,
                    f.key,
                    owners.owner(rule.owner_agency, (r.agency_id for r in f.evidence)),
                    evidence,
                )
            )
    return out


def eighteenth_birthday(born: date) -> date:
    """The day a person born on ``born`` turns 18 (29 February: 1 March)."""
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return date(born.year + 18, 3, 1)


def _by_agency(f: Finding) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for ref in f.evidence:
        ids = out.setdefault(ref.agency_kind, [])
        if ref.record_id not in ids:
            ids.append(ref.record_id)
    return out
