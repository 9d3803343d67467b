"""Model-owned numpy arrays: the numeric state of every actor.

An agent is an index into these arrays (``agent.index``); the vectorised rules
read and write them for all actors at once, so the monthly update costs a few
numpy operations instead of a Python call per agent (docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import ACTOR_KEYS

SOURCES = ("federal", "own", "private", "international")
"""Funding sources, the columns of :attr:`ActorState.funding`."""

TYPE_CODE = {name: code for code, name in enumerate(ACTOR_KEYS)}
"""Actor type name → small integer code used in :attr:`ActorState.type_code`."""

FEDERAL, OWN, PRIVATE, INTERNATIONAL = range(len(SOURCES))
"""Column of each funding source in :attr:`ActorState.funding`."""


@dataclass
class ActorState:
    """Arrays of length ``n`` (one entry per network node) and ``n × k`` tables.

    Attributes:
        type_code: Actor type code (see :data:`TYPE_CODE`).
        commitment: Commitment to the strategy, in [0, 1].
        anchor: Friedkin–Johnsen anchor (the actor's own predisposition), in [0, 1].
        susceptibility: Weight on peers' commitment vs. the anchor, in [0, 1].
        resources: Own monthly resources an actor can devote to the strategy (≥ 0).
        funding: Monthly resources by source (columns :data:`SOURCES`), ≥ 0.
        effort: Effort exerted this month (≥ 0).
        coalition: Index (into the model's coalition list) of the coalition the
            actor belongs to, or -1.
        ai_office: Whether a state has an active AI office/hub.
        office_opened: Whether a state has ever opened an AI office/hub.

    """

    type_code: np.ndarray
    commitment: np.ndarray
    anchor: np.ndarray
    susceptibility: np.ndarray
    resources: np.ndarray
    funding: np.ndarray
    effort: np.ndarray
    coalition: np.ndarray
    ai_office: np.ndarray
    office_opened: np.ndarray

    @classmethod
    def empty(cls, types: np.ndarray) -> ActorState:
        """Zeroed state for actors of the given type codes."""
        n = len(types)
        return cls(
            type_code=np.asarray(types, dtype=np.int8),
            commitment=np.zeros(n),
            anchor=np.zeros(n),
            susceptibility=np.zeros(n),
            resources=np.zeros(n),
            funding=np.zeros((n, len(SOURCES))),
            effort=np.zeros(n),
            coalition=np.full(n, -1, dtype=np.int32),
            ai_office=np.zeros(n, dtype=bool),
            office_opened=np.zeros(n, dtype=bool),
        )

    def of_type(self, name: str) -> np.ndarray:
        """Indices of the actors of type ``name``."""
        return np.flatnonzero(self.type_code == TYPE_CODE[name])
