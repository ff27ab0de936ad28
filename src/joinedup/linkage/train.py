"""Train the person model: u by random sampling, m by EM, saved as plain JSON."""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from splink import Linker

from joinedup.linkage.backend import LinkageBackend, get_backend
from joinedup.linkage.prepare import IDENTIFIER_COLUMNS
from joinedup.linkage.settings import (
    DETERMINISTIC_KEYS,
    TRAINING_BLOCKING_KEYS,
    UNORDERED_LEVEL_LABELS,
    BlockingKey,
    LinkType,
    PersonSettingsOptions,
    blocking_keys_from_model,
    blocking_rule,
    options_for,
    person_settings,
    populated_columns,
)

Model = dict[str, Any]
_SPLINK_LOG_LEVEL = logging.ERROR
#: How much stronger (in match-weight bits) a lifted level is than the level beneath it.
MONOTONE_MARGIN_BITS = 0.5
#: No single disagreement may count for less than this (a mistyped identifier or a
#: data-entry slip must not veto a match on its own).
MIN_LEVEL_WEIGHT_BITS = -10.0
#: No m or u probability below this: lifting levels over a very strong level (or EM on a
#: small borough) can otherwise drive one towards zero, which Splink refuses (below 1e-300)
#: and which no amount of evidence justifies (it caps a level near 50 bits).
MIN_PROBABILITY = 1e-15
#: EM can still drive an m probability to exactly 0.0 on a small or sparse sample (Splink
#: issue 2333), which Splink 5 refuses as it is set ("... below the minimum allowed value");
#: the u sample is random, so training is run again with the next seed, up to this many times.
TRAINING_ATTEMPTS = 3
_UNDERFLOW = "below the minimum allowed"
_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainingOptions:
    """How much data training looks at, and with which EM blocking rules."""

    u_max_pairs: float = 5e6
    em_max_pairs: float | None = 2e6
    seed: int = 42
    em_blocking_keys: tuple[BlockingKey, ...] = TRAINING_BLOCKING_KEYS
    monotone: bool = True
    deterministic_recall: float = 0.6


def make_linker(
    backend: LinkageBackend, tables: Sequence[pa.Table], settings: Any
) -> tuple[Linker, Any]:
    """A Splink linker over ``tables`` (one table to dedupe, two or more to link).

    A saved model (a dict, written in DuckDB SQL) is re-targeted to the back end's dialect.
    Splink's settings validation (it only logs columns the settings name but the input lacks,
    about 0.6 s of SQL parsing) runs for settings being trained, not for a saved model, whose
    columns were checked when it was trained.
    """
    saved = isinstance(settings, dict)
    if saved and backend.name != "duckdb":
        settings = retarget_model(settings, backend.name)
    db_api = backend.db_api()
    frames = [backend.register(db_api, t, f"records_{i}") for i, t in enumerate(tables)]
    inputs: Any = frames[0] if len(frames) == 1 else frames
    linker = Linker(inputs, settings, log_level=_SPLINK_LOG_LEVEL, validate_settings=not saved)
    return linker, db_api


def train_model(
    tables: pa.Table | Sequence[pa.Table],
    *,
    link_type: LinkType = "dedupe_only",
    settings_options: PersonSettingsOptions | None = None,
    training: TrainingOptions | None = None,
    backend: LinkageBackend | None = None,
) -> Model:
    """Train the person model on prepared tables and return it as a JSON-ready dict.

    ``tables`` are outputs of :func:`joinedup.linkage.prepare.prepare_records`; settings
    default to :func:`joinedup.linkage.settings.options_for` the data. When EM drives a
    probability to exactly zero (Splink refuses it), training runs again with the next
    u-sampling seed, up to :data:`TRAINING_ATTEMPTS` times.
    """
    table_list = [tables] if isinstance(tables, pa.Table) else list(tables)
    training = training or TrainingOptions()
    backend = backend or get_backend("duckdb")
    combined = pa.concat_tables(table_list)
    options = settings_options or options_for(combined, link_type)
    for attempt in range(TRAINING_ATTEMPTS):
        seeded = replace(training, seed=training.seed + attempt)
        try:
            model = _train_once(table_list, combined, options, seeded, backend)
        except ValueError as exc:
            if _UNDERFLOW not in str(exc) or attempt == TRAINING_ATTEMPTS - 1:
                raise
            _logger.warning(
                "training stopped (%s); training again with u-sampling seed %d",
                exc,
                seeded.seed + 1,
            )
            continue
        return model
    raise AssertionError("unreachable: the last attempt returns or raises")


def _train_once(
    table_list: list[pa.Table],
    combined: pa.Table,
    options: PersonSettingsOptions,
    training: TrainingOptions,
    backend: LinkageBackend,
) -> Model:
    linker, _ = make_linker(backend, table_list, person_settings(options))
    filled = populated_columns(combined)
    rules = [blocking_rule(k) for k in DETERMINISTIC_KEYS if set(k) <= filled]
    if rules:
        linker.training.estimate_probability_two_random_records_match(
            rules, recall=training.deterministic_recall
        )
    linker.training.estimate_u_using_random_sampling(
        max_pairs=training.u_max_pairs, seed=training.seed
    )
    for key in training.em_blocking_keys:
        if not set(key) <= filled:
            continue
        linker.training.estimate_parameters_using_expectation_maximisation(
            blocking_rule(key),
            max_pairs=training.em_max_pairs,
            estimate_without_term_frequencies=True,
        )
    model: Model = linker.misc.save_model_to_json()
    model = exact_u_from_counts(model, combined)
    return monotone_levels(model) if training.monotone else model


_EXACT_SQL = re.compile(r'^"?(\w+)_l"? = "?(\w+)_r"?$')


def exact_u_from_counts(model: Model, table: pa.Table) -> Model:
    """Fill the *u* of exact-match levels that random sampling never saw, from value counts.

    A sparse identifier (a phone number, a police id) held by a few thousand of a few
    hundred thousand records rarely appears on both sides of a sampled pair, so sampling
    leaves its exact level without a *u*. The chance that two records holding a value hold
    the same one is known exactly from the table: the sum of ``c * (c - 1)`` over the
    values' counts ``c``, over ``n * (n - 1)`` for ``n`` records with a value (at least one
    such pair, so an all-distinct column does not get zero). Returns a new dict.
    """
    out: Model = json.loads(json.dumps(model))
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("u_probability") is not None:
                continue
            match = _EXACT_SQL.match(str(level.get("sql_condition", "")).strip())
            if match is None or match.group(1) != match.group(2):
                continue
            column = match.group(1)
            if column not in table.column_names:
                continue
            counts = pc.value_counts(table[column].drop_null()).field("counts")
            n = float(pc.sum(counts).as_py() or 0)
            if n < 2:
                continue
            repeats = float(pc.sum(pc.multiply(counts, pc.subtract(counts, 1))).as_py() or 0)
            level["u_probability"] = max(repeats, 1.0) / (n * (n - 1))
    return out


_COPIED_LEVEL_KEYS = ("m_probability", "u_probability", "tf_adjustment_weight")


def options_from_model(model: Model) -> PersonSettingsOptions:
    """The settings options a saved person model was built with."""
    names = {str(c["output_column_name"]) for c in model["comparisons"]}
    return PersonSettingsOptions(
        link_type=model["link_type"],
        identifiers=tuple(c for c in IDENTIFIER_COLUMNS if c in names),
        use_sex="sex" in names,
        use_address="address" in names,
        use_locality="locality" in names,
        use_phone="phone" in names,
        use_local_id="local_id" in names,
        use_school="school" in names,
        use_birth_year="birth_year" in names,
        blocking_keys=blocking_keys_from_model(model),
    )


def retarget_model(model: Model, sql_dialect: str) -> Model:
    """The same trained model with its SQL written for another dialect (e.g. ``spark``)."""
    fresh: Model = person_settings(options_from_model(model)).create_settings_dict(sql_dialect)
    for new_c, old_c in zip(fresh["comparisons"], model["comparisons"], strict=True):
        for new_l, old_l in zip(
            new_c["comparison_levels"], old_c["comparison_levels"], strict=True
        ):
            for key in _COPIED_LEVEL_KEYS:
                if old_l.get(key) is not None:
                    new_l[key] = old_l[key]
    fresh["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    fresh["sql_dialect"] = sql_dialect
    return fresh


def _bayes_factor(level: dict[str, Any]) -> float | None:
    m, u = level.get("m_probability"), level.get("u_probability")
    if m is None or u is None or u <= 0 or m <= 0:
        return None
    return float(m) / float(u)


def monotone_levels(model: Model) -> Model:
    """Make level weights non-increasing down each comparison (null level excluded).

    Levels are listed from most to least specific, so a more specific level should never
    carry less evidence than a looser one below it. EM can break that when a level is rare
    in the training pairs (a variant-table match scoring under a Jaro-Winkler band, say);
    such a level gets the Bayes factor of the strongest level beneath it raised by
    :data:`MONOTONE_MARGIN_BITS` (so it stays strictly stronger), by lowering its ``u``
    (``m`` is kept). A level with no trained ``m`` gets the same treatment with ``m`` set
    from its ``u``. Finally no level may weigh less than :data:`MIN_LEVEL_WEIGHT_BITS`, and a
    level left without a trained ``m`` (EM found no matches there, typically "all other
    comparisons" of the date of birth) weighs exactly that: without this Splink would treat
    it as no evidence at all, and people sharing a common name would be merged whatever
    their dates of birth. No probability is left below :data:`MIN_PROBABILITY`.
    Returns a new dict.
    """
    out: Model = json.loads(json.dumps(model))
    for comparison in out["comparisons"]:
        levels = [
            lv
            for lv in comparison["comparison_levels"]
            if not lv.get("is_null_level")
            and lv.get("label_for_charts") not in UNORDERED_LEVEL_LABELS
        ]
        known_u = [float(lv["u_probability"]) for lv in levels if lv.get("u_probability")]
        floor = 0.0
        for level in reversed(levels):
            if level.get("u_probability") is None and known_u:
                # never seen among random pairs: as rare as the rarest level seen
                level["u_probability"] = min(known_u)
            lifted = floor * 2.0**MONOTONE_MARGIN_BITS
            bf = _bayes_factor(level)
            if bf is None:
                u = level.get("u_probability")
                if floor > 0 and u is not None and u > 0:
                    level["m_probability"] = min(1.0, float(u) * lifted)
                    level["u_probability"] = float(level["m_probability"]) / lifted
                    bf = lifted
                else:
                    continue
            if bf <= floor:
                level["u_probability"] = float(level["m_probability"]) / lifted
                bf = lifted
            floor = max(floor, bf)
        for level in levels:
            u = level.get("u_probability")
            if not u:
                continue
            bf = _bayes_factor(level)
            if bf is None or bf < 2.0**MIN_LEVEL_WEIGHT_BITS:
                # untrained or zero m (EM saw no matches here): the strongest evidence
                # against a match the floor allows, never a silent "no evidence"
                level["m_probability"] = float(u) * 2.0**MIN_LEVEL_WEIGHT_BITS
        for level in levels:
            for key in ("m_probability", "u_probability"):
                value = level.get(key)
                if value is not None and float(value) < MIN_PROBABILITY:
                    level[key] = MIN_PROBABILITY
    return out


def match_weights(model: Model) -> dict[str, list[tuple[str, float | None]]]:
    """Comparison → [(level label, match weight)] for reading a trained model."""
    result: dict[str, list[tuple[str, float | None]]] = {}
    for comparison in model["comparisons"]:
        rows: list[tuple[str, float | None]] = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            bf = _bayes_factor(level)
            label = str(level.get("label_for_charts", level.get("sql_condition")))
            rows.append((label, None if bf is None else math.log2(bf)))
        result[str(comparison["output_column_name"])] = rows
    return result


def save_model(model: Model, path: str | Path) -> None:
    """Write a trained model as JSON (the run's model file)."""
    Path(path).write_text(json.dumps(model, indent=2, sort_keys=True), encoding="utf-8")
