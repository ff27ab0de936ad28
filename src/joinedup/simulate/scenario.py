"""Scenario: every parameter of the synthetic borough, loaded from a YAML file.

A scenario is a plain YAML mapping (see ``data/scenarios/default.yml``). Counts are multiplied by
``--scale``; rates and shares are not. Unknown or missing keys fail loudly, naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joinedup.common.documents import load_yaml, packaged
from joinedup.common.errors import JoinedupError
from joinedup.model.vocab import vocabulary
from joinedup.simulate.visibility import CIRCUMSTANCES

AGENCIES: tuple[str, ...] = (
    "police",
    "social_care",
    "education",
    "health",
    "probation",
    "licensing",
    "voluntary",
)

NOISE_KINDS: tuple[str, ...] = (
    "typo",
    "variant",
    "swap_names",
    "dob_day_month_swap",
    "dob_typo",
    "missing_dob",
    "alias",
    "duplicate",
    "stale_address",
    "ascii_fold",
    "missing_ethnicity",
)


class ScenarioError(JoinedupError, ValueError):
    """A scenario file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Range:
    """An inclusive integer range with an optional mean."""

    min: int
    max: int
    mean: float | None = None


@dataclass(frozen=True)
class AgencyConfig:
    """How one agency observes events and writes its export."""

    name: str
    encoding: str
    delimiter: str
    date_format: str
    datetime_format: str
    observe: dict[str, float]
    delay_days: Range
    victim_blaming_share: float
    noise: dict[str, float]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario with its scale applied to every count."""

    name: str
    description: str
    start_year: int
    years: int
    scale: float
    population: dict[str, Any]
    exploitation: dict[str, Any]
    offenders: dict[str, Any]
    background: dict[str, Any]
    agencies: dict[str, AgencyConfig]

    @property
    def end_year(self) -> int:
        """Last calendar year of the window (inclusive)."""
        return self.start_year + self.years - 1

    def count(self, section: str, key: str, *, minimum: int = 0) -> int:
        """A scaled count from ``section`` (rounded, at least ``minimum``)."""
        value = float(getattr(self, section)[key])
        return max(minimum, round(value * self.scale))

    def rate(self, section: str, key: str) -> float:
        """An unscaled rate or share from ``section``."""
        return float(getattr(self, section)[key])

    def range(self, section: str, key: str) -> Range:
        """A ``{min, max[, mean]}`` range from ``section``."""
        return _range(getattr(self, section)[key], f"{section}.{key}")


def _range(raw: Any, where: str) -> Range:
    if not isinstance(raw, dict) or "min" not in raw or "max" not in raw:
        raise ScenarioError(f"{where}: expected a mapping with min and max")
    lo, hi = int(raw["min"]), int(raw["max"])
    if hi < lo:
        raise ScenarioError(f"{where}: max {hi} is below min {lo}")
    mean = raw.get("mean")
    return Range(lo, hi, None if mean is None else float(mean))


def _mapping(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: expected a mapping")
    return {str(k): v for k, v in raw.items()}


def _shares(raw: Any, where: str) -> dict[str, float]:
    shares = {k: float(v) for k, v in _mapping(raw, where).items()}
    if any(v < 0 for v in shares.values()) or sum(shares.values()) <= 0:
        raise ScenarioError(f"{where}: shares must be non-negative with a positive total")
    return shares


def _agency(name: str, raw: Any) -> AgencyConfig:
    where = f"agencies.{name}"
    data = _mapping(raw, where)
    noise = {k: float(v) for k, v in _mapping(data.get("noise", {}), f"{where}.noise").items()}
    unknown = set(noise) - set(NOISE_KINDS)
    if unknown:
        raise ScenarioError(f"{where}.noise: unknown noise kinds {sorted(unknown)}")
    for kind in NOISE_KINDS:
        rate = noise.setdefault(kind, 0.0)
        if not 0.0 <= rate <= 1.0:
            raise ScenarioError(f"{where}.noise.{kind}: rate {rate} is not in [0, 1]")
    try:
        "x".encode(str(data["encoding"]))
    except LookupError as exc:
        raise ScenarioError(f"{where}.encoding: unknown encoding {data['encoding']!r}") from exc
    except KeyError as exc:
        raise ScenarioError(f"{where}: missing key {exc}") from exc
    date_format = str(data.get("date_format", "%Y-%m-%d"))
    return AgencyConfig(
        name=name,
        encoding=str(data["encoding"]),
        delimiter=str(data.get("delimiter", ",")),
        date_format=date_format,
        datetime_format=str(data.get("datetime_format", date_format + " %H:%M")),
        observe={k: float(v) for k, v in _mapping(data.get("observe", {}), where).items()},
        delay_days=_range(data.get("delay_days", {"min": 0, "max": 0}), f"{where}.delay_days"),
        victim_blaming_share=float(data.get("victim_blaming_share", 0.0)),
        noise=noise,
    )


def parse(raw: Any, *, scale: float = 1.0, where: str = "scenario") -> Scenario:
    """Validate a scenario mapping and apply ``scale`` to its counts."""
    if scale <= 0:
        raise ScenarioError(f"scale must be positive, got {scale}")
    data = _mapping(raw, where)
    required = ("name", "window", "population", "exploitation", "offenders", "agencies")
    for key in required:
        if key not in data:
            raise ScenarioError(f"{where}: missing key {key!r}")
    agencies_raw = _mapping(data["agencies"], f"{where}.agencies")
    missing = [a for a in AGENCIES if a not in agencies_raw]
    if missing:
        raise ScenarioError(f"{where}.agencies: missing agencies {missing}")
    kinds = vocabulary("agency_kinds").codes
    for name in agencies_raw:
        if name not in kinds:
            raise ScenarioError(f"{where}.agencies: {name!r} is not an agency kind")
    population = _mapping(data["population"], f"{where}.population")
    ethnicity = _shares(population.get("ethnicity"), f"{where}.population.ethnicity")
    unknown_codes = set(ethnicity) - vocabulary("ethnicity").codes
    if unknown_codes:
        raise ScenarioError(f"{where}.population.ethnicity: unknown codes {sorted(unknown_codes)}")
    exploitation = _mapping(data["exploitation"], f"{where}.exploitation")
    _shares(exploitation.get("onset_age_weights"), f"{where}.exploitation.onset_age_weights")
    for key in ("looked_after_share", "prior_contact_share", "female_share"):
        value = float(exploitation.get(key, -1))
        if not 0.0 <= value <= 1.0:
            raise ScenarioError(f"{where}.exploitation.{key}: expected a share in [0, 1]")
    _visibility(exploitation, f"{where}.exploitation")
    offenders = _mapping(data["offenders"], f"{where}.offenders")
    _shares(offenders.get("origin"), f"{where}.offenders.origin")
    _shares(offenders.get("hotspot_types"), f"{where}.offenders.hotspot_types")
    window = _mapping(data["window"], f"{where}.window")
    return Scenario(
        name=str(data["name"]),
        description=str(data.get("description", "")),
        start_year=int(window["start_year"]),
        years=int(window["years"]),
        scale=scale,
        population=population,
        exploitation=exploitation,
        offenders=offenders,
        background=_mapping(data.get("background", {}), f"{where}.background"),
        agencies={a: _agency(a, agencies_raw[a]) for a in AGENCIES},
    )


def _visibility(exploitation: dict[str, Any], where: str) -> None:
    """Check ``invisible_share`` and ``visibility`` (simulate/visibility.py)."""
    if "unknown_share" in exploitation:
        raise ScenarioError(
            f"{where}.unknown_share: replaced by visibility (chance) and invisible_share "
            "(a group no agency can record); see docs/simulator.md"
        )
    if not 0.0 <= float(exploitation.get("invisible_share", 0.0)) <= 1.0:
        raise ScenarioError(f"{where}.invisible_share: expected a share in [0, 1]")
    raw = _mapping(exploitation.get("visibility", {}), f"{where}.visibility")
    if float(raw.get("shape", 0.0)) < 0:
        raise ScenarioError(f"{where}.visibility.shape: expected a gamma shape >= 0")
    for name, effects in _mapping(raw.get("circumstances", {}), f"{where}.visibility").items():
        if name not in CIRCUMSTANCES:
            raise ScenarioError(
                f"{where}.visibility.circumstances: unknown {name!r}; one of {CIRCUMSTANCES}"
            )
        for agency in _mapping(effects, f"{where}.visibility.circumstances.{name}"):
            if agency not in AGENCIES:
                raise ScenarioError(
                    f"{where}.visibility.circumstances.{name}: {agency!r} is not an agency"
                )


def builtin_names() -> tuple[str, ...]:
    """Names of the scenarios shipped with the package."""
    folder = packaged("joinedup.simulate", "scenarios")
    return tuple(
        sorted(p.name.removesuffix(".yml") for p in folder.iterdir() if p.name.endswith(".yml"))
    )


def load(name_or_path: str = "default", *, scale: float = 1.0) -> Scenario:
    """Load a shipped scenario by name, or a scenario YAML file by path."""
    path = Path(name_or_path)
    if path.suffix in (".yml", ".yaml") or path.exists():
        if not path.is_file():
            raise ScenarioError(f"scenario file {name_or_path} does not exist")
        text, where = path.read_text(encoding="utf-8"), str(path)
    else:
        res = packaged("joinedup.simulate", "scenarios", f"{name_or_path}.yml")
        if not res.is_file():
            known = ", ".join(builtin_names())
            raise ScenarioError(f"no scenario named {name_or_path!r}; known: {known}")
        text, where = res.read_text(encoding="utf-8"), f"scenario {name_or_path}"
    raw = load_yaml(text, where=where, error=ScenarioError)
    return parse(raw, scale=scale, where=where)
