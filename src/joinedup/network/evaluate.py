"""Networks against a simulator's truth (evaluation only: the analyses never read truth).

- **ari**: the adjusted Rand index of the recovered offender groups against the simulator's
  groups, over the true group members the platform can see (at least one of their records is
  in the assembly). Each true member takes the label of the resolved person holding most of
  their records: that person's group, or a label of its own when the platform did not put
  it in a group (not identified as a suspected offender, or alone). A member of two linked
  groups takes the group ``persons.csv`` gives (``offender_group``, where they began).
  ``ari_identified`` is the same over the members the platform identified as suspected
  offenders only.
- **hotspot_hits_top10**: of the ten highest-ranked places, how many are true hotspots; a
  place is matched to the true location most of its records name
  (``truth/location_records.csv``).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from math import comb
from pathlib import Path

from joinedup.common.errors import JoinedupError
from joinedup.network.communities import Communities
from joinedup.network.graph import Network
from joinedup.network.hotspots import Hotspot

RecordKeys = Mapping[str, tuple[str, str, str]]


class TruthFolderError(JoinedupError, ValueError):
    """The truth folder is missing a file the evaluation needs."""


def adjusted_rand_index(truth: Sequence[Hashable], found: Sequence[Hashable]) -> float:
    """The adjusted Rand index of two labellings of the same items (1 = identical)."""
    if len(truth) != len(found):
        raise ValueError("the two labellings must label the same items")
    n = len(truth)
    if n < 2:
        return 1.0
    both = sum(comb(c, 2) for c in Counter(zip(truth, found, strict=True)).values())
    rows = sum(comb(c, 2) for c in Counter(truth).values())
    cols = sum(comb(c, 2) for c in Counter(found).values())
    expected = rows * cols / comb(n, 2)
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return (both - expected) / (maximum - expected)


def _rows(truth_dir: Path, name: str) -> list[dict[str, str]]:
    path = truth_dir / name
    if not path.is_file():
        raise TruthFolderError(f"{path} not found: --truth must be a simulator's truth/ folder")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class NetworkEvaluation:
    """Figures of one evaluation (see the module docstring)."""

    ari: float
    ari_identified: float
    true_groups: int
    true_members: int
    members_visible: int
    members_identified: int
    groups_found: int
    suspected_offenders: int
    suspected_not_members: int
    hotspot_hits_top10: int
    true_hotspots: int
    top10: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready figures."""
        out = asdict(self)
        out["ari"] = round(self.ari, 4)
        out["ari_identified"] = round(self.ari_identified, 4)
        return out


def _majority(votes: list[str]) -> str | None:
    if not votes:
        return None
    counts = Counter(votes)
    return max(sorted(counts), key=lambda v: counts[v])


def evaluate_network(
    net: Network,
    groups: Communities,
    hotspots: list[Hotspot],
    truth_dir: Path,
    keys: RecordKeys,
) -> NetworkEvaluation:
    """Score offender groups and hotspots against ``truth_dir``; ``keys`` maps record ids to
    (agency kind, file name, agency key) as ``joinedup.linkage.sources.record_keys`` gives."""
    true_person = {
        (r["agency"], r["file"], r["record_key"]): r["person_id"]
        for r in _rows(truth_dir, "records.csv")
    }
    persons = _rows(truth_dir, "persons.csv")
    true_group = {r["person_id"]: r["offender_group"] for r in persons if r["offender_group"]}
    # true person -> platform persons holding their records (with counts)
    holders: dict[str, Counter[str]] = defaultdict(Counter)
    platform_truth: dict[str, list[str]] = defaultdict(list)
    for record, platform in net.assembly.person_of_record.items():
        key = keys.get(record)
        truth = true_person.get(key) if key else None
        if truth is not None:
            holders[truth][platform] += 1
            platform_truth[platform].append(truth)
    visible = sorted(p for p in true_group if holders.get(p))
    offenders = net.classes.offenders
    truth_labels, found_labels, ident_truth, ident_found = [], [], [], []
    for member in visible:
        counts = holders[member]
        platform = max(sorted(counts), key=lambda p: (p in offenders, counts[p]))
        label = groups.membership.get(platform) or f"alone:{platform}"
        truth_labels.append(true_group[member])
        found_labels.append(label)
        if platform in offenders:
            ident_truth.append(true_group[member])
            ident_found.append(label)
    suspected_not_members = sum(
        1 for o in offenders if _majority(platform_truth.get(o, [])) not in true_group
    )
    hits, top10 = _hotspot_hits(hotspots[:10], truth_dir, keys, net)
    return NetworkEvaluation(
        ari=adjusted_rand_index(truth_labels, found_labels),
        ari_identified=adjusted_rand_index(ident_truth, ident_found),
        true_groups=len(set(true_group.values())),
        true_members=len(true_group),
        members_visible=len(visible),
        members_identified=len(ident_truth),
        groups_found=len(groups.groups()),
        suspected_offenders=len(offenders),
        suspected_not_members=suspected_not_members,
        hotspot_hits_top10=hits,
        true_hotspots=len(_rows(truth_dir, "hotspots.csv")),
        top10=top10,
    )


def _hotspot_hits(
    top: list[Hotspot], truth_dir: Path, keys: RecordKeys, net: Network
) -> tuple[int, list[dict[str, object]]]:
    hot = {r["location_id"] for r in _rows(truth_dir, "hotspots.csv")}
    location_of: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for r in _rows(truth_dir, "location_records.csv"):
        location_of[(r["agency"], r["file"], r["record_key"])].append(r["location_id"])
    hits = 0
    rows: list[dict[str, object]] = []
    for rank, spot in enumerate(top, start=1):
        place = net.assembly.places.get(spot.place_id)
        votes = [
            location
            for ref in (place.records if place else [])
            if (key := keys.get(ref.record_id)) is not None
            for location in location_of.get(key, [])
        ]
        location = _majority(votes)
        is_hot = location in hot
        hits += is_hot
        rows.append(
            {
                "rank": rank,
                "place": spot.label,
                "children": len(spot.children),
                "true_location": location,
                "true_hotspot": is_hot,
            }
        )
    return hits, rows
