"""The rule engine: rules declared as data (``data/rules.yml``), evidence queries in Python."""

from __future__ import annotations

from joinedup.safeguarding.rules.context import Finding, RuleContext
from joinedup.safeguarding.rules.definitions import Rule, RuleSet, default_rules, load_rules
from joinedup.safeguarding.rules.engine import RuleResult, context, raised, run_rules

__all__ = [
    "Finding",
    "Rule",
    "RuleContext",
    "RuleResult",
    "RuleSet",
    "context",
    "default_rules",
    "load_rules",
    "raised",
    "run_rules",
]
