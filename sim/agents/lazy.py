"""The plain actors' Mesa agents, made and registered only when something reads them.

Every actor of the network has a Mesa agent (``model.actors[i]``, ``model.agents``,
``model.agents_by_type``): the API view of its row of the model's arrays. A run reads only the
rule-rich ones (administration, Senate, DPAs, coalitions), which are made at set-up as before;
the plain ones (states, companies, organisations, international bodies: 356 of Mexico's 362)
are needed only by whoever looks at them, and making and registering them cost about a tenth
of a whole run. :class:`LazyAgents`, a mixin placed before ``mesa.Model``, defers them:

* their ids (``unique_id``) are reserved at set-up (agent ``i`` has ``first_id + i``, as when
  every agent was made in index order), so ids do not depend on when they are made;
* ``model.actors`` makes them (with :func:`sim.agents.bulk.plain_agent`) on first access;
* Mesa's registries (``_agents``, ``_agents_by_type``, ``_all_agents``, read by
  ``model.agents``, ``agents_by_type``, ``agent_types``, ``register_agent``, ...) are made on
  first access: the set-up's agents in index order, then every registration and
  deregistration since, replayed in order (a turnover's new administration, the old one's
  removal), so they are exactly what registering one by one gave;
* :meth:`LazyAgents.registered_counts` counts the registered agents by class without making
  them (the run's summary).

``tests/test_lazy_agents.py`` checks lazy and eager agents are the same (ids, order, types,
attributes, registries).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import mesa

from sim.agents.base import ActorAgent
from sim.agents.bulk import plain_agent, register_all


@dataclass(eq=False)
class PendingAgents:
    """What making the plain agents and the registries later needs.

    Attributes:
        kinds: Every actor's type key (``"state"``, ...), by index.
        class_of: The agent class of each type key.
        node_ids: Every actor's node id, by index.
        names: Every actor's name, by index (a pandas Series: ``tolist()`` when needed).
        sectors: Every actor's sector, by index (the same).
        first_id: The ``unique_id`` of actor 0 (actor ``i`` has ``first_id + i``).
        rich: The rule-rich actors' indices, each with the agents registered while it was
            made (its agent), in order; every other index is a plain actor.
        plain: The plain agents once made, by index (``None`` for the rule-rich ones).
        actors_filled: Whether ``model.actors`` holds the plain agents.
        journal: Registrations (``True``) and deregistrations (``False``) since the set-up,
            in order; ``None`` once the registries are made.
        live: The rule-rich agents registered now (while the registries are not made).

    """

    kinds: list[str]
    class_of: Mapping[str, type]
    node_ids: list[str]
    names: Any
    sectors: Any
    first_id: int
    rich: dict[int, list[Any]]
    plain: list[Any] | None = None
    actors_filled: bool = False
    journal: list[tuple[bool, Any]] | None = field(default_factory=list)
    live: dict[Any, None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for agents in self.rich.values():
            self.live.update(dict.fromkeys(agents))

    def is_setup_agent(self, agent: Any, model: mesa.Model) -> bool:
        """Whether ``agent`` is one of the set-up's actors of ``model`` (by its reserved id)."""
        uid = getattr(agent, "unique_id", None)
        return (
            getattr(agent, "model", None) is model
            and isinstance(uid, int)
            and self.first_id <= uid < self.first_id + len(self.kinds)
        )

    def setup_agents(self) -> list[Any]:
        """The set-up's registrations in order (making the plain agents needs :attr:`plain`)."""
        out: list[Any] = []
        for i, agent in enumerate(self.plain or ()):
            out.extend(self.rich[i] if agent is None else (agent,))
        return out

    def plain_counts(self) -> Counter[type]:
        """Number of plain actors by agent class."""
        kinds = Counter(self.kinds)
        for i in self.rich:
            kinds[self.kinds[i]] -= 1
        counts: Counter[type] = Counter()
        for kind, n in kinds.items():
            if n:
                counts[self.class_of[kind]] += n
        return counts


@contextmanager
def collected_registrations(model: mesa.Model) -> Iterator[list[Any]]:
    """Collect, instead of registering, the agents made inside (for :class:`PendingAgents`)."""
    made: list[Any] = []
    model.register_agent = made.append  # the instance attribute shadows the model's method
    try:
        yield made
    finally:
        del model.register_agent


class _Registry:
    """One of Mesa's registries, made on first read (:meth:`LazyAgents._registry`).

    Mesa assigns it in its constructor; the value is kept in the instance's ``__dict__``.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, model: Any, owner: type | None = None) -> Any:
        if model is None:
            return self
        return model._registry(self.name)

    def __set__(self, model: Any, value: Any) -> None:
        model.__dict__[self.name] = value


class LazyAgents(mesa.Model):
    """A Mesa model whose plain actors' agents are made when first read (see the module).

    At set-up a subclass takes actor 0's id (:meth:`next_agent_id`), makes the rule-rich
    actors' agents with their reserved ids (:meth:`set_next_agent_id` before each), keeps its
    actors in ``self._actors`` (``None`` for a plain actor) and calls
    :meth:`defer_plain_agents`.
    """

    # ------------------------------------------------------------------ set-up
    def next_agent_id(self) -> int:
        """Draw the ``unique_id`` the next agent made for this model would have."""
        return next(ActorAgent._ids[self])

    def set_next_agent_id(self, uid: int) -> None:
        """Make ``uid`` the ``unique_id`` the next agent made for this model draws."""
        ActorAgent._ids[self] = itertools.count(uid)

    def defer_plain_agents(self, pending: PendingAgents) -> None:
        """Start deferring: the plain agents and the registries are made on first access."""
        self.__dict__["_pending_agents"] = pending

    # ------------------------------------------------------------------ actors
    @property
    def actors(self) -> list:
        """Agents by network index (the plain ones are made on first access)."""
        actors = self.__dict__["_actors"]
        pending = self.__dict__.get("_pending_agents")
        if pending is not None and not pending.actors_filled:
            for i, agent in enumerate(self._make_plain_agents(pending)):
                if agent is not None:
                    actors[i] = agent
            pending.actors_filled = True
        return actors

    @actors.setter
    def actors(self, value: list) -> None:
        self.__dict__["_actors"] = value
        pending = self.__dict__.get("_pending_agents")
        if pending is not None:
            pending.actors_filled = True

    def _make_plain_agents(self, pending: PendingAgents) -> list[Any]:
        """The plain agents, made once, with their reserved ids (``None`` for rule-rich ones)."""
        if pending.plain is None:
            names, sectors = pending.names.tolist(), pending.sectors.tolist()
            plain: list[Any] = [None] * len(pending.kinds)
            for i, kind in enumerate(pending.kinds):
                if i not in pending.rich:
                    ids = iter((pending.first_id + i,))
                    plain[i] = plain_agent(
                        pending.class_of[kind],
                        self,
                        ids,
                        i,
                        pending.node_ids[i],
                        names[i],
                        sectors[i],
                    )
            pending.plain = plain
        return pending.plain

    # ------------------------------------------------------------------ registries
    def _registry(self, name: str) -> Any:
        pending = self.__dict__.get("_pending_agents")
        if pending is not None and pending.journal is not None:
            self._make_registries(pending)
        return self.__dict__[name]

    _agents = _Registry()
    _agents_by_type = _Registry()
    _all_agents = _Registry()

    def _make_registries(self, pending: PendingAgents) -> None:
        """Register the set-up's agents in index order, then replay the journal."""
        journal, pending.journal = pending.journal, None
        pending.live = {}
        self._make_plain_agents(pending)
        register_all(self, pending.setup_agents())
        for registered, agent in journal:
            if registered:
                mesa.Model.register_agent(self, agent)
            else:
                mesa.Model.deregister_agent(self, agent)

    def register_agent(self, agent: Any) -> None:
        """Register ``agent`` (journalled while the registries are not made)."""
        pending = self.__dict__.get("_pending_agents")
        if pending is not None and pending.journal is not None:
            if agent in pending.live or not pending.is_setup_agent(agent, self):
                pending.live[agent] = None
                pending.journal.append((True, agent))
                return
        super().register_agent(agent)

    def deregister_agent(self, agent: Any) -> None:
        """Deregister ``agent`` (journalled while the registries are not made)."""
        pending = self.__dict__.get("_pending_agents")
        if pending is not None and pending.journal is not None and agent in pending.live:
            del pending.live[agent]
            pending.journal.append((False, agent))
            return
        super().deregister_agent(agent)

    def registered_counts(self) -> Counter[type]:
        """Number of registered agents by class, without making the deferred ones."""
        pending = self.__dict__.get("_pending_agents")
        if pending is None or pending.journal is None:
            return Counter({cls: len(s) for cls, s in self._agents_by_type.items()})
        counts = pending.plain_counts()
        counts.update(type(agent) for agent in pending.live)
        return counts

    def made_agents(self) -> list[Any]:
        """Every agent this model has made and still refers to, without making any."""
        d = self.__dict__
        agents = list(d.get("_agents", ()))
        agents += [a for a in d.get("_actors", ()) if a is not None]
        pending = d.get("_pending_agents")
        if pending is not None:
            agents += [a for made in pending.rich.values() for a in made]
            agents += [a for a in pending.plain or () if a is not None]
            agents += [a for _, a in pending.journal or ()]
        return agents
