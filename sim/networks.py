"""Stakeholder networks: the default Mexico network, synthetic networks and user files.

A :class:`StakeholderNetwork` is a node table (one row per actor, row order = the model's agent
index) plus a symmetric sparse adjacency matrix whose weights are the strength of the working
relationship between two actors, in (0, 1] for the Mexico data (1 = leads or chairs the other's
work, 0.3 = a standing institutional relation; see ``sim/data/mexico/README.md``).

Three constructors:

* :func:`mexico_network` -- the named actors and ties of the seeds (``sim/data/mexico/``) plus
  generated companies and organisations drawn with the caller's random generator;
* :func:`synthetic_network` -- a G(n, m) random network with the same actor types, built with
  numpy only so that it scales to millions of agents;
* :func:`load_network` -- a user's GraphML file or CSV node and edge lists (implemented in
  :mod:`sim.network_files`).

Every function that draws randomness takes a ``numpy.random.Generator``; the same seed gives the
same network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from sim.errors import ConfigError, NetworkFileError

ACTOR_TYPES: tuple[str, ...] = (
    "administration",
    "state",
    "senate",
    "coalition",
    "dpa",
    "company",
    "organization",
    "international",
)

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
# Company commitment ~ Beta by sector (assumption): the five high-automation traditional sectors
# low (mean 0.2), ICT and finance high (mean 0.5), the other three in between (mean 0.3).
SECTOR_COMMITMENT_BETA: dict[str, tuple[float, float]] = {
    **dict.fromkeys(
        ["manufacturing", "construction", "wholesale_retail", "agriculture", "accommodation_food"],
        (2.0, 8.0),
    ),
    **dict.fromkeys(["education", "arts_entertainment", "management_self_employed"], (3.0, 7.0)),
    **dict.fromkeys(["information_communication", "financial"], (5.0, 5.0)),
}

MIX_KEYS: tuple[str, ...] = ("company", "organization", "international")
MEXICO_DATA = "data/mexico"
MEXICO_HUBS: tuple[str, ...] = ("cminds", "unam", "canieti", "ia2030mx")


@dataclass(eq=False)
class StakeholderNetwork:
    """Actors and their weighted, undirected ties.

    Attributes:
        nodes: One row per actor with the columns of :data:`NODE_COLUMNS`; the row order is the
            model's agent index 0..n-1 (default RangeIndex).
        adjacency: ``n x n`` float64 CSR matrix, symmetric, non-negative, zero diagonal, no
            explicitly stored zeros. ``adjacency[i, j]`` is the strength of the tie.

    """

    nodes: pd.DataFrame
    adjacency: sparse.csr_matrix

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
    indptr = np.zeros(n + 1, dtype=index_dtype)
    np.cumsum(np.bincount(lo, minlength=n), out=indptr[1:])
    data = np.ones(keys.size) if weight is None else np.asarray(weight, dtype=np.float64)
    upper = sparse.csr_matrix((data, hi.astype(index_dtype), indptr), shape=(n, n))
    matrix = (upper + upper.T).tocsr()
    matrix.eliminate_zeros()
    return matrix


def _largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    """Split ``total`` into integer counts proportional to ``shares`` (Hamilton's method)."""
    quotas = total * shares / shares.sum()
    counts = np.floor(quotas).astype(np.int64)
    short = total - int(counts.sum())
    if short > 0:
        counts[np.argsort(-(quotas - counts), kind="stable")[:short]] += 1
    return counts


def _check_mix(mix: Mapping[str, float]) -> np.ndarray:
    """Validate ``network.mix`` and return the shares in :data:`MIX_KEYS` order."""
    if not isinstance(mix, Mapping):
        raise ConfigError(f"network.mix: expected a mapping of {', '.join(MIX_KEYS)} to shares")
    problems = []
    unknown = [k for k in mix if k not in MIX_KEYS]
    if unknown:
        problems.append(
            f"network.mix: unknown key(s) {', '.join(map(str, unknown))} "
            f"(allowed: {', '.join(MIX_KEYS)})"
        )
    shares = np.zeros(len(MIX_KEYS))
    for i, key in enumerate(MIX_KEYS):
        value = mix.get(key, 0.0)
        try:
            shares[i] = float(value)
        except (TypeError, ValueError):
            problems.append(f"network.mix.{key}: {value!r} is not a number (allowed: a share >= 0)")
            continue
        if not np.isfinite(shares[i]) or shares[i] < 0:
            problems.append(f"network.mix.{key}: {value!r} is not allowed (allowed: a share >= 0)")
    if not problems and abs(shares.sum() - 1.0) > 1e-6:
        problems.append(
            f"network.mix: shares sum to {shares.sum():g} (allowed: shares of "
            f"{', '.join(MIX_KEYS)} that sum to 1)"
        )
    if problems:
        raise ConfigError(problems)
    return shares


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ConfigError(f"{name}: {value!r} is not allowed (allowed: an integer >= {minimum})")
    return int(value)


def _draw_resources(rng: np.random.Generator, types: np.ndarray) -> np.ndarray:
    """Resources by type: fixed defaults, uniform in RESOURCE_RANGE for generated types."""
    resources_ = np.array([DEFAULT_RESOURCES[t] for t in ACTOR_TYPES])[types]
    for type_name, (low, high) in RESOURCE_RANGE.items():
        mask = types == ACTOR_TYPES.index(type_name)
        resources_[mask] = rng.uniform(low, high, int(mask.sum()))
    return resources_


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted unique values (sort-based: numpy 2.3+'s hashing np.unique is slower here)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if values.size else values


def _draw_pairs(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    """Draw ``m`` distinct unordered pairs uniformly (G(n, m)): sorted keys ``lo * n + hi``."""
    max_pairs = n * (n - 1) // 2
    m = min(m, max_pairs)
    if m == 0:
        return np.zeros(0, np.int64)
    if m > max_pairs // 4:  # dense: sample pair indices without replacement
        lo, hi = np.triu_indices(n, k=1)
        chosen = np.sort(rng.choice(max_pairs, size=m, replace=False))
        return lo[chosen].astype(np.int64) * n + hi[chosen]
    keys = np.zeros(0, np.int64)  # sorted unique pair keys lo * n + hi
    draw = m
    while keys.size < m:  # sparse: draw random pairs, drop self-loops and repeats, top up
        i = rng.integers(0, n, draw)
        j = rng.integers(0, n, draw)
        ok = i != j
        new = np.minimum(i, j)[ok] * n + np.maximum(i, j)[ok]
        if keys.size == 0:
            keys = _sorted_unique(new)[:m]  # a random subset of the draws: order does not matter
        else:  # keep the first new pairs in draw order, so the top-up stays uniform
            pos = np.searchsorted(keys, new).clip(max=keys.size - 1)
            new = new[keys[pos] != new]
            _, first = np.unique(new, return_index=True)
            keys = _sorted_unique(np.concatenate([keys, new[np.sort(first)][: m - keys.size]]))
        draw = int((m - keys.size) * 1.1) + 16
    return keys


def synthetic_network(
    rng: np.random.Generator,
    n_agents: int,
    mean_degree: float,
    mix: Mapping[str, float],
    n_states: int = 32,
    n_coalitions: int = 1,
) -> StakeholderNetwork:
    """Generate a random stakeholder network of ``n_agents`` actors in total.

    Node order: one ``administration`` (index 0, id ``federal``), one ``senate``, one ``dpa``,
    ``n_states`` states, ``n_coalitions`` coalitions, then the remaining actors split among
    ``company``, ``organization`` and ``international`` by ``mix`` (largest-remainder rounding),
    in that order. Companies get a sector drawn in proportion to the automatable jobs of seed 002
    Table 1 (:data:`AUTOMATABLE_JOBS_BY_SECTOR`).

    Ties: G(n, m) with ``m = round(n_agents * mean_degree / 2)`` distinct pairs drawn uniformly
    (self-loops and repeats are redrawn), weight 1.0; plus each coalition tied (weight 1.0) to 10
    founding members drawn among companies and organisations (``founding_member=True``, distinct
    across coalitions while enough candidates exist). No networkx graph is built, so one million
    agents take a few seconds.

    Initial commitment ~ Beta(a, b) by type (:data:`COMMITMENT_BETA`): administration and
    coalition Beta(8, 2) (mean 0.8: the launching government and the coalition exist to push the
    strategy, seed 002); DPA Beta(5, 3) (0.625: the DPA kept working on AI, seed 000);
    international Beta(6, 3) (0.67: anchors such as the OECD); organisation Beta(3, 4) (0.43);
    senate Beta(3, 5) (0.375: "some Senatorial committees", seed 000); state and company
    Beta(2, 6) (0.25). These are modelling assumptions, not measurements. Resources: fixed by
    type (:data:`DEFAULT_RESOURCES`: administration 10, state 0.5, senate 1, coalition 1,
    DPA 0.8), uniform in :data:`RESOURCE_RANGE` for companies (0.05-0.5), organisations
    (0.05-0.3) and international actors (0-0.1).

    Args:
        rng: The random generator (the model's); the only source of randomness.
        n_agents: Total number of actors, at least ``3 + n_states + n_coalitions``.
        mean_degree: Target mean degree of the random ties, ``0 <= mean_degree <= n_agents - 1``.
        mix: Shares of the remaining actors by type, keys among ``company``, ``organization``,
            ``international`` (missing keys count as 0), each >= 0, summing to 1.
        n_states: Number of ``state`` actors.
        n_coalitions: Number of ``coalition`` actors.

    Returns:
        The network.

    Raises:
        ConfigError: A parameter is out of range or ``mix`` is invalid (names ``network.<key>``).

    """
    shares = _check_mix(mix)
    n_states = _check_int("network.n_states", n_states, 0)
    n_coalitions = _check_int("network.n_coalitions", n_coalitions, 0)
    fixed = 3 + n_states + n_coalitions
    n = _check_int("network.n_agents", n_agents, fixed)
    try:
        degree = float(mean_degree)
    except (TypeError, ValueError):
        degree = float("nan")
    if not 0 <= degree <= max(n - 1, 0):
        raise ConfigError(
            f"network.mean_degree: {mean_degree!r} is not allowed (allowed: 0 to n_agents - 1 "
            f"= {n - 1})"
        )

    kinds = ("administration", "senate", "dpa", "state", "coalition", *MIX_KEYS)
    sizes = [1, 1, 1, n_states, n_coalitions, *_largest_remainder(n - fixed, shares)]
    type_codes = np.repeat([ACTOR_TYPES.index(t) for t in kinds], sizes)
    type_names = np.asarray(ACTOR_TYPES, dtype=object)[type_codes]

    width = max(6, len(str(n - 1)))
    ids = np.array([f"n{i:0{width}d}" for i in range(n)], dtype=object)
    named = ["federal", "senate", "dpa"]
    named += [f"state_{k + 1:02d}" for k in range(n_states)]
    named += [f"coalition_{k + 1:02d}" for k in range(n_coalitions)]
    ids[:fixed] = named
    names = ids.copy()
    names[:fixed] = ["Federal administration", "Senate", "Data protection authority"] + [
        f"{kind.capitalize()} {k + 1}"
        for kind, m in (("state", n_states), ("coalition", n_coalitions))
        for k in range(m)
    ]

    a, b = np.array([COMMITMENT_BETA[t] for t in ACTOR_TYPES]).T
    commitment = rng.beta(a[type_codes], b[type_codes])
    resources_ = _draw_resources(rng, type_codes)
    sector = np.full(n, "", dtype=object)
    is_company = type_codes == ACTOR_TYPES.index("company")
    sectors = np.array(list(AUTOMATABLE_JOBS_BY_SECTOR), dtype=object)
    jobs = np.array(list(AUTOMATABLE_JOBS_BY_SECTOR.values()), dtype=np.float64)
    sector[is_company] = sectors[
        rng.choice(len(sectors), int(is_company.sum()), p=jobs / jobs.sum())
    ]

    keys = _draw_pairs(rng, n, int(round(n * degree / 2)))

    founding = np.zeros(n, dtype=bool)
    candidates = np.flatnonzero(is_company | (type_codes == ACTOR_TYPES.index("organization")))
    n_founders = min(10, candidates.size)
    distinct = candidates.size >= n_founders * n_coalitions
    pool = rng.choice(candidates, n_founders * n_coalitions, replace=False) if distinct else None
    founder_keys = []
    for k, coalition in enumerate(range(3 + n_states, fixed)):
        if distinct:
            members = pool[n_founders * k : n_founders * (k + 1)]
        else:  # too few candidates: founders are shared between coalitions
            members = rng.choice(candidates, n_founders, replace=False)
        founding[members] = True
        founder_keys.append(np.minimum(members, coalition) * n + np.maximum(members, coalition))
    if founder_keys:  # a founder tie may repeat a random tie: merge as a set, weight 1
        keys = _sorted_unique(np.concatenate([keys, *founder_keys]))
    adjacency = _csr_from_keys(n, keys)

    nodes = build_nodes_frame(
        {
            "id": ids,
            "type": type_names,
            "name": names,
            "sector": sector,
            "founding_member": founding,
            "commitment": commitment,
            "resources": resources_,
            "source": np.full(n, "synthetic", dtype=object),
        }
    )
    return StakeholderNetwork(nodes, adjacency)


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


def _mexico_file(name: str) -> Path:
    return Path(str(resources.files("sim").joinpath(f"{MEXICO_DATA}/{name}")))


def _check_mexico_ties(path: Path) -> None:
    """Mexico-specific checks on top of the loader's: weights in (0, 1] and a citation each."""
    ties = pd.read_csv(path, dtype=str, keep_default_na=False)
    problems = []
    for line, row in enumerate(ties.itertuples(index=False), start=2):
        weight = pd.to_numeric(row.weight, errors="coerce")
        if not 0 < weight <= 1:
            problems.append(f"{path}: line {line}: weight {row.weight!r} (allowed: (0, 1])")
        if not row.citation.strip():
            problems.append(f"{path}: line {line}: empty citation (every tie needs one)")
    if problems:
        raise NetworkFileError(problems)


def _company_block(rng: np.random.Generator, companies: int) -> dict[str, np.ndarray]:
    """Draw the companies by sector: 1 per sector plus the rest by seed 002 Table 1."""
    sectors = list(AUTOMATABLE_JOBS_BY_SECTOR)
    jobs = np.array(list(AUTOMATABLE_JOBS_BY_SECTOR.values()), dtype=np.float64)
    per_sector = 1 + _largest_remainder(companies - len(sectors), jobs)
    sector = np.repeat(np.array(sectors, dtype=object), per_sector)
    a, b = np.array([SECTOR_COMMITMENT_BETA[s] for s in sectors]).T
    code = np.repeat(np.arange(len(sectors)), per_sector)
    commitment = rng.beta(a[code], b[code])
    # Resources grow with the sector's size (sqrt of its share of automatable jobs), jittered.
    base = 0.05 + 0.45 * np.sqrt(jobs / jobs.max())
    resources_ = np.clip(base[code] * rng.lognormal(0.0, 0.25, companies), 0.05, 0.5)
    return {"sector": sector, "commitment": commitment, "resources": resources_}


def mexico_network(
    rng: np.random.Generator, organizations_pool: int = 240, companies: int = 60
) -> StakeholderNetwork:
    """Build the default Mexico stakeholder network.

    The named actors and ties come from ``sim/data/mexico/actors.csv`` and ``ties.csv`` (each row
    cites seed 000, seed 002 or a named public source; validated like :func:`load_network`).
    Then, with ``rng``:

    * ``companies`` companies over the 10 sectors of seed 002 Table 1, one per sector plus the
      rest in proportion to automatable jobs (largest remainder), so manufacturing is largest.
      Commitment ~ Beta(2, 8) in the five high-automation traditional sectors, Beta(3, 7) in
      education, arts and management, Beta(5, 5) in ICT and finance (assumption: the sectors that
      build or buy AI care most); resources ``0.05 + 0.45 * sqrt(jobs / max jobs)`` jittered
      (lognormal, sigma 0.25), clipped to [0.05, 0.5].
    * ``organizations_pool`` organisations (universities, civil society, startups): the
      population the coalition recruits from -- it grew from 10 to more than 110 members
      (seed 002) and its 2020 agenda involved 400+ actors (seed 000). Commitment ~ Beta(3, 4),
      resources uniform in [0.05, 0.3].
    * Ties: each generated actor ties to 2-4 other generated actors (70 % of them of its own
      type: homophily), weight U(0.1, 0.5); with probability 0.3 also to one hub (C Minds, UNAM,
      CANIETI, IA2030Mx or a random state), weight U(0.2, 0.6). Each state ties to ``federal``
      (0.3) and to 2-3 random other states, U(0.2, 0.5). Any component left apart from
      ``federal`` is joined to a random hub with weight 0.2, so the graph is connected.
      Repeated ties keep their largest weight (a named tie is never weakened).

    Args:
        rng: The random generator; the only source of randomness.
        organizations_pool: Number of generated organisations (>= 0).
        companies: Number of generated companies (>= 10: one per sector at least).

    Returns:
        The network: named actors first (``federal`` is index 0), then companies, then
        organisations.

    Raises:
        ConfigError: ``network.organizations_pool`` or ``network.companies`` out of range.
        NetworkFileError: The packaged data files are malformed.

    """
    organizations_pool = _check_int("network.organizations_pool", organizations_pool, 0)
    companies = _check_int("network.companies", companies, len(AUTOMATABLE_JOBS_BY_SECTOR))
    actors_path, ties_path = _mexico_file("actors.csv"), _mexico_file("ties.csv")
    named = load_network(actors_path, ties_path)
    _check_mexico_ties(ties_path)
    generated = _mexico_generated_nodes(rng, companies, organizations_pool)
    nodes = build_nodes_frame(
        {c: np.concatenate([named.nodes[c].to_numpy(object), generated[c]]) for c in NODE_COLUMNS}
    )
    index = {node_id: i for i, node_id in enumerate(named.nodes["id"])}
    upper = sparse.triu(named.adjacency, k=1).tocoo()
    ties = [(upper.row, upper.col, upper.data)]
    ties += _mexico_generated_ties(
        rng,
        states=np.flatnonzero(nodes["type"].to_numpy() == "state"),
        federal=index["federal"],
        hubs=np.array([index[h] for h in MEXICO_HUBS]),
        companies=np.arange(named.n, named.n + companies),
        organizations=np.arange(named.n + companies, len(nodes)),
    )
    adjacency = _adjacency_from_ties(len(nodes), ties)
    n_comp, labels = connected_components(adjacency, directed=False)
    if n_comp > 1:  # join every component apart from federal's to a random hub
        loose = [c for c in range(n_comp) if c != labels[index["federal"]]]
        members = np.array([rng.choice(np.flatnonzero(labels == c)) for c in loose])
        hubs = np.array([index[h] for h in MEXICO_HUBS])[rng.integers(0, 4, len(loose))]
        ties.append((members, hubs, np.full(len(loose), 0.2)))
        adjacency = _adjacency_from_ties(len(nodes), ties)
    return StakeholderNetwork(nodes, adjacency)


def _adjacency_from_ties(n: int, ties: list[tuple]) -> sparse.csr_matrix:
    src, dst, weight = (np.concatenate([np.asarray(t[i]) for t in ties]) for i in range(3))
    return symmetric_adjacency(n, src, dst, weight)


def _mexico_generated_nodes(
    rng: np.random.Generator, companies: int, organizations: int
) -> dict[str, np.ndarray]:
    """Columns of the generated companies (by sector) and organisations (recruitment pool)."""
    block = _company_block(rng, companies)
    width = max(3, len(str(max(companies, organizations))))
    company_source = "generated: companies by sector in proportion to automatable jobs (seed 002)"
    org_source = (
        "generated: coalition recruitment pool (10 to 110+ members, seed 002; "
        "400+ actors in the 2020 agenda, seed 000)"
    )
    return {
        "id": np.array(
            [f"company_{k + 1:0{width}d}" for k in range(companies)]
            + [f"org_{k + 1:0{width}d}" for k in range(organizations)],
            dtype=object,
        ),
        "type": np.array(["company"] * companies + ["organization"] * organizations, object),
        "name": np.array(
            [f"Company {k + 1} ({s})" for k, s in enumerate(block["sector"])]
            + [f"Organization {k + 1}" for k in range(organizations)],
            dtype=object,
        ),
        "sector": np.concatenate([block["sector"], np.full(organizations, "", object)]),
        "founding_member": np.zeros(companies + organizations, dtype=bool),
        "commitment": np.concatenate(
            [block["commitment"], rng.beta(*COMMITMENT_BETA["organization"], organizations)]
        ),
        "resources": np.concatenate(
            [block["resources"], rng.uniform(*RESOURCE_RANGE["organization"], organizations)]
        ),
        "source": np.array([company_source] * companies + [org_source] * organizations, object),
    }


def _mexico_generated_ties(
    rng: np.random.Generator,
    states: np.ndarray,
    federal: int,
    hubs: np.ndarray,
    companies: np.ndarray,
    organizations: np.ndarray,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Draw the ties of states and generated actors (rules in :func:`mexico_network`)."""
    ties = [(states, np.full(states.size, federal), np.full(states.size, 0.3))]
    if states.size > 1:
        own = np.repeat(np.arange(states.size), rng.integers(2, 4, states.size))
        partner = _other_in_block(rng, own, states.size)
        ties.append((states[own], states[partner], rng.uniform(0.2, 0.5, own.size)))
    for same, other in ((companies, organizations), (organizations, companies)):
        if same.size == 0:
            continue
        pos = np.repeat(np.arange(same.size), rng.integers(2, 5, same.size))
        use_same = (rng.random(pos.size) < 0.7) | (other.size == 0)
        use_same &= same.size > 1
        partner = np.full(pos.size, -1, np.int64)
        partner[use_same] = same[_other_in_block(rng, pos[use_same], same.size)]
        if other.size:
            partner[~use_same] = other[rng.integers(0, other.size, int((~use_same).sum()))]
        weight = rng.uniform(0.1, 0.5, pos.size)
        keep = partner >= 0
        ties.append((same[pos][keep], partner[keep], weight[keep]))
        has_hub = rng.random(same.size) < 0.3
        choice = rng.integers(0, hubs.size + 1, same.size)  # the last choice: a random state
        random_state = states[rng.integers(0, states.size, same.size)]
        hub = np.where(choice < hubs.size, hubs[np.minimum(choice, hubs.size - 1)], random_state)
        weight = rng.uniform(0.2, 0.6, same.size)
        ties.append((same[has_hub], hub[has_hub], weight[has_hub]))
    return ties


def _other_in_block(rng: np.random.Generator, own: np.ndarray, size: int) -> np.ndarray:
    """For each position in ``own`` draw a uniformly random other position in ``range(size)``."""
    draw = rng.integers(0, max(size - 1, 1), own.size)
    return draw + (draw >= own)
