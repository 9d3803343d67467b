"""Stakeholder networks: the default Mexico network, synthetic networks and user files.

A :class:`StakeholderNetwork` is a node table (one row per actor, row order = the model's agent
index) plus a symmetric sparse adjacency matrix whose weights are the strength of the working
relationship between two actors, in (0, 1] for the Mexico data (1 = leads or chairs the other's
work, 0.3 = a standing institutional relation; see ``sim/data/mexico/README.md``).

Three constructors, importable from here:

* :func:`mexico_network` -- the named actors and ties of the seeds (``sim/data/mexico/``) plus
  generated companies and organisations drawn with the caller's random generator (implemented
  in :mod:`sim.case_network`);
* :func:`synthetic_network` -- a G(n, m) random network with the same actor types, built with
  numpy only so that it scales to millions of agents (implemented in
  :mod:`sim.synthetic_network`);
* :func:`load_network` -- a user's GraphML file or CSV node and edge lists (implemented in
  :mod:`sim.network_files`).

This module holds what they share: the actor types, the node columns, the default tables,
:class:`StakeholderNetwork` and the node-table and adjacency helpers. The three implementing
modules import from here, so the constructors here import them lazily (no import cycle).

Every function that draws randomness takes a ``numpy.random.Generator``; the same seed gives the
same network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from sim.config import ACTOR_KEYS
from sim.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from sim.node_facts import NodeFacts

ACTOR_TYPES: tuple[str, ...] = ACTOR_KEYS

NODE_COLUMNS: tuple[str, ...] = (
    "id",
    "type",
    "name",
    "sector",
    "founding_member",
    "commitment",
    "resources",
    "source",
)

# Initial commitment ~ Beta(a, b) by type (modelling assumptions, documented in synthetic_network).
COMMITMENT_BETA: dict[str, tuple[float, float]] = {
    "administration": (8.0, 2.0),  # mean 0.80: the government that launches a strategy (seed 002)
    "state": (2.0, 6.0),  # mean 0.25: only one state is named as active (seeds 000/002)
    "senate": (3.0, 5.0),  # mean 0.375: "some Senatorial committees expressed interest" (seed 000)
    "coalition": (8.0, 2.0),  # mean 0.80: exists to promote the agenda (seed 002)
    "dpa": (5.0, 3.0),  # mean 0.625: INAI kept working on AI after the cut (seed 000)
    "company": (2.0, 6.0),  # mean 0.25
    "organization": (3.0, 4.0),  # mean 0.43: academia and civil society, the recruits
    "international": (6.0, 3.0),  # mean 0.67: OECD, GPAI, ... act as anchors (seed 000)
}
DEFAULT_COMMITMENT: dict[str, float] = {t: a / (a + b) for t, (a, b) in COMMITMENT_BETA.items()}

# Own monthly resources for AI-strategy work ("effort units"); companies, organisations and
# international actors are drawn in RESOURCE_RANGE by the generators, these are the fixed defaults.
DEFAULT_RESOURCES: dict[str, float] = {
    "administration": 10.0,
    "state": 0.5,
    "senate": 1.0,
    "coalition": 1.0,
    "dpa": 0.8,
    "company": 0.2,
    "organization": 0.15,
    "international": 0.05,
}
RESOURCE_RANGE: dict[str, tuple[float, float]] = {
    "company": (0.05, 0.5),
    "organization": (0.05, 0.3),
    "international": (0.0, 0.1),
}

# Automatable jobs by sub-sector, seed 002 Table 1 (from "Towards an Artificial Intelligence
# Strategy in Mexico: Harnessing the AI Revolution", Oxford Insights and C Minds, 2018).
AUTOMATABLE_JOBS_BY_SECTOR: dict[str, int] = {
    "manufacturing": 2_809_944,
    "construction": 1_750_676,
    "wholesale_retail": 1_653_335,
    "agriculture": 942_705,
    "accommodation_food": 725_092,
    "education": 51_401,
    "financial": 47_047,
    "arts_entertainment": 42_769,
    "information_communication": 32_382,
    "management_self_employed": 29_448,
}


@dataclass(eq=False)
class StakeholderNetwork:
    """Actors and their weighted, undirected ties.

    Attributes:
        nodes: One row per actor with the columns of :data:`NODE_COLUMNS`; the row order is the
            model's agent index 0..n-1 (default RangeIndex).
        adjacency: ``n x n`` float64 CSR matrix, symmetric, non-negative, zero diagonal, no
            explicitly stored zeros. ``adjacency[i, j]`` is the strength of the tie.
        facts: The node table's ids and types as the model reads them, when the builder
            remembers them (:mod:`sim.node_facts`; used only by a model that built the network
            itself, so a table changed afterwards is read afresh).

    """

    nodes: pd.DataFrame
    adjacency: sparse.csr_matrix
    facts: NodeFacts | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if tuple(self.nodes.columns) != NODE_COLUMNS:
            raise ValueError(
                f"nodes columns must be {NODE_COLUMNS}, got {tuple(self.nodes.columns)}"
            )
        if self.adjacency.shape != (len(self.nodes), len(self.nodes)):
            raise ValueError(f"adjacency shape {self.adjacency.shape} != ({self.n}, {self.n})")

    @property
    def n(self) -> int:
        """Number of actors."""
        return len(self.nodes)

    def to_networkx(self) -> nx.Graph:
        """Return the network as a networkx graph.

        Returns:
            An undirected graph whose nodes are the ``id`` strings, with every column of
            ``nodes`` as node attributes (Python scalars, GraphML-writable), and edge attribute
            ``weight``.

        """
        graph = nx.Graph()
        graph.add_nodes_from((row["id"], row) for row in self.nodes.to_dict("records"))
        upper = sparse.triu(self.adjacency, k=1).tocoo()
        ids = self.nodes["id"].to_numpy(dtype=object)
        graph.add_weighted_edges_from(
            zip(ids[upper.row].tolist(), ids[upper.col].tolist(), upper.data.tolist(), strict=True)
        )
        return graph


def build_nodes_frame(columns: Mapping[str, Sequence | np.ndarray]) -> pd.DataFrame:
    """Assemble the node table with the exact columns, order and dtypes.

    Args:
        columns: A sequence or array for every name in :data:`NODE_COLUMNS`.

    Returns:
        The node table with a default RangeIndex.

    """
    dtypes = {"founding_member": bool, "commitment": np.float64, "resources": np.float64}
    data = {}
    for col in NODE_COLUMNS:
        values = columns[col]
        if col in dtypes:
            data[col] = pd.Series(np.asarray(values, dtype=dtypes[col]), copy=False)
        else:
            data[col] = pd.Series(np.asarray(values, dtype=object), dtype=str)
    return pd.DataFrame(data)


def symmetric_adjacency(
    n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray
) -> sparse.csr_matrix:
    """Build the symmetric adjacency from an undirected edge list.

    Self-loops and zero weights are dropped; an edge listed several times (in either direction)
    keeps its largest weight.

    Args:
        n: Number of nodes.
        src: Source indices.
        dst: Target indices.
        weight: Non-negative weights.

    Returns:
        The ``n x n`` float64 CSR matrix.

    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    weight = np.asarray(weight, dtype=np.float64)
    keep = (src != dst) & (weight > 0)
    lo, hi, weight = np.minimum(src, dst)[keep], np.maximum(src, dst)[keep], weight[keep]
    key = lo * n + hi
    order = np.argsort(key, kind="stable")
    key, weight = key[order], weight[order]
    if key.size:
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        weight = np.maximum.reduceat(weight, starts)
        key = key[starts]
    return _csr_from_keys(n, key, weight)


def _csr_from_keys(n: int, keys: np.ndarray, weight: np.ndarray | None = None) -> sparse.csr_matrix:
    """Symmetric CSR matrix from sorted unique pair keys ``lo * n + hi`` with ``lo < hi``.

    The upper triangle is already in CSR order, so it is built directly and added to its
    transpose; ``weight`` None means 1.0 for every pair.
    """
    lo, hi = keys // n, keys % n
    index_dtype = np.int32 if n < 2**31 - 1 and 2 * keys.size < 2**31 - 1 else np.int64
    data = np.ones(keys.size) if weight is None else np.asarray(weight, dtype=np.float64)
    if index_dtype is np.int32 and np.all(data != 0):
        return _symmetric_csr(n, lo, hi, data)
    indptr = np.zeros(n + 1, dtype=index_dtype)
    np.cumsum(np.bincount(lo, minlength=n), out=indptr[1:])
    upper = sparse.csr_matrix((data, hi.astype(index_dtype), indptr), shape=(n, n))
    matrix = (upper + upper.T).tocsr()
    matrix.eliminate_zeros()
    return matrix


def _symmetric_csr(n: int, lo: np.ndarray, hi: np.ndarray, data: np.ndarray) -> sparse.csr_matrix:
    """``upper + upper.T`` of the upper triangle ``(lo, hi, data)`` as scipy builds it, directly.

    Each pair is stored twice, ``(lo, hi)`` and ``(hi, lo)``, with its weight (scipy adds 0 to
    the weight, exact); rows in order, columns sorted within a row (scipy's canonical CSR, int32
    indices): the same arrays as the sum and its conversion, without the sparse machinery
    (``tests/test_setup_equivalence.py`` checks the two agree). Nonzero weights only.
    """
    rows = np.concatenate([lo, hi])
    cols = np.concatenate([hi, lo])
    order = np.argsort(rows * n + cols, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    matrix = sparse.csr_matrix(
        (np.concatenate([data, data])[order], cols[order].astype(np.int32), indptr),
        shape=(n, n),
        copy=False,
    )
    return matrix


def _largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    """Split ``total`` into integer counts proportional to ``shares`` (Hamilton's method)."""
    quotas = total * shares / shares.sum()
    counts = np.floor(quotas).astype(np.int64)
    short = total - int(counts.sum())
    if short > 0:
        counts[np.argsort(-(quotas - counts), kind="stable")[:short]] += 1
    return counts


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ConfigError(f"{name}: {value!r} is not allowed (allowed: an integer >= {minimum})")
    return int(value)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted unique values (sort-based: numpy 2.3+'s hashing np.unique is slower here)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if values.size else values


def synthetic_network(
    rng: np.random.Generator,
    n_agents: int,
    mean_degree: float,
    mix: Mapping[str, float],
    n_states: int = 32,
    n_coalitions: int = 1,
) -> StakeholderNetwork:
    """Generate a random stakeholder network of ``n_agents`` actors in total.

    See :func:`sim.synthetic_network.synthetic_network` for the arguments, the node order, the
    ties and the drawn attributes.
    """
    from sim import synthetic_network as impl  # imported here: it imports this module

    return impl.synthetic_network(rng, n_agents, mean_degree, mix, n_states, n_coalitions)


def load_network(
    nodes_path: str | Path, edges_path: str | Path | None = None
) -> StakeholderNetwork:
    """Load a user's network: a GraphML file, or a CSV node list plus an optional CSV edge list.

    See :func:`sim.network_files.load_network` for the formats, defaults and checks.

    Args:
        nodes_path: A ``.graphml`` file, or a CSV node list with at least ``id,type``.
        edges_path: A CSV edge list ``source,target[,weight]`` (CSV node lists only).

    Returns:
        The validated network.

    Raises:
        NetworkFileError: Every problem found, one line each, naming file, line or node.

    """
    from sim import network_files  # imported here: network_files imports this module

    return network_files.load_network(nodes_path, edges_path)


def mexico_network(
    rng: np.random.Generator, organizations_pool: int = 240, companies: int = 60
) -> StakeholderNetwork:
    """Build the default Mexico stakeholder network.

    See :func:`sim.case_network.mexico_network` for the data, the generated actors and ties
    and the checks.
    """
    from sim import case_network as impl  # imported here: it imports this module

    return impl.mexico_network(rng, organizations_pool, companies)


def case_network(
    rng: np.random.Generator,
    case: str,
    hubs: Sequence[str],
    organizations_pool: int = 240,
    companies: int = 60,
) -> StakeholderNetwork:
    """Build the network of case ``case``: its ``actors.csv`` and ``ties.csv`` plus a pool.

    See :func:`sim.case_network.case_network` for the generated actors and ties and the checks.
    """
    from sim import case_network as impl  # imported here: it imports this module
    from sim.cases import data_folder

    folder = data_folder(case)
    return impl.case_network(
        rng, folder / "actors.csv", folder / "ties.csv", hubs, organizations_pool, companies
    )
