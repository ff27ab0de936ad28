"""The panel's data documents: intelligence routing, action escalation and agenda sections.

Each is a versioned YAML file shipped in ``joinedup/panel/data``; a partnership may supply its
own file of the same shape (validated the same way, errors name the file).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from joinedup.common.documents import packaged, parse_document, read_text
from joinedup.common.errors import JoinedupError
from joinedup.model.base import Urgency
from joinedup.model.vocab import vocabulary

M = TypeVar("M", bound=BaseModel)


class PanelConfigError(JoinedupError, ValueError):
    """A panel document is not valid (the message names the file)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RouteRule(_Strict):
    """Route to every agency of ``agency_kind`` when the condition holds."""

    agency_kind: str = Field(min_length=1, max_length=32)
    when: Literal["always", "vehicle", "words"]
    words: tuple[str, ...] = ()
    reason: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _words_needed(self) -> RouteRule:
        if self.when == "words" and not self.words:
            raise ValueError(f"route to {self.agency_kind}: 'when: words' needs a words list")
        return self


class Routing(_Strict):
    """Who receives intelligence and how soon each urgency must be acknowledged."""

    version: str
    deadlines_hours: dict[Urgency, float]
    max_escalation_level: int = Field(ge=1, default=3)
    routes: tuple[RouteRule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _every_urgency(self) -> Routing:
        missing = vocabulary("urgencies").codes - set(self.deadlines_hours)
        if missing:
            raise ValueError(f"deadlines_hours lacks {sorted(missing)}")
        if any(h <= 0 for h in self.deadlines_hours.values()):
            raise ValueError("deadlines_hours must be positive")
        return self


class ActionPolicy(_Strict):
    """When an overdue action escalates, and how often again."""

    version: str
    escalate_after_days: int = Field(ge=0)
    escalate_every_days: int = Field(ge=1)
    max_escalation_level: int = Field(ge=1, default=3)


class AgendaSection(_Strict):
    """One section of a generated agenda."""

    id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=200)
    source: Literal["intelligence", "actions", "children", "subjects"]
    rules: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    min_agencies: int = Field(ge=0, default=0)
    limit: int = Field(ge=1, le=500)


class AgendaConfig(_Strict):
    """The sections of a generated agenda, in order."""

    version: str
    sections: tuple[AgendaSection, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> AgendaConfig:
        ids = [s.id for s in self.sections]
        if len(ids) != len(set(ids)):
            raise ValueError("agenda section ids must be unique")
        return self


def _load(model: type[M], name: str, path: Path | str | None) -> M:
    if path is None:
        text = packaged("joinedup.panel", name).read_text("utf-8")
        where = f"joinedup/panel/data/{name}"
    else:
        text, where = read_text(path)
    return parse_document(model, text, where=where, what=model.__name__, error=PanelConfigError)


@cache
def _packaged(name: str) -> BaseModel:
    return _load(_MODELS[name], name, None)


_MODELS: dict[str, type[BaseModel]] = {
    "routing.yml": Routing,
    "actions.yml": ActionPolicy,
    "agenda.yml": AgendaConfig,
}


def _document(model: type[M], name: str, path: Path | str | None) -> M:
    found = _load(model, name, path) if path else _packaged(name)
    assert isinstance(found, model)
    return found


def routing(path: Path | str | None = None) -> Routing:
    """The routing document (the packaged one unless ``path`` is given)."""
    return _document(Routing, "routing.yml", path)


def action_policy(path: Path | str | None = None) -> ActionPolicy:
    """The action escalation document (the packaged one unless ``path`` is given)."""
    return _document(ActionPolicy, "actions.yml", path)


def agenda_config(path: Path | str | None = None) -> AgendaConfig:
    """The agenda sections document (the packaged one unless ``path`` is given)."""
    return _document(AgendaConfig, "agenda.yml", path)
