"""The CSE risk tool, declared as a versioned data file (``data/risk_tool.yml``).

Indicators (each with its evidence specification, points and whether it is specific to CSE),
the grading (score thresholds for Categories 1-3 and the hard rules) and the review cadence
per category. Loaded and validated once; a malformed file fails naming the problem.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from joinedup.common.documents import packaged, parse_document, read_text
from joinedup.common.errors import JoinedupError
from joinedup.safeguarding.evidence import EvidenceSpec

Category = Literal["none", "category_1", "category_2", "category_3"]
Level = Literal["category_1", "category_2", "category_3"]
CATEGORIES: tuple[Category, ...] = ("none", "category_1", "category_2", "category_3")
LEVELS: tuple[Level, ...] = ("category_1", "category_2", "category_3")
CATEGORY_LABELS: dict[str, str] = {
    "none": "no current concern",
    "category_1": "Category 1 (at risk)",
    "category_2": "Category 2 (opportunistic abuse)",
    "category_3": "Category 3 (habitual exploitation)",
}


class ToolError(JoinedupError, ValueError):
    """The risk tool file is invalid."""


class Indicator(BaseModel):
    """One indicator of the screening tool."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    label: str = Field(min_length=1)
    group: Literal["vulnerability", "exploitation"]
    specific: bool
    points: int = Field(ge=0, le=20)
    evidence: EvidenceSpec
    summary: str = Field(min_length=1)
    source: str = Field(min_length=1)


class HardRule(BaseModel):
    """A grading rule no score can overrule (e.g. a disclosure means Category 3)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    at_least: Category
    indicator: str | None = None
    age_under: int | None = None
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_condition(self) -> HardRule:
        if (self.indicator is None) == (self.age_under is None):
            raise ValueError(f"hard rule {self.id}: give exactly one of indicator, age_under")
        return self


class Grading(BaseModel):
    """How a score becomes a category."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    thresholds: dict[Level, int]
    hard_rules: tuple[HardRule, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> Grading:
        if set(self.thresholds) != set(LEVELS):
            raise ValueError("thresholds need category_1, category_2 and category_3")
        values = [self.thresholds[c] for c in LEVELS]
        if values != sorted(values):
            raise ValueError("thresholds must increase from category_1 to category_3")
        return self


class RiskTool(BaseModel):
    """The whole tool: its name, version, indicators, grading and review cadence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tool: str = Field(min_length=1)
    version: str = Field(min_length=1, max_length=32)
    description: str
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    grading: Grading
    review_days: dict[Level, int]

    @model_validator(mode="after")
    def _consistent(self) -> RiskTool:
        ids = [i.id for i in self.indicators]
        if len(set(ids)) != len(ids):
            raise ValueError("an indicator id is used twice")
        for rule in self.grading.hard_rules:
            if rule.indicator is not None and rule.indicator not in ids:
                raise ValueError(f"hard rule {rule.id}: unknown indicator {rule.indicator!r}")
        if not any(i.specific for i in self.indicators):
            raise ValueError("at least one indicator must be specific to CSE")
        return self

    @property
    def tool_version(self) -> str:
        """``tool@version``, as stored with each assessment."""
        return f"{self.tool}@{self.version}"[:32]

    def review_after(self, category: str) -> int | None:
        """Days from an assessment of ``category`` to its review (None for no concern)."""
        for level, days in self.review_days.items():
            if level == category:
                return days
        return None

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(f"the risk tool has no indicator {indicator_id!r}")


def parse_tool(text: str, *, where: str) -> RiskTool:
    """Parse and validate a risk tool document."""
    return parse_document(
        RiskTool, text, where=where, what="risk tool", error=ToolError, versions=()
    )


def load_tool(path: Path | str) -> RiskTool:
    """A risk tool from a file (a partnership's own version)."""
    text, name = read_text(path)
    return parse_tool(text, where=name)


@cache
def default_tool() -> RiskTool:
    """The shipped risk tool (cached)."""
    return parse_tool(
        packaged("joinedup.safeguarding", "risk_tool.yml").read_text("utf-8"), where="risk_tool.yml"
    )


def rank(category: str) -> int:
    """0 for none up to 3 for Category 3."""
    return [str(c) for c in CATEGORIES].index(category)
