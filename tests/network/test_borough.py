"""End to end on a simulated borough: ingest, link, assemble through the door, analyse,
evaluate against the truth, profile and export as a user.

Scale 0.15 (seed 0) gives four offender groups, two of them linked across towns by a shared
member and hotspot, and 23 true hotspots: small enough for the test run, big enough for the
adjusted Rand index and the hotspot hits to mean something. Figures at scale 1 are in
docs/networks.md.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

from joinedup.access import directory
from joinedup.access.bootstrap import initialise
from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.linkage.link import LinkConfig
from joinedup.linkage.persist import run_linkage
from joinedup.linkage.sources import record_keys
from joinedup.linkage.train import TrainingOptions
from joinedup.model.records import SourceRecord
from joinedup.network.analysis import analyse
from joinedup.network.communities import offender_groups
from joinedup.network.evaluate import NetworkEvaluation, evaluate_network
from joinedup.network.export import export_tables, write_graphml
from joinedup.network.graph import Network
from joinedup.network.hotspots import rank_places
from joinedup.network.profile import build_profile, coverage, write_profile
from joinedup.network.scope import Window
from joinedup.network.store import NoLinkage, agencies, load_network, refreshed
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.simulate import simulate
from joinedup.store.door import Door
from joinedup.store.engine import make_engine
from joinedup.store.hooks import FieldCrypto
from tests.conftest import installed_hooks

pytestmark = pytest.mark.slow
# smaller training samples than the defaults (5e6 / 2e6 pairs): the borough is small
FAST_LINKAGE = LinkConfig(training=TrainingOptions(u_max_pairs=5e5, em_max_pairs=3e5, seed=7))
POLICE = "Dunmere police (synthetic)"


@dataclass
class Borough:
    door: Door
    cipher: FieldCrypto
    truth: Path


@pytest.fixture(scope="module")
def borough(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Borough]:
    root = tmp_path_factory.mktemp("borough")
    simulate(root / "sim", seed=0, scale=0.15)
    engine = make_engine(f"sqlite:///{root / 'store.db'}")
    key = secrets.token_bytes(32)
    initialise(engine, key, root / "checkpoints", admin=("admin", None))
    hooks = installed_hooks()
    door = Door(engine, key, root / "checkpoints", hooks=hooks)
    cipher = door.field_crypto()
    run_jobs(door, SERVICE_ACCOUNT, "data_ingest", plan([root / "sim"], None, None, None))
    with door.session("admin", "administration") as s:
        directory.add_user(s, "police-analyst", POLICE, "analyst")
    yield Borough(door, cipher, root / "sim" / "truth")
    engine.dispose()


@pytest.fixture(scope="module")
def linked(borough: Borough) -> Borough:
    with borough.door.session(SERVICE_ACCOUNT, "analysis") as s, pytest.raises(NoLinkage):
        load_network(s, Window(), require_linkage=True)
    with borough.door.session(SERVICE_ACCOUNT, "linkage") as s:
        run_linkage(s, FAST_LINKAGE)
    return borough


@pytest.fixture(scope="module")
def everything(linked: Borough) -> tuple[Network, dict[str, tuple[str, str, str]]]:
    """The pipeline's network of the whole borough and the record keys."""
    with linked.door.session(SERVICE_ACCOUNT, "analysis") as s:
        net, used_linkage = load_network(s, Window(), require_linkage=True)
        keys = record_keys(s)
    assert used_linkage
    return net, keys


@pytest.fixture(scope="module")
def evaluation(
    linked: Borough, everything: tuple[Network, dict[str, tuple[str, str, str]]]
) -> NetworkEvaluation:
    net, keys = everything
    groups = offender_groups(net)
    return evaluate_network(net, groups, rank_places(net, groups), linked.truth, keys)


def test_offender_groups_are_recovered(evaluation: NetworkEvaluation) -> None:
    assert evaluation.true_groups == 4
    assert evaluation.members_visible >= 0.8 * evaluation.true_members
    assert evaluation.ari >= 0.8, evaluation.as_dict()
    assert evaluation.suspected_not_members <= 0.1 * evaluation.suspected_offenders


def test_hotspots_are_recovered(evaluation: NetworkEvaluation) -> None:
    assert evaluation.hotspot_hits_top10 >= 8, evaluation.top10


def test_an_analyst_sees_only_what_their_access_allows(
    linked: Borough, everything: tuple[Network, dict[str, tuple[str, str, str]]]
) -> None:
    with linked.door.session("police-analyst", "analysis") as s:
        police, _ = load_network(s, Window())
        names = agencies(s)
    police_id = next(a for a, (name, _kind) in names.items() if name == POLICE)
    assert police.events and {e.source.agency_id for e in police.events} == {police_id}
    full = everything[0]
    assert len(police.events) < len(full.events)
    assert len(police.classes.children) < len(full.classes.children)


def test_profile_and_export_as_an_analyst(linked: Borough, tmp_path: Path) -> None:
    with linked.door.session("police-analyst", "analysis") as s:
        net, _ = load_network(s, Window(area="Dunmere"))
        inputs = (agencies(s), refreshed(s))
        result = analyse(net)
        tables = export_tables(
            net,
            net.cse_entities(),
            result.groups,
            disclosable=lambda ids: s.disclosable(SourceRecord, ids),
        )
        s.disclose(SourceRecord, tables.records, "test recipient")
    _, markdown = write_profile(
        build_profile(result, coverage(result, *inputs)), tmp_path / "p.html"
    )
    text = markdown.read_text()
    assert "Dunmere police (synthetic)" in text and "Dunmere health" not in text
    assert "Area: Dunmere" in text
    write_graphml(tables, tmp_path / "n.graphml")
    graph = nx.read_graphml(tmp_path / "n.graphml")
    assert graph.number_of_nodes() == len(tables.nodes) > 0
    assert {d["category"] for _, d in graph.nodes(data=True)} >= {"offender", "child_at_risk"}
    exported = sorted(tables.records)[0]
    with linked.door.session("admin", "administration") as s:
        directory.add_user(s, "dpo", POLICE, "auditor")
    with linked.door.session("dpo", "audit") as s:
        trail = s.audit_trail(exported)
    disclosures = [e for e in trail if e.operation == "disclosure"]
    assert [(e.recipient, e.actor_name) for e in disclosures] == [
        ("test recipient", "police-analyst")
    ]
