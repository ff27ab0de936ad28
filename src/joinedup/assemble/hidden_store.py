"""The hidden number from the store, with linkage error carried into the estimate.

:func:`estimate_stored` assembles what the session may see, builds the agency lists and
estimates (:func:`joinedup.assemble.hidden.estimate_hidden`), with a multiple imputation of
the uncertain links:

The linkage leaves the pairs it could not decide (match probability between its two
thresholds) in the review queue, unlinked. Each imputation links every such pair between two
listed children with its match probability (independently, by a seeded generator), merges
the persons so joined (union of their lists), and gives the member lists one LCMCR chain
each; the pooled posterior then carries the linkage uncertainty. Pairs a reviewer decided
are not resampled (the decision stands). Links the linkage did make are taken as made: a
split of a wrongly merged person is not imputed (the review queue holds no such pairs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from joinedup.assemble.build import assemble
from joinedup.assemble.hidden import DEFAULT_LCMCR, NotEstimable, estimate_hidden
from joinedup.assemble.hidden_frailty import FRAILTY_REPLICATES
from joinedup.assemble.lists import ListMember, list_members
from joinedup.assemble.view import Assembly
from joinedup.common.errors import InputError
from joinedup.estimate.lcmcr import LcmcrSettings
from joinedup.model.linkage import MatchReview
from joinedup.store.actor_session import ActorSession


@dataclass(frozen=True)
class UncertainLink:
    """An undecided pair of listed persons and the match probability between them."""

    person_a: str
    person_b: str
    probability: float


def uncertain_links(
    session: ActorSession, person_of_record: Mapping[str, str], listed: Iterable[str]
) -> list[UncertainLink]:
    """Open review pairs joining two different listed persons (highest probability kept)."""
    wanted = set(listed)
    best: dict[tuple[str, str], float] = {}
    columns = ["record_a", "record_b", "match_probability"]
    for chunk in session.scan(MatchReview, columns, where={"status": "open"}):
        for _id, record_a, record_b, probability in chunk:
            a, b = person_of_record.get(record_a), person_of_record.get(record_b)
            if a is None or b is None or a == b or a not in wanted or b not in wanted:
                continue
            key = (a, b) if a < b else (b, a)
            best[key] = max(best.get(key, 0.0), float(probability))
    return [UncertainLink(a, b, p) for (a, b), p in sorted(best.items())]


def _merge(members: list[ListMember], joined: list[tuple[str, str]]) -> list[ListMember]:
    parent = {m.person_id: m.person_id for m in members}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in joined:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[ListMember]] = {}
    for m in members:
        groups.setdefault(root(m.person_id), []).append(m)
    return [
        replace(ms[0], lists=frozenset().union(*(m.lists for m in ms)))
        for _, ms in sorted(groups.items())
    ]


def impute_members(
    members: list[ListMember], links: list[UncertainLink], n: int = 10, seed: int = 1234
) -> list[list[ListMember]]:
    """``n`` imputations of the member lists, each uncertain link made with its probability."""
    if n < 1:
        raise InputError("the number of linkage imputations must be at least 1")
    rng = np.random.default_rng(seed)
    probs = np.array([link.probability for link in links])
    out = []
    for _ in range(n):
        made = rng.random(probs.size) < probs if links else np.zeros(0, dtype=bool)
        joined = [
            (link.person_a, link.person_b) for link, on in zip(links, made, strict=True) if on
        ]
        out.append(_merge(members, joined))
    return out


def members_and_imputations(
    session: ActorSession,
    assembly: Assembly,
    selection: str = "specific",
    imputations: int = 10,
    seed: int = 1234,
) -> tuple[list[ListMember], list[list[ListMember]] | None, int]:
    """The listed children, the imputed member lists (None without uncertain links or when
    ``imputations`` is 0) and the number of uncertain links among them."""
    members = list_members(assembly, selection)
    if imputations <= 0:
        return members, None, 0
    links = uncertain_links(session, assembly.person_of_record, (m.person_id for m in members))
    if not links:
        return members, None, 0
    return members, impute_members(members, links, imputations, seed), len(links)


@dataclass(frozen=True)
class StoredLists:
    """What an estimate reads from the store: the listed children, the imputed member lists
    and the number of uncertain links among them."""

    members: list[ListMember]
    imputed: list[list[ListMember]] | None
    uncertain_links: int


def read_lists(
    session: ActorSession, selection: str = "specific", imputations: int = 10, seed: int = 1234
) -> StoredLists:
    """The agency lists in what ``session`` may see (the reading part of an estimate)."""
    session.require("estimate.run")
    assembly = assemble(session, decrypt_text=False)
    return StoredLists(*members_and_imputations(session, assembly, selection, imputations, seed))


def estimate_lists(
    lists: StoredLists,
    options: dict[str, Any],
    *,
    stratify: str | None = None,
    suppress: bool = False,
    selection: str = "specific",
    latent_class: LcmcrSettings | None = DEFAULT_LCMCR,
    frailty_replicates: int = FRAILTY_REPLICATES,
) -> dict[str, Any]:
    """The estimate from lists already read (no session: the computing part, which may
    take minutes, holds no transaction open); ``frailty_replicates``: the gamma-frailty
    model's bootstrap (0 leaves it out)."""
    if not lists.members:
        raise NotEstimable("no victims or possible victims on any agency's list in scope")
    out = estimate_hidden(
        lists.members,
        options,
        stratify=stratify,
        suppress=suppress,
        selection=selection,
        linkage=lists.imputed,
        latent_class=latent_class,
        frailty_replicates=frailty_replicates,
    )
    out["linkage_imputation"] = {
        "imputations": len(lists.imputed) if lists.imputed else 0,
        "uncertain_links": lists.uncertain_links,
    }
    return out


def estimate_stored(
    session: ActorSession,
    options: dict[str, Any],
    *,
    stratify: str | None = None,
    suppress: bool = False,
    selection: str = "specific",
    imputations: int = 10,
    latent_class: LcmcrSettings | None = DEFAULT_LCMCR,
    frailty_replicates: int = FRAILTY_REPLICATES,
) -> dict[str, Any]:
    """The estimate from the agency lists in the store (what ``session`` may see);
    ``latent_class`` sets LCMCR's run (None leaves it out), ``frailty_replicates`` the
    gamma-frailty model's bootstrap."""
    lists = read_lists(session, selection, imputations, int(options.get("seed", 1234)))
    return estimate_lists(
        lists,
        options,
        stratify=stratify,
        suppress=suppress,
        selection=selection,
        latent_class=latent_class,
        frailty_replicates=frailty_replicates,
    )
