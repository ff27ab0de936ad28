"""The evidence held with each pair queued for review: what a reviewer needs to decide it.

For each pair the run could not decide (issue 18, point 2) the run keeps:

- each comparison of the pairwise model at the level it reached (``gamma_*``: Splink's
  ``-1`` a missing value, ``0`` "all other comparisons", the highest level the closest
  agreement), with the level's label and weight ``log2(m/u)``; the outcome in plain words
  (*agreed*, *partly agreed*, *disagreed*, *missing*);
- the prior weight (two records taken at random), the pairwise match weight and what the
  level weights leave of it (term-frequency adjustments: a rare name weighs more than a
  common one);
- the collective (relational) evidence of :mod:`joinedup.linkage.collective`, when the
  stage weighed it: the relational score, its level and weight, and what the two persons
  share by kind (a phone, a vehicle, an address, a person both appear with), each with how
  many persons hold it (rarer is stronger). Only kinds and counts are kept, never a value.

The evidence is a plain JSON mapping stored with the review item (``match_review.evidence``);
:func:`plain_words` says it in sentences for the CLI and the web page.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from joinedup.common.documents import load_yaml, packaged, read_text
from joinedup.linkage.collective import CollectiveOptions, RelationalModel, cluster_context
from joinedup.linkage.context import RecordContext

Model = Mapping[str, Any]
#: the relational score's levels (:class:`joinedup.linkage.collective.RelationalModel`)
STRENGTH = ("no", "some", "strong", "very strong")
#: ``gamma column -> {level value: (label, weight)}`` and the column's top level
Levels = dict[str, tuple[dict[int, tuple[str, float]], int]]


@lru_cache(maxsize=1)
def words() -> dict[str, dict[str, str]]:
    """The plain words of ``data/evidence.yml`` (fields and shared context kinds)."""
    text, where = read_text(packaged("joinedup.linkage", "evidence.yml"))
    data = load_yaml(text, where=where) or {}
    return {"fields": dict(data.get("fields", {})), "shared": dict(data.get("shared", {}))}


@cache
def _level_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    text, where = read_text(packaged("joinedup.linkage", "evidence.yml"))
    data = load_yaml(text, where=where) or {}
    return tuple((re.compile(p, re.IGNORECASE), w) for p, w in data.get("levels", []))


def plain_level(label: str) -> str:
    """A comparison level's label in a reviewer's words ("surname is NULL": "not recorded on
    one side or both"); a label already in plain words is returned as it is."""
    for pattern, words_ in _level_patterns():
        found = pattern.fullmatch(label.strip())
        if found:
            return found.expand(words_)
    return label


def _weight(level: Mapping[str, Any]) -> float:
    m, u = level.get("m_probability"), level.get("u_probability")
    if level.get("is_null_level") or not m or not u:
        return 0.0
    return math.log2(float(m) / float(u))


def model_levels(model: Model) -> Levels:
    """Each comparison's levels by their ``gamma`` value (null ``-1``, then from the top
    level down to ``0``, as Splink numbers them), with label and weight."""
    out: Levels = {}
    for comparison in model.get("comparisons", []):
        name = comparison.get("output_column_name") or comparison.get("comparison_description")
        levels = comparison.get("comparison_levels", [])
        counted = [lv for lv in levels if not lv.get("is_null_level")]
        top = len(counted) - 1
        by_value: dict[int, tuple[str, float]] = {}
        position = top
        for level in levels:
            label = str(level.get("label_for_charts") or level.get("sql_condition") or "")
            if level.get("is_null_level"):
                by_value[-1] = (label, 0.0)
                continue
            value = int(level.get("comparison_vector_value", position))
            by_value[value] = (label, _weight(level))
            position -= 1
        out[f"gamma_{name}"] = (by_value, top)
    return out


def prior_weight(model: Model) -> float:
    """The weight of two records taken at random being one person."""
    p = float(model.get("probability_two_random_records_match") or 0.0)
    return math.log2(p / (1 - p)) if 0 < p < 1 else 0.0


def _outcome(value: int | None, top: int) -> str:
    if value is None or value < 0:
        return "missing"
    if value == 0:
        return "disagreed"
    return "agreed" if value == top else "partly agreed"


def comparisons(row: Mapping[str, Any], levels: Levels) -> list[dict[str, Any]]:
    """Each comparison of one scored pair: field, level label, outcome and weight."""
    out: list[dict[str, Any]] = []
    for column, (by_value, top) in levels.items():
        if column not in row:
            continue
        value = row[column]
        label, weight = by_value.get(-1 if value is None else int(value), ("", 0.0))
        out.append(
            {
                "field": column.removeprefix("gamma_"),
                "level": label,
                "outcome": _outcome(value, top),
                "weight": round(weight, 3),
            }
        )
    return out


def _relational(model: Mapping[str, Any] | None) -> RelationalModel | None:
    if not model or not model.get("cuts"):
        return None
    return RelationalModel(tuple(model["cuts"]), list(model["m"]), list(model["u"]))


def shared_context(
    left: str, right: str, clusters: Mapping[str, str], ctx: Any, persons: int
) -> list[dict[str, Any]]:
    """What the persons of two records share, by kind: how many, how few persons hold the
    rarest, their summed weight (``ln(N / held_by)`` each)."""
    ca, cb = clusters.get(left, left), clusters.get(right, right)
    ta, tb = ctx.by_cluster.get(ca, set()), ctx.by_cluster.get(cb, set())
    both = ctx.by_record.get(left, set()) & ctx.by_record.get(right, set())
    kinds: dict[str, dict[str, Any]] = {}
    for token in ta & tb:
        weight = ctx.idf.get(token)
        if weight is None or (token.startswith("phone:") and token in both):
            continue  # too common to count, or compared pair to pair already
        kind = token.split(":", 1)[0]
        held_by = max(round(persons * math.exp(-weight)), 2)
        entry = kinds.setdefault(kind, {"kind": kind, "count": 0, "held_by": held_by, "weight": 0})
        entry["count"] += 1
        entry["held_by"] = min(entry["held_by"], held_by)
        entry["weight"] = round(entry["weight"] + weight, 3)
    return sorted(kinds.values(), key=lambda e: (-e["weight"], e["kind"]))


def with_evidence(
    queue: pa.Table,
    candidates: pa.Table,
    model: Model,
    clusters: Mapping[str, str],
    context: RecordContext | None = None,
    options: CollectiveOptions | None = None,
    relational: Mapping[str, Any] | None = None,
) -> pa.Table:
    """``queue`` with an ``evidence`` column (JSON text, module docstring) per pair.

    ``candidates`` are the scored pairs with their ``gamma_*`` columns; ``relational`` the
    collective stage's fitted levels (``collective["model"]`` of the run), when it ran.
    """
    if queue.num_rows == 0:
        return queue.append_column("evidence", pa.array([], pa.string()))
    lefts = queue["record_id_l"].to_pylist()
    rights = queue["record_id_r"].to_pylist()
    wanted = set(zip(lefts, rights, strict=True))
    gammas = [c for c in candidates.column_names if c.startswith("gamma_")]
    near = candidates.filter(pc.is_in(candidates["record_id_l"], pa.array(sorted(set(lefts)))))
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for row in near.select(["record_id_l", "record_id_r", "match_weight", *gammas]).to_pylist():
        key = (row["record_id_l"], row["record_id_r"])
        if key in wanted:
            rows[key] = row
    levels = model_levels(model)
    prior = prior_weight(model)
    stage = _relational(relational)
    has_score = "relational_score" in queue.column_names
    ctx = None
    if stage is not None and has_score and context is not None:
        ctx = cluster_context(clusters, context, (options or CollectiveOptions()).max_df)
    persons = max(len(set(clusters.values())), 2)
    scores = queue["relational_score"].to_pylist() if has_score else [None] * len(lefts)
    out: list[str] = []
    for i, (left, right) in enumerate(zip(lefts, rights, strict=True)):
        row = rows.get((left, right), {})
        fields = comparisons(row, levels)
        pairwise = row.get("match_weight")
        pairwise = float(pairwise) if pairwise is not None else queue["match_weight"][i].as_py()
        evidence: dict[str, Any] = {
            "match_weight": round(float(queue["match_weight"][i].as_py()), 3),
            "match_probability": round(float(queue["match_probability"][i].as_py()), 4),
            "pairwise_weight": round(pairwise, 3),
            "prior_weight": round(prior, 3),
            "adjustments": round(pairwise - prior - sum(f["weight"] for f in fields), 3),
            "comparisons": fields,
            "collective": None,
        }
        score = scores[i]
        if score is not None and stage is not None:
            if score < 0:
                evidence["collective"] = {"weighed": False}
            else:
                level = stage.level(score)
                evidence["collective"] = {
                    "weighed": True,
                    "score": round(score, 3),
                    "level": level,
                    "weight": round(stage.weights[level], 3),
                    "shared": shared_context(left, right, clusters, ctx, persons) if ctx else [],
                }
        out.append(json.dumps(evidence, sort_keys=True))
    return queue.append_column("evidence", pa.array(out, pa.string()))


def _field(name: str) -> str:
    return words()["fields"].get(name, name.replace("_", " "))


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


#: comparisons that never corroborate a match on their own (names and sex)
NAMES_ONLY = ("forename", "surname", "sex")


def names_only(evidence: Mapping[str, Any]) -> bool:
    """Does nothing but the names (and sex) agree, even in part?"""
    found = evidence.get("comparisons") or []
    return bool(found) and not any(
        c["outcome"] in ("agreed", "partly agreed") and c["field"] not in NAMES_ONLY for c in found
    )


def plain_words(evidence: Mapping[str, Any] | None) -> list[str]:
    """The evidence in sentences (an item queued before evidence was kept says so)."""
    if not evidence:
        return ["The evidence was not recorded for this pair (queued before it was kept)."]
    lines: list[str] = []
    for c in evidence.get("comparisons", []):
        weight = f"{c['weight']:+.1f}"
        if c["outcome"] == "missing":
            lines.append(f"{_first_upper(_field(c['field']))}: missing on one side or both (0).")
        else:
            lines.append(
                f"{_first_upper(_field(c['field']))}: {c['outcome']} ({c['level']}; {weight})."
            )
    lines.append(
        f"Starting weight {evidence.get('prior_weight', 0):+.1f}; how common the names and "
        f"postcode are adjusts it by {evidence.get('adjustments', 0):+.1f}; "
        f"match weight {evidence.get('pairwise_weight', 0):+.1f}."
    )
    lines.extend(collective_words(evidence.get("collective")))
    probability = evidence.get("match_probability")
    if probability is not None:
        lines.append(
            f"In all: weight {evidence.get('match_weight', 0):+.1f}, "
            f"probability {float(probability):.3f} that the two records are one person."
        )
    if names_only(evidence):
        lines.append(
            "Only the names agree: a name alone cannot tell two children apart, so the pair "
            "is held for a person to decide however high its probability."
        )
    return lines


def collective_words(collective: Mapping[str, Any] | None) -> list[str]:
    """The collective evidence in sentences."""
    if collective is None:
        return ["No collective evidence was weighed for this pair."]
    if not collective.get("weighed"):
        return ["The names do not agree, so what the records share was not weighed."]
    shared = collective.get("shared") or []
    if not shared:
        return [
            "The two persons share nothing else in the records "
            f"(collective weight {collective.get('weight', 0):+.1f})."
        ]
    parts = []
    for s in shared:
        what = words()["shared"].get(s["kind"], s["kind"])
        times = f"{s['count']} × " if s["count"] > 1 else ""
        parts.append(f"{times}{what}, held by {s['held_by']} persons")
    strength = STRENGTH[min(int(collective.get("level", 0)), len(STRENGTH) - 1)]
    return [
        "The two persons share: " + "; ".join(parts) + f" ({strength} collective evidence, "
        f"weight {collective.get('weight', 0):+.1f})."
    ]
