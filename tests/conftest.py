"""Shared helpers for the model tests: configs, a tiny hand-built network, models.

The helpers are plain functions exposed as session-scoped fixtures (so they can also be used
inside ``hypothesis`` tests):

* ``mexico_config(overrides=[])`` -- a validated config via :func:`sim.load_config`;
* ``tiny_network(...)`` -- a 10-actor :class:`~sim.networks.StakeholderNetwork` with explicit
  commitments, resources and ties, small enough to check every rule by hand;
* ``make_model(network=None, overrides=[])`` -- ``ContinuityModel(config, network=network)``
  (a prebuilt network skips building the Mexico network), with the rule parameters the hand
  computations use pinned by :data:`TINY_PARAMS`;
* ``idx(model, node_id)`` -- an actor's row in the model arrays.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pytest

import sim
from sim.config import Config
from sim.model import ContinuityModel
from sim.networks import StakeholderNetwork, build_nodes_frame, symmetric_adjacency

TINY_PARAMS = [
    *(
        f"params.commitment.susceptibility.{t}={v}"
        for t, v in {
            "administration": 0.1,
            "state": 0.3,
            "senate": 0.4,
            "coalition": 0.1,
            "dpa": 0.2,
            "company": 0.4,
            "organization": 0.4,
            "international": 0.0,
        }.items()
    ),
    "params.commitment.member_pull=0.05",
    "params.momentum.decay=0.04",
    "params.momentum.efficiency=1.0",
    "params.federal.base_budget=10",
    "params.federal.adjust_rate=0.15",
    "params.federal.learning_rate=0.03",
    "params.federal.state_transfer_share=0.1",
    "params.federal.coalition_grant_share=0.05",
    "params.turnover.inheritance=0.3",
    "params.turnover.branding_penalty=0.6",
    "params.turnover.embedded_share=0.2",
    "params.coalition.dues_share=0.1",
    "params.coalition.outreach_cost=2.0",
    "params.coalition.coordination_gain=1.5",
    "params.coalition.nonmember_engagement=0.1",
    "params.companies.base_investment=0.3",
    "params.companies.momentum_response=0.5",
    "params.companies.clarity_response=0.3",
    "params.companies.coalition_share=0.1",
    "params.companies.momentum_reference=200",
    "params.clarity.law=0.6",
    "params.clarity.per_guidance=0.2",
    "params.clarity.memory_months=24",
    "params.states.office_budget=0.5",
    "params.states.no_office_engagement=0.2",
    "params.senate.coalition_lobbying=0.5",
    "params.senate.base_support=1.0",
    "params.coalition.join_threshold=0.0",
    "params.coalition.intake=1000",  # no intake limit (tested on its own in test_rules.py)
    "params.federal.budget_adjust=1.0",
    "params.dpa.network_boost=0.5",
    "params.dpa.international_grant=0.2",
    "params.international.anchor_boost=0.05",
    "params.international.half_life_months=36",
    "params.international.coalition_grant=0.3",
    "params.law.priority_floor=0.3",
    "params.law.budget_floor=0.3",
    "params.law.embedded_share=0.5",
    "shocks.funding_cut.size=0.8",
]
"""Parameter values the hand computations of the rule tests use (pinned, so a recalibration of
``conf/`` does not change them); ``make_model`` applies them before its own overrides."""

SHORT = [
    "scenario.end=2020-12",
    "shocks.turnover.dates=[2018-12]",
    "shocks.elections.senate=[2018-07]",
]
"""Overrides that shorten the Mexico horizon to 2017-01..2020-12 (one turnover, 2018-12)."""

# (id, type, commitment, resources, sector)
TINY_NODES: tuple[tuple[str, str, float, float, str], ...] = (
    ("federal", "administration", 0.8, 10.0, ""),
    ("senate", "senate", 0.3, 1.0, ""),
    ("inai", "dpa", 0.6, 0.8, ""),
    ("state_a", "state", 0.2, 0.5, ""),
    ("state_b", "state", 0.4, 0.5, ""),
    ("ia2030mx", "coalition", 0.9, 1.0, ""),
    ("org_a", "organization", 0.9, 0.3, ""),
    ("org_b", "organization", 0.5, 0.2, ""),
    ("company_a", "company", 0.3, 0.4, "financial"),
    ("oecd", "international", 0.7, 0.05, ""),
)
"""The tiny network's actors: one of each kind, two states and two organisations."""

TINY_TIES: tuple[tuple[str, str, float], ...] = (
    ("federal", "senate", 0.5),
    ("federal", "inai", 0.3),
    ("federal", "state_a", 0.3),
    ("federal", "state_b", 0.3),
    ("state_a", "state_b", 0.4),
    ("senate", "ia2030mx", 0.3),
    ("ia2030mx", "org_a", 1.0),
    ("ia2030mx", "org_b", 0.5),
    ("org_a", "company_a", 0.3),
    ("org_b", "oecd", 0.2),
    ("inai", "oecd", 0.5),
)
"""The tiny network's ties (undirected, weighted). ``org_a`` is the coalition's founder."""


def tiny_network(
    commitment: Mapping[str, float] | None = None,
    resources: Mapping[str, float] | None = None,
    founders: Iterable[str] = ("org_a",),
    ties: Sequence[tuple[str, str, float]] | None = None,
    extra_nodes: Sequence[tuple[str, str, float, float, str]] = (),
    extra_ties: Sequence[tuple[str, str, float]] = (),
) -> StakeholderNetwork:
    """A hand-built network (:data:`TINY_NODES`, :data:`TINY_TIES`) with optional changes.

    Args:
        commitment: Initial commitment by node id (replaces the default).
        resources: Own resources by node id (replaces the default).
        founders: Node ids flagged ``founding_member``.
        ties: The full tie list (default :data:`TINY_TIES`).
        extra_nodes: Nodes appended after :data:`TINY_NODES`.
        extra_ties: Ties added to ``ties``.

    """
    rows = list(TINY_NODES) + list(extra_nodes)
    commitment = dict(commitment or {})
    resources = dict(resources or {})
    founders = set(founders)
    ids = [r[0] for r in rows]
    unknown = (set(commitment) | set(resources) | founders) - set(ids)
    assert not unknown, f"unknown node ids {unknown}"
    nodes = build_nodes_frame(
        {
            "id": ids,
            "type": [r[1] for r in rows],
            "name": [r[0].replace("_", " ").title() for r in rows],
            "sector": [r[4] for r in rows],
            "founding_member": [r[0] in founders for r in rows],
            "commitment": [commitment.get(r[0], r[2]) for r in rows],
            "resources": [resources.get(r[0], r[3]) for r in rows],
            "source": ["test"] * len(rows),
        }
    )
    pos = {node_id: i for i, node_id in enumerate(ids)}
    edges = list(TINY_TIES if ties is None else ties) + list(extra_ties)
    src = np.array([pos[a] for a, _, _ in edges], dtype=np.int64)
    dst = np.array([pos[b] for _, b, _ in edges], dtype=np.int64)
    weight = np.array([w for _, _, w in edges], dtype=float)
    return StakeholderNetwork(nodes, symmetric_adjacency(len(ids), src, dst, weight))


@functools.lru_cache(maxsize=64)
def _load(overrides: tuple[str, ...]) -> Config:
    return sim.load_config(list(overrides))


def mexico_config(overrides: Sequence[str] = ()) -> Config:
    """A validated config: ``conf/`` composed with Hydra-style ``overrides`` (a fresh copy)."""
    return copy.deepcopy(_load(tuple(overrides)))


def make_model(
    network: StakeholderNetwork | None = None, overrides: Sequence[str] = ()
) -> ContinuityModel:
    """``ContinuityModel(config, network=...)``; the tiny network unless one is given.

    The config is the Mexico one with :data:`TINY_PARAMS`, then ``overrides``.
    """
    net = tiny_network() if network is None else network
    return ContinuityModel(mexico_config([*TINY_PARAMS, *overrides]), network=net)


def idx(model_or_network, node_id: str) -> int:
    """Row of ``node_id`` in a model's arrays (or a network's node table)."""
    net = getattr(model_or_network, "network", model_or_network)
    return int(np.flatnonzero(net.nodes["id"].to_numpy() == node_id)[0])


@pytest.fixture(scope="session")
def short_overrides() -> list[str]:
    return list(SHORT)


@pytest.fixture(scope="session", name="mexico_config")
def mexico_config_fixture():
    return mexico_config


@pytest.fixture(scope="session", name="tiny_network")
def tiny_network_fixture():
    return tiny_network


@pytest.fixture(scope="session", name="idx")
def idx_fixture():
    return idx


@pytest.fixture(scope="session", name="make_model")
def make_model_fixture():
    return make_model
