"""Continuity: an agent-based simulator of national AI strategies across changes of government.

The model lives in :mod:`sim.model`; the quickest way in is :func:`simulate`::

    import sim
    result = sim.simulate(overrides=["shocks.funding_cut.size=0.8"], seed=7)
"""

from sim.api import Result, load_config, run, simulate
from sim.errors import ConfigError, InputError, NetworkFileError

__all__ = [
    "ConfigError",
    "InputError",
    "NetworkFileError",
    "Result",
    "load_config",
    "run",
    "simulate",
]
