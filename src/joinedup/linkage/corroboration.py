"""When agreement on names may link two records, and attaching to the only candidate.

**Hold.** A common name cannot tell two children apart, so by default a scored pair whose
only agreement is on the names (and sex) is *held* just below the link threshold: it waits
in the review queue instead of linking (:func:`hold_uncorroborated`).

**Attach to the only candidate.** Some records cannot reach the threshold on any one pair:
a police nominal without a date of birth, a school concern without the UPN, a record with
its date of birth mistyped. What can still be said is whether the data hold *one* person
they could be, or several. After clustering, each cluster's *candidates* are the other
clusters it reaches through a pair scored at ``candidate_lower`` or above, counting only
clusters with a date of birth or an identifier (a cluster of records with neither, a
*thin* cluster, cannot show that it is a different person). A cluster with exactly one
candidate joins it when a pair between them scores ``attach_threshold`` or more, their
names agree (forenames at some level, surnames not different: a parent and child sharing
a surname and an address must not join this way), no review decision rejects it and no
values conflict (:func:`attach_unique_candidates`). With two or more candidates (two Scott
Greens born in the same month) nothing joins and the pairs stay in review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from joinedup.linkage.conflicts import (
    RecordValues,
    as_record_values,
    groups_conflict,
    merge_value_sets,
)
from joinedup.linkage.decisions import DecisionSet

#: Comparisons that do not corroborate a match on their own.
NAME_GAMMAS = ("gamma_forename", "gamma_surname", "gamma_sex")
#: Prepared columns whose presence makes a record more than a name.
DISTINGUISHING_COLUMNS = ("date_of_birth", "nhs_number", "upn", "police_id")


def corroborated(pairs: pa.Table) -> pa.Array | pa.ChunkedArray:
    """Per pair: does any comparison other than the names and sex agree at some level?

    Splink's gamma 0 is "all other comparisons" and -1 a null, so agreement is a gamma
    above 0. Pairs tables without comparison columns count as corroborated.
    """
    others = [c for c in pairs.column_names if c.startswith("gamma_") and c not in NAME_GAMMAS]
    if not others:
        return pa.array([True] * len(pairs), pa.bool_())
    result = pc.greater(pc.fill_null(pairs[others[0]], -1), 0)
    for column in others[1:]:
        result = pc.or_(result, pc.greater(pc.fill_null(pairs[column], -1), 0))
    return result


def hold_uncorroborated(pairs: pa.Table, threshold: float) -> pa.Table:
    """``pairs`` with name-only matches held just below ``threshold`` (for review)."""
    if pairs.num_rows == 0:
        return pairs
    held = min(threshold, 1.0) - 1e-9
    probability = pairs["match_probability"]
    capped = pc.if_else(corroborated(pairs), probability, pc.min_element_wise(probability, held))
    index = pairs.column_names.index("match_probability")
    return pairs.set_column(index, "match_probability", capped)


def names_agree_mask(pairs: pa.Table) -> pa.Array | pa.ChunkedArray:
    """Per pair: the forenames agree at some level and the surnames do not disagree.

    A shared surname and address with a different forename is typically a parent and
    child; such a pair can make two clusters candidates for each other but never joins
    them by attachment.
    """
    if "gamma_forename" not in pairs.column_names or "gamma_surname" not in pairs.column_names:
        return pa.array([True] * len(pairs), pa.bool_())
    forename = pc.greater(pc.fill_null(pairs["gamma_forename"], -1), 0)
    surname = pc.not_equal(pc.fill_null(pairs["gamma_surname"], -1), 0)
    return pc.and_(forename, surname)


def thin_records(prepared: pa.Table) -> set[str]:
    """Record ids with no date of birth and no identifier."""
    present = [c for c in DISTINGUISHING_COLUMNS if c in prepared.column_names]
    if not present:
        return set(prepared["record_id"].to_pylist())
    mask = pc.is_null(prepared[present[0]])
    for column in present[1:]:
        mask = pc.and_(mask, pc.is_null(prepared[column]))
    return set(prepared["record_id"].filter(mask).to_pylist())


@dataclass
class Attachment:
    """Clusters after attaching thin records, and the pairs that attached them."""

    clusters: dict[str, str]
    attached: list[tuple[str, str]] = field(default_factory=list)


def attach_unique_candidates(
    clusters: Mapping[str, str],
    pairs: pa.Table,
    thin: set[str],
    *,
    attach_threshold: float,
    candidate_lower: float,
    decisions: DecisionSet | None = None,
    values: RecordValues | Mapping[str, Mapping[str, str]] | None = None,
    only_thin: bool = False,
    rounds: int = 3,
) -> Attachment:
    """Join each cluster with exactly one candidate to it (see the module docstring).

    ``pairs`` are scored pairs before holding; ``clusters`` maps record id to cluster key.
    With ``only_thin`` only thin clusters are joined to their candidate. Joins never cross
    a rejected decision or conflicting values; they are repeated (at most ``rounds``
    times) since one join may leave another cluster with a single candidate.
    """
    record_ids = list(clusters)
    id_array = pa.array(record_ids, pa.string())
    keys = pa.array([clusters[r] for r in record_ids], pa.string())
    labels = np.asarray(pc.index_in(keys, value_set=id_array).to_numpy(), dtype=np.int64)
    band = pairs.filter(pc.greater_equal(pairs["match_probability"], candidate_lower))
    left = _positions(id_array, band["record_id_l"])
    right = _positions(id_array, band["record_id_r"])
    known = (left >= 0) & (right >= 0)
    agree = np.asarray(names_agree_mask(band).to_numpy(zero_copy_only=False), dtype=bool)
    probability = np.asarray(band["match_probability"].to_numpy(), dtype=np.float64)
    score = np.where(agree, probability, 0.0)[known]  # a candidate, never the one to join
    left, right = left[known], right[known]
    is_thin = np.asarray(
        pc.is_in(id_array, value_set=pa.array(sorted(thin), pa.string())).to_numpy(
            zero_copy_only=False
        ),
        dtype=bool,
    )
    record_values = as_record_values(values)
    aligned = record_values.aligned(id_array) if record_values else {}
    groups = _Groups(record_ids, labels, aligned, _rejections(decisions))
    attachment = Attachment(clusters={})
    for _ in range(rounds):
        current = groups.labels()
        thin_label = np.ones(len(record_ids), dtype=bool)
        np.logical_and.at(thin_label, current, is_thin)
        own = np.concatenate([current[left], current[right]])
        other = np.concatenate([current[right], current[left]])
        both_scores = np.concatenate([score, score])
        pair_index = np.concatenate([np.arange(len(left)), np.arange(len(left))])
        keep = (own != other) & ~thin_label[other]
        if only_thin:
            keep &= thin_label[own]
        proposals = _single_candidates(
            own[keep], other[keep], both_scores[keep], pair_index[keep], attach_threshold
        )
        groups.load({int(p[1]) for p in proposals} | {int(p[2]) for p in proposals}, current)
        joined = 0
        for _score, own_label, other_label, index in proposals:
            if groups.join(own_label, other_label):
                a, b = record_ids[left[index]], record_ids[right[index]]
                attachment.attached.append((a, b) if a < b else (b, a))
                joined += 1
        if not joined:
            break
    final = groups.labels()
    result = {record: record_ids[final[i]] for i, record in enumerate(record_ids)}
    _rekey(result)
    attachment.clusters = result
    return attachment


def _positions(ids: pa.Array, values: pa.ChunkedArray | pa.Array) -> np.ndarray[Any, Any]:
    found = pc.index_in(pc.cast(values, pa.string()), value_set=ids)
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _single_candidates(
    own: np.ndarray[Any, Any],
    other: np.ndarray[Any, Any],
    score: np.ndarray[Any, Any],
    pair_index: np.ndarray[Any, Any],
    attach_threshold: float,
) -> list[tuple[float, int, int, int]]:
    """(score, own, other, pair) for each cluster with one candidate, best score first."""
    if not len(own):
        return []
    edges = pa.table({"own": own, "other": other})
    counted = edges.group_by("own").aggregate([("other", "count_distinct")])
    single = counted.filter(pc.equal(counted["other_count_distinct"], 1))["own"]
    chosen = np.isin(own, np.asarray(single.to_numpy(), dtype=np.int64)) & (
        score >= attach_threshold
    )
    best: dict[int, tuple[float, int, int, int]] = {}
    for o, t, sc, i in zip(
        own[chosen].tolist(),
        other[chosen].tolist(),
        score[chosen].tolist(),
        pair_index[chosen].tolist(),
        strict=True,
    ):
        if o not in best or (sc, -i) > (best[o][0], -best[o][3]):
            best[o] = (sc, o, t, i)
    return sorted(best.values(), key=lambda item: (-item[0], item[3]))


class _Groups:
    """Clusters being joined: union-find over cluster labels, refusing conflicting joins.

    A label is the position of a cluster's key record; value sets are computed for the
    clusters a round proposes to join (:meth:`load`), then merged as clusters join.
    """

    def __init__(
        self,
        record_ids: list[str],
        labels: np.ndarray[Any, Any],
        aligned: dict[str, pa.Array],
        rejected: set[tuple[str, str]],
    ) -> None:
        self.record_ids = record_ids
        self.initial = labels
        self.parent = np.arange(len(record_ids), dtype=np.int64)
        self.aligned = aligned
        self.rejected = rejected
        self.order = np.argsort(labels, kind="stable")
        sorted_labels = labels[self.order]
        self.start = np.searchsorted(sorted_labels, np.arange(len(record_ids)), side="left")
        self.end = np.searchsorted(sorted_labels, np.arange(len(record_ids)), side="right")
        self.merged: dict[int, list[int]] = {}
        self.value_sets: dict[int, dict[str, frozenset[str]]] = {}

    def find(self, label: int) -> int:
        root = label
        while self.parent[root] != root:
            root = int(self.parent[root])
        while self.parent[label] != root:
            self.parent[label], label = root, int(self.parent[label])
        return root

    def labels(self) -> np.ndarray[Any, Any]:
        """Every record's current cluster label."""
        roots = self.parent.copy()
        while True:
            following = roots[roots]
            if np.array_equal(following, roots):
                break
            roots = following
        result: np.ndarray[Any, Any] = roots[self.initial]
        return result

    def members(self, root: int) -> list[int]:
        """Positions of the records in the cluster ``root``."""
        out: list[int] = []
        for label in self.merged.get(root, [root]):
            out.extend(self.order[self.start[label] : self.end[label]].tolist())
        return out

    def load(self, roots: set[int], current: np.ndarray[Any, Any]) -> None:
        """Compute the value sets of ``roots`` not yet known (``current``: labels now)."""
        wanted = np.array(sorted(r for r in roots if r not in self.value_sets), dtype=np.int64)
        if not len(wanted) or not self.aligned:
            return
        inside = np.isin(current, wanted)
        chosen = pa.array(np.flatnonzero(inside), pa.int64())
        found: dict[int, dict[str, frozenset[str]]] = {int(r): {} for r in wanted}
        for column, values in self.aligned.items():
            table = pa.table(
                {"root": pa.array(current[inside]), "value": values.take(chosen)}
            ).filter(pc.is_valid(values.take(chosen)))
            grouped = table.group_by("root").aggregate([("value", "distinct")])
            for root, distinct in zip(
                grouped["root"].to_pylist(), grouped["value_distinct"].to_pylist(), strict=True
            ):
                found[int(root)][column] = frozenset(distinct)
        self.value_sets.update(found)

    def join(self, own: int, other: int) -> bool:
        own, other = self.find(own), self.find(other)
        if own == other:
            return False
        if self.rejected:
            left, right = self.members(own), self.members(other)
            ids = self.record_ids
            if any((ids[x], ids[y]) in self.rejected for x in left for y in right):
                return False
        if self.aligned:
            left_values = self.value_sets.get(own, {})
            right_values = self.value_sets.get(other, {})
            if groups_conflict(left_values, right_values):
                return False
            self.value_sets[other] = merge_value_sets(left_values, right_values)
            self.value_sets.pop(own, None)
        self.parent[own] = other
        self.merged[other] = self.merged.get(other, [other]) + self.merged.pop(own, [own])
        return True


def _rejections(decisions: DecisionSet | None) -> set[tuple[str, str]]:
    if decisions is None:
        return set()
    out: set[tuple[str, str]] = set()
    for a, b in decisions.rejected:
        out.add((a, b))
        out.add((b, a))
    return out


def _rekey(clusters: dict[str, str]) -> None:
    """Make every cluster key its smallest record id again (in place)."""
    smallest: dict[str, str] = {}
    for record, key in clusters.items():
        if key not in smallest or record < smallest[key]:
            smallest[key] = record
    for record, key in clusters.items():
        clusters[record] = smallest[key]


def restore_linked(held: pa.Table, original: pa.Table, clusters: Mapping[str, str]) -> pa.Table:
    """Held pairs whose records ended in one cluster get their scored probability back.

    They are linked (through other records, or by attaching a thin record), so they do not
    belong in the review queue.
    """
    if held.num_rows == 0:
        return held
    lefts = [clusters.get(a) for a in held["record_id_l"].to_pylist()]
    rights = [clusters.get(b) for b in held["record_id_r"].to_pylist()]
    together = pa.array(
        [x is not None and x == y for x, y in zip(lefts, rights, strict=True)], pa.bool_()
    )
    probability = pc.if_else(together, original["match_probability"], held["match_probability"])
    index = held.column_names.index("match_probability")
    return held.set_column(index, "match_probability", probability)
