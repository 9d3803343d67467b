"""A case's stakeholder network: its named actors and ties (cited) plus a generated pool.

Every case (docs/cases.md) lists its named actors and ties in ``actors.csv`` and ``ties.csv``
(a citation on every row) and gets the same generated pool of companies and organisations,
sized by the case. Mexico's data are ``sim/data/mexico/``. Use it through
:func:`sim.networks.case_network` or :func:`sim.networks.mexico_network`, which import this
module lazily.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from sim.errors import NetworkFileError
from sim.networks import (
    AUTOMATABLE_JOBS_BY_SECTOR,
    COMMITMENT_BETA,
    NODE_COLUMNS,
    RESOURCE_RANGE,
    StakeholderNetwork,
    _check_int,
    _largest_remainder,
    build_nodes_frame,
    load_network,
    symmetric_adjacency,
)
from sim.node_facts import NodeFacts

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

try:  # the kernel of scipy.stats.beta.ppf (see beta_ppf)
    from scipy.special._ufuncs import _beta_ppf as _BETA_PPF
except ImportError:  # pragma: no cover - a scipy that moved it
    _BETA_PPF = None

MEXICO_DATA = "data/mexico"
MEXICO_HUBS: tuple[str, ...] = ("cminds", "unam", "canieti", "ia2030mx")


def _mexico_file(name: str) -> Path:
    return Path(str(resources.files("sim").joinpath(f"{MEXICO_DATA}/{name}")))


def check_case_files(actors_path: Path, ties_path: Path) -> list[str]:
    """A case's checks on top of the loader's: a citation on every row, weights in (0, 1].

    ``actors.csv`` needs a ``source`` column and ``ties.csv`` a ``weight`` and a ``citation``
    column, none of them empty; the seat the administrations occupy has the id ``federal``.
    """
    problems = []
    actors = pd.read_csv(actors_path, dtype=str, keep_default_na=False)
    if "source" not in actors.columns:
        problems.append(f"{actors_path}: no 'source' column (every actor needs a citation)")
    else:
        for line, source in enumerate(actors["source"], start=2):
            if not source.strip():
                problems.append(f"{actors_path}: line {line}: empty source (every actor needs one)")
    if "id" in actors.columns and "federal" not in set(actors["id"]):
        problems.append(
            f"{actors_path}: no actor with id 'federal' (the seat the administrations occupy)"
        )
    ties = pd.read_csv(ties_path, dtype=str, keep_default_na=False)
    for column in ("weight", "citation"):
        if column not in ties.columns:
            problems.append(f"{ties_path}: no {column!r} column (every tie needs one)")
    if problems:
        return problems
    for line, row in enumerate(ties.itertuples(index=False), start=2):
        weight = pd.to_numeric(row.weight, errors="coerce")
        if not 0 < weight <= 1:
            problems.append(f"{ties_path}: line {line}: weight {row.weight!r} (allowed: (0, 1])")
        if not row.citation.strip():
            problems.append(f"{ties_path}: line {line}: empty citation (every tie needs one)")
    return problems


@dataclass(frozen=True, eq=False)
class _NamedPart:
    """What the build needs from the packaged named actors and ties (read-only arrays)."""

    columns: dict[str, np.ndarray]  # NODE_COLUMNS -> object array
    index: dict[str, int]
    ties: tuple[np.ndarray, np.ndarray, np.ndarray]  # upper triangle: row, col, weight
    states: np.ndarray


def _file_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


def _named_part(actors_path: Path, ties_path: Path) -> _NamedPart:
    """The validated named network, cached per process while the files are unchanged."""
    try:
        key = (_file_key(actors_path), _file_key(ties_path))
    except OSError:  # let the loader report the missing file
        return _read_named_part(actors_path, ties_path)
    return _cached_named_part(*key)


@lru_cache(maxsize=4)
def _cached_named_part(actors_key: tuple, ties_key: tuple) -> _NamedPart:
    return _read_named_part(Path(actors_key[0]), Path(ties_key[0]))


def _read_named_part(actors_path: Path, ties_path: Path) -> _NamedPart:
    named = load_network(actors_path, ties_path)
    problems = check_case_files(actors_path, ties_path)
    if problems:
        raise NetworkFileError(problems)
    columns = {c: named.nodes[c].to_numpy(object) for c in NODE_COLUMNS}
    upper = sparse.triu(named.adjacency, k=1).tocoo()
    ties = (upper.row, upper.col, upper.data)
    states = np.flatnonzero(named.nodes["type"].to_numpy() == "state")
    for array in (*columns.values(), *ties, states):
        array.flags.writeable = False
    index = {node_id: i for i, node_id in enumerate(named.nodes["id"])}
    return _NamedPart(columns, index, ties, states)


@lru_cache(maxsize=8)
def _nodes_template(named: _NamedPart, companies: int, organizations: int) -> pd.DataFrame:
    """The node table with every column that does not depend on the RNG.

    Ids, types, names, sectors, founding flags and sources of the generated actors are fixed by
    ``companies`` and ``organizations``; commitments and resources are filled in per network.
    """
    fixed = _mexico_generated_fixed(companies, organizations)
    columns = {
        c: np.concatenate([named.columns[c], fixed[c]]) if c in fixed else named.columns[c]
        for c in NODE_COLUMNS
    }
    return build_nodes_frame(columns)


@lru_cache(maxsize=8)
def _template_facts(named: _NamedPart, companies: int, organizations: int) -> NodeFacts:
    """The :class:`NodeFacts` of :func:`_nodes_template`'s table (the same for every seed)."""
    return NodeFacts.of(_nodes_template(named, companies, organizations))


def _company_sectors(companies: int) -> tuple[list[str], np.ndarray]:
    """The sectors and the number of companies in each (1 each plus largest remainder)."""
    sectors = list(AUTOMATABLE_JOBS_BY_SECTOR)
    jobs = np.array(list(AUTOMATABLE_JOBS_BY_SECTOR.values()), dtype=np.float64)
    return sectors, 1 + _largest_remainder(companies - len(sectors), jobs)


def _company_block(rng: np.random.Generator, companies: int) -> dict[str, np.ndarray]:
    """Draw the companies by sector: 1 per sector plus the rest by seed 002 Table 1."""
    sectors, per_sector = _company_sectors(companies)
    jobs = np.array(list(AUTOMATABLE_JOBS_BY_SECTOR.values()), dtype=np.float64)
    sector = np.repeat(np.array(sectors, dtype=object), per_sector)
    a, b = np.array([SECTOR_COMMITMENT_BETA[s] for s in sectors]).T
    code = np.repeat(np.arange(len(sectors)), per_sector)
    strata = np.concatenate([stratified_uniform(rng, k) for k in per_sector])
    commitment = beta_ppf(strata, a[code], b[code])
    # Resources grow with the sector's size (sqrt of its share of automatable jobs), jittered.
    base = 0.05 + 0.45 * np.sqrt(jobs / jobs.max())
    resources_ = np.clip(base[code] * rng.lognormal(0.0, 0.25, companies), 0.05, 0.5)
    return {"sector": sector, "commitment": commitment, "resources": resources_}


def mexico_network(
    rng: np.random.Generator, organizations_pool: int = 240, companies: int = 60
) -> StakeholderNetwork:
    """Build the default Mexico stakeholder network: :func:`case_network` with Mexico's data.

    The named actors and ties are ``sim/data/mexico/actors.csv`` and ``ties.csv`` (each row
    cites seed 000, seed 002 or a named public source); the generated pool ties to C Minds,
    UNAM, CANIETI and IA2030Mx.
    """
    return case_network(
        rng,
        _mexico_file("actors.csv"),
        _mexico_file("ties.csv"),
        MEXICO_HUBS,
        organizations_pool=organizations_pool,
        companies=companies,
    )


def case_network(
    rng: np.random.Generator,
    actors_path: Path,
    ties_path: Path,
    hubs: Sequence[str],
    organizations_pool: int = 240,
    companies: int = 60,
) -> StakeholderNetwork:
    """Build a case's stakeholder network: its named actors and ties plus a generated pool.

    The named actors and ties come from ``actors_path`` and ``ties_path`` (validated like
    :func:`load_network`, plus a citation on every row: :func:`check_case_files`; read and
    checked once per process, again if a file changes). Then, with ``rng``:

    * ``companies`` companies over the 10 sectors of seed 002 Table 1 (Mexico's automatable
      jobs by sector; the same sector mix for every case), one per sector plus the
      rest in proportion to automatable jobs (largest remainder), so manufacturing is largest.
      Commitment (a stratified sample, see :func:`stratified_uniform`) ~ Beta(2, 8) in the five high-automation traditional sectors, Beta(3, 7) in
      education, arts and management, Beta(5, 5) in ICT and finance (assumption: the sectors that
      build or buy AI care most); resources ``0.05 + 0.45 * sqrt(jobs / max jobs)`` jittered
      (lognormal, sigma 0.25), clipped to [0.05, 0.5].
    * ``organizations_pool`` organisations (universities, civil society, startups): the
      population a coalition recruits from (Mexico: it grew from 10 to more than 110 members,
      seed 002, and its 2020 agenda involved 400+ actors, seed 000). Commitment ~ Beta(3, 4),
      resources uniform in [0.05, 0.3].
    * Ties: each generated actor ties to 2-4 other generated actors (70 % of them of its own
      type: homophily), weight U(0.1, 0.5); with probability 0.3 also to one of the ``hubs``
      or a random state (each equally likely), weight U(0.2, 0.6). Each state ties to
      ``federal`` (0.3) and to 2-3 random other states, U(0.2, 0.5). Any component left apart
      from ``federal`` is joined to a random hub with weight 0.2, so the graph is connected.
      Repeated ties keep their largest weight (a named tie is never weakened).

    Args:
        rng: The random generator; the only source of randomness.
        actors_path: The case's ``actors.csv`` (one actor must have the id ``federal``).
        ties_path: The case's ``ties.csv``.
        hubs: Ids of named actors the generated pool ties to (at least one).
        organizations_pool: Number of generated organisations (>= 0).
        companies: Number of generated companies (>= 10: one per sector at least).

    Returns:
        The network: named actors first, then companies, then organisations.

    Raises:
        ConfigError: ``network.organizations_pool`` or ``network.companies`` out of range.
        NetworkFileError: The data files are malformed, or a hub is not a named actor.

    """
    organizations_pool = _check_int("network.organizations_pool", organizations_pool, 0)
    companies = _check_int("network.companies", companies, len(AUTOMATABLE_JOBS_BY_SECTOR))
    named = _named_part(Path(actors_path), Path(ties_path))
    n_named = len(named.columns["id"])
    index = named.index
    missing = [h for h in hubs if h not in index]
    if missing or not hubs:
        raise NetworkFileError(
            [
                f"network.hubs: {h!r} is not an actor of {actors_path}; give ids of its rows"
                for h in missing
            ]
            or ["network.hubs: give at least one actor id the generated pool ties to"]
        )
    hub_rows = np.array([index[h] for h in hubs])
    generated = _mexico_generated_draws(rng, companies, organizations_pool)
    # Same table as build_nodes_frame over named + generated columns; only the drawn columns
    # are built per network (pandas copy-on-write keeps the cached template unchanged).
    nodes = _nodes_template(named, companies, organizations_pool).copy(deep=False)
    for c in ("commitment", "resources"):
        nodes[c] = np.asarray(np.concatenate([named.columns[c], generated[c]]), dtype=np.float64)
    ties = [named.ties]
    ties += _mexico_generated_ties(
        rng,
        states=named.states,
        federal=index["federal"],
        hubs=hub_rows,
        companies=np.arange(n_named, n_named + companies),
        organizations=np.arange(n_named + companies, len(nodes)),
    )
    adjacency = _adjacency_from_ties(len(nodes), ties)
    n_comp, labels = connected_components(adjacency, directed=False)
    if n_comp > 1:  # join every component apart from federal's to a random hub
        loose = [c for c in range(n_comp) if c != labels[index["federal"]]]
        members = np.array([rng.choice(np.flatnonzero(labels == c)) for c in loose])
        picked = hub_rows[rng.integers(0, hub_rows.size, len(loose))]
        ties.append((members, picked, np.full(len(loose), 0.2)))
        adjacency = _adjacency_from_ties(len(nodes), ties)
    return StakeholderNetwork(
        nodes, adjacency, facts=_template_facts(named, companies, organizations_pool)
    )


def _adjacency_from_ties(n: int, ties: list[tuple]) -> sparse.csr_matrix:
    src, dst, weight = (np.concatenate([np.asarray(t[i]) for t in ties]) for i in range(3))
    return symmetric_adjacency(n, src, dst, weight)


def _mexico_generated_nodes(
    rng: np.random.Generator, companies: int, organizations: int
) -> dict[str, np.ndarray]:
    """Columns of the generated companies (by sector) and organisations (recruitment pool)."""
    return {
        **_mexico_generated_fixed(companies, organizations),
        **_mexico_generated_draws(rng, companies, organizations),
    }


def _mexico_generated_draws(
    rng: np.random.Generator, companies: int, organizations: int
) -> dict[str, np.ndarray]:
    """The drawn columns of the generated actors: commitment and resources (RNG order fixed)."""
    block = _company_block(rng, companies)
    low, high = RESOURCE_RANGE["organization"]
    org_resources = stratified_uniform(rng, organizations)
    org_commitment = beta_ppf(
        stratified_uniform(rng, organizations), *COMMITMENT_BETA["organization"]
    )
    return {
        "commitment": np.concatenate([block["commitment"], org_commitment]),
        "resources": np.concatenate([block["resources"], low + (high - low) * org_resources]),
    }


def _mexico_generated_fixed(companies: int, organizations: int) -> dict[str, np.ndarray]:
    """The generated actors' columns that do not depend on the RNG (ids, names, sectors, ...)."""
    sectors, per_sector = _company_sectors(companies)
    sector = np.repeat(np.array(sectors, dtype=object), per_sector)
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
            [f"Company {k + 1} ({s})" for k, s in enumerate(sector)]
            + [f"Organization {k + 1}" for k in range(organizations)],
            dtype=object,
        ),
        "sector": np.concatenate([sector, np.full(organizations, "", object)]),
        "founding_member": np.zeros(companies + organizations, dtype=bool),
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
        if states.size:
            random_state = states[rng.integers(0, states.size, same.size)]
        else:  # a case without subnational governments: another hub instead
            random_state = hubs[rng.integers(0, hubs.size, same.size)]
        hub = np.where(choice < hubs.size, hubs[np.minimum(choice, hubs.size - 1)], random_state)
        weight = rng.uniform(0.2, 0.6, same.size)
        ties.append((same[has_hub], hub[has_hub], weight[has_hub]))
    return ties


def _other_in_block(rng: np.random.Generator, own: np.ndarray, size: int) -> np.ndarray:
    """For each position in ``own`` draw a uniformly random other position in ``range(size)``."""
    draw = rng.integers(0, max(size - 1, 1), own.size)
    return draw + (draw >= own)


def beta_ppf(q: np.ndarray, a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """``scipy.stats.beta.ppf(q, a, b)``, bit for bit, without its argument handling.

    For every ``q`` strictly inside (0, 1) and positive shapes, ``stats.beta.ppf`` returns its
    kernel's value times 1 plus 0 (the default scale and location), i.e. the kernel's value:
    that kernel is called directly (about 0.2 ms a call less). Anything else (``q`` at 0 or 1,
    a NaN, a bad shape, a scipy without the kernel) goes through ``stats.beta.ppf``.
    """
    q = np.asarray(q, dtype=np.float64)
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if (
        _BETA_PPF is None
        or q.ndim != 1
        or not (np.all(q > 0) and np.all(q < 1) and np.all(a > 0) and np.all(b > 0))
    ):
        return _scipy_beta_ppf(q, a, b)
    out = _BETA_PPF(q, a, b)
    return out if out.shape == q.shape else _scipy_beta_ppf(q, a, b)


def _scipy_beta_ppf(q: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    from scipy import stats  # imported here: about half a second that a run does not need

    return stats.beta.ppf(q, a, b)


def stratified_uniform(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` draws in (0, 1), one in each stratum ``[k/n, (k+1)/n)``, in random order.

    Generated actors' commitments and resources are stratified samples of their
    distributions (inverse CDF of these draws): the composition of the pool is the
    same in every seed up to jitter within strata, so seeds vary who is tied to
    whom and the stochastic processes, not how many committed actors exist.
    """
    return (rng.permutation(n) + rng.random(n)) / max(n, 1)
