"""Synthetic stakeholder networks: G(n, m) random networks built with numpy only.

Use it through :func:`sim.networks.synthetic_network`, which imports this module lazily.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.errors import ConfigError
from sim.networks import (
    ACTOR_TYPES,
    AUTOMATABLE_JOBS_BY_SECTOR,
    COMMITMENT_BETA,
    DEFAULT_RESOURCES,
    RESOURCE_RANGE,
    StakeholderNetwork,
    _check_int,
    _csr_from_keys,
    _largest_remainder,
    _sorted_unique,
    build_nodes_frame,
)

MIX_KEYS: tuple[str, ...] = ("company", "organization", "international")


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


def _draw_resources(rng: np.random.Generator, types: np.ndarray) -> np.ndarray:
    """Resources by type: fixed defaults, uniform in RESOURCE_RANGE for generated types."""
    resources_ = np.array([DEFAULT_RESOURCES[t] for t in ACTOR_TYPES])[types]
    for type_name, (low, high) in RESOURCE_RANGE.items():
        mask = types == ACTOR_TYPES.index(type_name)
        resources_[mask] = rng.uniform(low, high, int(mask.sum()))
    return resources_


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
