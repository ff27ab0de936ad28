"""The network analyses' settings, declared as data (``data/network.yml``) and validated.

Codes (roles, link types, place types) are checked against the model's vocabularies where a
vocabulary exists, so a typo fails loudly when the file is loaded, naming the field.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from joinedup.common.documents import load_yaml, packaged, read_text, validate_document
from joinedup.common.errors import JoinedupError
from joinedup.model.roles import participant_roles
from joinedup.model.vocab import vocabulary


class NetworkConfigError(JoinedupError, ValueError):
    """The network settings file is missing or malformed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Categories(_Strict):
    """Which recorded facts make a person a suspected offender or a child at risk."""

    # default: the ``offending`` and ``witness`` groups of the participant_roles vocabulary,
    # the one definition the risk tool and the agency lists read too
    offender_roles: frozenset[str] = Field(
        default_factory=lambda: participant_roles().offending, min_length=1
    )
    child_roles_ignored: frozenset[str] = Field(default_factory=lambda: participant_roles().witness)
    offender_links: frozenset[str] = Field(min_length=1)
    require_cse_marker: bool = False

    @model_validator(mode="after")
    def _known_links(self) -> Categories:
        unknown = self.offender_links - vocabulary("link_types").codes
        if unknown:
            raise ValueError(f"offender_links: unknown link types {sorted(unknown)}")
        return self


class Ties(_Strict):
    """Weights of the evidence that ties two suspected offenders together."""

    co_event: float = Field(ge=0)
    shared_victim: float = Field(ge=0)
    direct_link: float = Field(ge=0)
    shared_object: float = Field(ge=0)
    shared_place: float = Field(ge=0)
    max_event_size: int = Field(ge=2)


class Communities(_Strict):
    """Leiden settings."""

    resolution: float = Field(gt=0)
    seed: int
    min_size: int = Field(ge=1)
    split_min_part: int = Field(ge=0)


class Hotspots(_Strict):
    """Which places are ranked and how times of day are banded."""

    exclude_place_types: frozenset[str]
    bands: tuple[tuple[int, str], ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Hotspots:
        unknown = self.exclude_place_types - vocabulary("place_types").codes
        if unknown:
            raise ValueError(f"exclude_place_types: unknown place types {sorted(unknown)}")
        starts = [start for start, _ in self.bands]
        if starts[0] != 0 or starts != sorted(set(starts)) or starts[-1] > 23:
            raise ValueError("bands: start hours must rise from 0 and stay below 24")
        return self

    def band(self, hour: int) -> str:
        """The label of the band holding ``hour`` (0-23)."""
        label = self.bands[0][1]
        for start, name in self.bands:
            if hour >= start:
                label = name
        return label


class Profile(_Strict):
    """Problem profile settings."""

    suppress_below: int = Field(ge=1)
    age_bands: tuple[tuple[int, int], ...] = Field(min_length=1)
    top_hotspots: int = Field(ge=1)

    @model_validator(mode="after")
    def _bands(self) -> Profile:
        for low, high in self.age_bands:
            if low > high:
                raise ValueError(f"age_bands: {low} > {high}")
        return self


class NetworkConfig(_Strict):
    """Everything ``data/network.yml`` declares."""

    categories: Categories
    ties: Ties
    communities: Communities
    hotspots: Hotspots
    profile: Profile


def parse_config(data: Any, source: str = "network.yml", text: str = "") -> NetworkConfig:
    """Validate a mapping (parsed from ``text``) as network settings; errors name the source,
    the line and the field."""
    return validate_document(
        NetworkConfig, data, text, where=source, what="network settings", error=NetworkConfigError
    )


def load_config(path: Path | None = None) -> NetworkConfig:
    """Settings from ``path``, or the shipped ``data/network.yml``."""
    if path is None:
        return default_config()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NetworkConfigError(f"{path}: cannot be read ({exc.strerror})") from exc
    data = load_yaml(text, where=str(path), error=NetworkConfigError)
    return parse_config(data, str(path), text)


@cache
def default_config() -> NetworkConfig:
    """The shipped settings (loaded once)."""
    text, where = read_text(packaged("joinedup.network", "network.yml"))
    return parse_config(load_yaml(text, where=where), where, text)
