"""Upper (and tighter lower) bounds for every numeric config key, so the arithmetic stays finite.

The schema (:mod:`sim.config`, :mod:`sim.tactics`) gives each numeric field its natural range:
probabilities and shares are in [0, 1], rates and amounts are >= 0. Many of those have no upper
bound of their own; :data:`BOUNDS` gives them one, chosen so that a whole run stays finite and
fits in memory (a budget of 1e308 times anything overflows to inf, a Poisson rate of 1e308 is
refused by numpy, a 10,000-year horizon or a billion agents do not fit). The bounds are far
beyond any calibrated value (see docs/ODD.md, Parameters), so they constrain only inputs that
cannot be meant. :func:`sim.validation.build` checks every number against the intersection of
its field's range and the first matching entry here, before any work.

Keys are dotted config keys; ``*`` matches any text (a dict entry such as an actor type, or a
whole subtree for the catch-all entries at the end), and list items (``[i]``) are matched by
their list's key; the first matching entry applies. A new numeric field with no upper
bound of its own needs an entry (``tests/test_bounds.py`` checks it).
"""

from __future__ import annotations

import fnmatch
import functools
import re

MONTHS = 1200
"""At most 100 years: any duration or horizon in months."""

MONEY = 1e6
"""Budgets, grants, resources (the Mexico federal budget is 25; units in docs/ODD.md)."""

GAIN = 1e3
"""Multipliers, efficiencies, responses and boosts (calibrated values are below 40)."""

RATE = 100.0
"""Event rates per month (a Poisson mean; calibrated values are below 1)."""

MAX_AGENTS = 10_000_000
MAX_COUNT = 100_000
"""States, coalitions, pools: counts of actors built one by one."""

BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "seed": (0, 2**63 - 1),
    # network sizes (memory is also estimated before building: sim.bounds.network_memory)
    "network.n_agents": (1, MAX_AGENTS),
    "network.mean_degree": (0, 1000),
    "network.n_states": (0, 1000),
    "network.n_coalitions": (0, MAX_COUNT),
    "network.organizations_pool": (0, MAX_COUNT),
    "network.companies": (0, MAX_COUNT),
    # shocks
    "shocks.turnover.term_months": (1, MONTHS),
    "shocks.funding_cut.duration_months": (1, MONTHS),
    "shocks.elections.state_cycle_months": (0, MONTHS),
    "shocks.elections.fresh_concentration": (0.01, 1e4),
    # params
    "params.momentum.efficiency": (0, GAIN),
    "params.momentum.pillar_weights.*": (0, GAIN),
    "params.federal.base_budget": (0, MONEY),
    "params.turnover.agenda_alpha": (0.01, 1e4),
    "params.turnover.agenda_beta": (0.01, 1e4),
    "params.coalition.outreach_cost": (0.001, MONEY),
    "params.coalition.coordination_gain": (0, GAIN),
    "params.companies.momentum_response": (0, GAIN),
    "params.companies.clarity_response": (0, GAIN),
    "params.companies.momentum_reference": (0.001, MONEY),
    "params.states.office_budget": (0, MONEY),
    "params.senate.bill_rate": (0, RATE),
    "params.senate.base_support": (0, GAIN),
    "params.senate.coalition_lobbying": (0, GAIN),
    "params.dpa.network_boost": (0, GAIN),
    "params.dpa.international_grant": (0, MONEY),
    "params.international.coalition_grant": (0, MONEY),
    "params.international.half_life_months": (0.001, MONTHS),
    "params.clarity.memory_months": (1, MONTHS),
    # tactics
    "tactics.*.half_life_months": (0.001, MONTHS),
    "tactics.*.passage_boost": (1, GAIN),
    "tactics.*.international_grant": (0, MONEY),
    "tactics.*.office_grant": (0, MONEY),
    "tactics.*.committee_budget": (0, MONEY),
    "tactics.*": (None, GAIN),  # every other tactic number: a boost or multiplier
    # output
    "output.continuity_horizon_months": (1, MONTHS),
    # any other number of the model's parameters (new ones included): a gain at most
    "params.*": (None, GAIN),
    "scenario.*": (None, GAIN),
}
"""Dotted key pattern → (low, high); ``None`` leaves the field's own bound."""

_INDEX = re.compile(r"\[\d+\]")


def limit(key: str) -> tuple[float | None, float | None]:
    """The bounds of a dotted key (first matching pattern), ``(None, None)`` if none."""
    return _plain_limit(_INDEX.sub("", key))


@functools.lru_cache(maxsize=4096)
def _plain_limit(plain: str) -> tuple[float | None, float | None]:
    """:func:`limit` of a key without list indices, remembered.

    Validating a config asks for every key's bounds, and a sweep validates every point.
    """
    for pattern, bounds in BOUNDS.items():
        if fnmatch.fnmatchcase(plain, pattern):
            return bounds
    return None, None


def combine(own: tuple[float | None, float | None], key: str) -> tuple[float | None, float | None]:
    """The intersection of a field's own range and :func:`limit` of its key."""
    low, high = own
    b_low, b_high = limit(key)
    if b_low is not None:
        low = b_low if low is None else max(low, b_low)
    if b_high is not None:
        high = b_high if high is None else min(high, b_high)
    return low, high


# --------------------------------------------------------------------------- memory estimates
BYTES_PER_AGENT = 2_000
"""Model arrays, agent objects and node table per agent (benchmarks/memory.py measures ~1.4 kB)."""
BYTES_PER_TIE = 60
"""Sparse adjacency (both directions, CSR and build-time COO) per undirected tie."""


def available_memory() -> int:
    """Bytes of memory available to a new allocation (``MemAvailable``; 8 GB if unknown)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    return 8 * 1024**3


def human_bytes(n: float) -> str:
    """``1.2 GB`` style."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"  # pragma: no cover


def network_memory(n_agents: int, mean_degree: float) -> int:
    """Estimated bytes a synthetic network of this size needs."""
    return int(n_agents * BYTES_PER_AGENT + n_agents * mean_degree / 2 * BYTES_PER_TIE)


def fmt(x: float) -> str:
    """A bound as text: whole numbers plainly (``10000000``), huge ones as ``9.22e+18``."""
    if float(x).is_integer() and abs(x) < 1e12:
        return str(int(x))
    return f"{x:.3g}" if abs(x) >= 1e12 else f"{x:g}"


def check_horizon(start: int, end: int, problems: list[str], end_text: str) -> None:
    """The horizon (absolute months ``start..end``) is at most :data:`MONTHS` months."""
    months = end - start + 1
    if months > MONTHS:
        problems.append(
            f"scenario.end: {end_text!r} makes a horizon of {months:,} months; at most "
            f"{MONTHS} (100 years)"
        )


def check_network_size(n_agents: int, mean_degree: float, problems: list[str]) -> None:
    """A synthetic network must fit in the memory available now (estimated before building)."""
    need, have = network_memory(n_agents, mean_degree), available_memory()
    if need > have // 2:
        most = int(have // 2 / (BYTES_PER_AGENT + mean_degree / 2 * BYTES_PER_TIE))
        problems.append(
            f"network.n_agents: {n_agents:,} agents of mean degree {mean_degree:g} need about "
            f"{human_bytes(need)} of memory; {human_bytes(have)} is available, so at most about "
            f"{most:,} agents"
        )
