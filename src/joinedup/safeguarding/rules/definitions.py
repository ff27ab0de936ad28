"""Rules as data: ``data/rules.yml`` declares each rule; an evidence query (Python) finds it.

A rule names its evidence query and the query's parameters; the queries live in
:mod:`joinedup.safeguarding.rules.children` and :mod:`joinedup.safeguarding.rules.network`
and register themselves with :func:`query`. Loading validates every rule: a known query,
parameters that query accepts, a known owner agency kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from joinedup.common.documents import packaged, parse_document, read_text
from joinedup.common.errors import JoinedupError
from joinedup.model.vocab import VocabularyError, vocabulary

if TYPE_CHECKING:
    from joinedup.safeguarding.rules.context import Finding, RuleContext

Severity = Literal["low", "medium", "high"]
SubjectType = Literal["child", "person", "vehicle", "phone", "place"]
# what the simulator's truth says about a rule's subjects (evaluation only)
Truth = Literal["victim", "offender", "licensed_offender", "none"]

QueryFunc = Callable[["RuleContext", Any], Iterable["Finding"]]


@dataclass(frozen=True)
class Query:
    """A registered evidence query and the model of its parameters."""

    name: str
    func: QueryFunc
    params: type[BaseModel]


_QUERIES: dict[str, Query] = {}


def query(name: str, params: type[BaseModel]) -> Callable[[QueryFunc], QueryFunc]:
    """Register an evidence query under ``name`` with its parameter model."""

    def register(func: QueryFunc) -> QueryFunc:
        _QUERIES[name] = Query(name, func, params)
        return func

    return register


def queries() -> dict[str, Query]:
    """Every registered evidence query (importing the query modules once)."""
    from joinedup.safeguarding.rules import children, network  # noqa: F401 (registers)

    return _QUERIES


class RuleError(JoinedupError, ValueError):
    """The rules file is invalid."""


class Rule(BaseModel):
    """One rule: what it finds, why, who owns its flags and how serious it is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$", max_length=48)
    description: str = Field(min_length=1)
    rationale: str = Field(min_length=1)
    query: str
    params: dict[str, Any] = Field(default_factory=dict)
    owner_agency: str
    severity: Severity
    subject: SubjectType
    victim_signal: bool = False
    truth: Truth = "none"

    @model_validator(mode="after")
    def _known(self) -> Rule:
        try:
            vocabulary("agency_kinds").check(self.owner_agency)
        except VocabularyError as exc:
            raise ValueError(f"rule {self.id}: {exc}") from exc
        registered = queries().get(self.query)
        if registered is None:
            raise ValueError(f"rule {self.id}: unknown evidence query {self.query!r}")
        try:
            registered.params.model_validate(self.params)
        except ValidationError as exc:
            raise ValueError(f"rule {self.id}: bad params: {exc}") from exc
        return self

    def parsed_params(self) -> Any:
        """The parameters validated by the query's model (defaults filled in)."""
        return queries()[self.query].params.model_validate(self.params)


class RuleSet(BaseModel):
    """The rules file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> RuleSet:
        ids = [r.id for r in self.rules]
        if len(set(ids)) != len(ids):
            raise ValueError("a rule id is used twice")
        return self

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(f"no rule {rule_id!r}")


def parse_rules(text: str, *, where: str) -> RuleSet:
    """Parse and validate a rules document."""
    return parse_document(RuleSet, text, where=where, what="rules", error=RuleError, versions=())


def load_rules(path: Path | str) -> RuleSet:
    """Rules from a file (a partnership's own set)."""
    text, name = read_text(path)
    return parse_rules(text, where=name)


@cache
def default_rules() -> RuleSet:
    """The shipped rules (cached)."""
    return parse_rules(
        packaged("joinedup.safeguarding", "rules.yml").read_text("utf-8"), where="rules.yml"
    )
