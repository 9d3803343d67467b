"""One random stream per stochastic process (common random numbers).

Every process draws from its own :class:`numpy.random.Generator`, spawned from the run's seed
with :meth:`numpy.random.SeedSequence.spawn`. A change that does not touch a process (a tactic,
a counterfactual, another parameter) leaves that process's draws as they were, so paired runs
on the same seed differ only through the change and its consequences (common random numbers:
Law & Kelton, *Simulation Modeling and Analysis*, ch. 11). The stakeholder network is drawn
from ``numpy.random.default_rng(seed)`` itself, so it is the same network in every variant.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

PROCESSES = (
    "turnover",  # stochastic turnover months
    "review",  # a new government's review of the strategy's anchors; yearly budget floors
    "elections",  # state election months not in the calendar; renewed anchors; closures
    "offices",  # states opening AI offices
    "recruitment",  # organisations and companies joining a coalition
    "leaving",  # members leaving a coalition
    "bills",  # bills introduced in the Senate
    "passage",  # a law passing
    "guidance",  # DPA guidance
    "international",  # joining international commitments
)
"""The stochastic processes, each with its own stream (order fixed: it names the spawn keys)."""


def spawn_streams(seed: int) -> SimpleNamespace:
    """The per-process generators of a run: ``streams.recruitment.random(n)`` etc."""
    children = np.random.SeedSequence(seed).spawn(len(PROCESSES))
    return SimpleNamespace(
        **{
            name: np.random.Generator(np.random.PCG64(s))
            for name, s in zip(PROCESSES, children, strict=True)
        }
    )
