"""The common agent base and the actors whose rules are vectorised."""

from __future__ import annotations

import itertools
import weakref
from typing import TYPE_CHECKING

import mesa

from sim.state import SOURCES

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import ContinuityModel


class _UniqueIds(weakref.WeakKeyDictionary):
    """Model → the counter of its agents' ``unique_id`` (1, 2, ...), holding the models weakly.

    Mesa 3.3.1 counts ids in ``mesa.Agent._ids``, a class-level ``defaultdict`` keyed by the
    model: it holds every model ever given an agent, so no model (its agents, arrays, network,
    recorder; about 0.6 MB for Mexico) is ever freed: not a closed dashboard session's, not one
    replaced by Reset, not a ``run(keep_model=False)`` one (mesa/mesa#3179, fixed upstream by
    mesa/mesa#3180, after 3.3.1). :class:`ActorAgent` shadows that attribute with this
    dictionary, which forgets a model once it is freed; the ids are the same (1, 2, ... per
    model). It does nothing once mesa stops using ``_ids`` and can go when mesa is upgraded.
    """

    def __getitem__(self, model: mesa.Model) -> itertools.count[int]:
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = self[model] = itertools.count(1)
            return counter


class ActorAgent(mesa.Agent):
    """An actor of the stakeholder network; its numbers live in model arrays.

    Args:
        model: The model.
        index: Row of this actor in the model's arrays and network.
        node_id: The network node id (e.g. ``"state_jalisco"``).
        name: Human-readable name.

    """

    model: ContinuityModel
    _ids = _UniqueIds()  # instead of mesa.Agent's, which keeps every model alive (see above)

    def __init__(self, model: ContinuityModel, index: int, node_id: str, name: str):
        super().__init__(model)
        self.index = index
        self.node_id = node_id
        self.name = name

    @property
    def commitment(self) -> float:
        """Commitment to the strategy, in [0, 1]."""
        return float(self.model.state.commitment[self.index])

    @commitment.setter
    def commitment(self, value: float) -> None:
        self.model.state.commitment[self.index] = min(1.0, max(0.0, value))

    @property
    def resources(self) -> float:
        """Own monthly resources available for the strategy."""
        return float(self.model.state.resources[self.index])

    @property
    def funding(self) -> dict[str, float]:
        """This month's resources by source (federal, own, private, international)."""
        row = self.model.state.funding[self.index]
        return {s: float(v) for s, v in zip(SOURCES, row, strict=True)}

    @property
    def effort(self) -> float:
        """Effort exerted this month."""
        return float(self.model.state.effort[self.index])

    @property
    def ties(self) -> list[ActorAgent]:
        """The agents this actor is tied to in the stakeholder network."""
        adj = self.model.adjacency
        cols = adj.indices[adj.indptr[self.index] : adj.indptr[self.index + 1]]
        return [self.model.actors[j] for j in cols]

    @property
    def member_of(self) -> int:
        """Index of the coalition this actor belongs to, or -1."""
        return int(self.model.state.coalition[self.index])

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.node_id!r}, commitment={self.commitment:.2f})"


class State(ActorAgent):
    """A federal entity (state).

    Its rules are vectorised over all states: ``ContinuityModel.open_state_offices``
    and ``ContinuityModel.hold_state_elections``.
    """

    @property
    def ai_office(self) -> bool:
        """Whether the state has an active AI office or hub."""
        return bool(self.model.state.ai_office[self.index])


class Company(ActorAgent):
    """A company of one economic sector. Investment: ``ContinuityModel.invest_companies``."""

    def __init__(self, model: ContinuityModel, index: int, node_id: str, name: str, sector: str):
        super().__init__(model, index, node_id, name)
        self.sector = sector


class Organization(ActorAgent):
    """An academic or civil-society organisation: a potential coalition member."""


class InternationalBody(ActorAgent):
    """An international body (OECD, GPAI, RIPD, ...): a fixed anchor and a funder."""
