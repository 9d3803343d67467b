"""Continuity: an agent-based simulator of national AI strategies across changes of government.

The model lives in :mod:`sim.model`; the quickest way in is :func:`simulate`::

    import sim
    result = sim.simulate(overrides=["shocks.funding_cut.size=0.8"], seed=7)

and, for many runs of one configuration, :func:`load` (compose and validate once)::

    scenario = sim.load(["shocks.funding_cut.size=0.8"])
    results = [scenario.run(seed) for seed in range(100)]
"""

from sim.api import Result, load_config, run, simulate
from sim.errors import ConfigError, InputError, NetworkFileError
from sim.scenario import Scenario, load

__all__ = [
    "ConfigError",
    "InputError",
    "NetworkFileError",
    "Result",
    "Scenario",
    "load",
    "load_config",
    "run",
    "simulate",
]
