"""Creating and registering a model's agents in bulk: the same agents, ids and sets as one by one.

Mesa's ``Agent.__init__`` registers each agent with its model as it is made (about 7 µs an
agent: a dict entry, the agent set of its class and the set of all agents, each a weak-keyed
dictionary). A model of a few hundred actors spent ~3 ms on it per run. Here:

* :func:`plain_agent` makes an agent whose class adds nothing to :class:`ActorAgent`'s
  constructor (every actor but the rule-rich ones) without calling it: the same attributes, in
  the same order, and the next ``unique_id`` of the model's counter;
* :func:`deferred_registration` holds back the registration of the agents made meanwhile (the
  rule-rich ones still call their constructors), then registers them all at once, in the order
  they were made: ``model.agents``, ``model.agents_by_type`` and ``model.agent_types`` are what
  registering them one by one gives (``tests/test_bulk_agents.py``).

The model now makes its plain actors' agents only when something reads them
(:mod:`sim.agents.lazy`, which makes them with :func:`plain_agent` and registers them with
:func:`register_all`). Both rely on Mesa 3.3's registries (``Model._agents``, ``_agents_by_type``, ``_all_agents``);
a Mesa without them gets the agents registered one by one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import mesa
from mesa.agent import AgentSet

from sim.agents.base import ActorAgent, Company, InternationalBody, Organization, State

PLAIN_CLASSES: frozenset[type] = frozenset({State, Company, Organization, InternationalBody})
"""The agent classes :func:`plain_agent` may make (their constructors only set attributes)."""

_REGISTRIES = ("_agents", "_agents_by_type", "_all_agents")


def plain_agent(
    cls: type[ActorAgent],
    model: mesa.Model,
    ids: Iterator[int],
    index: int,
    node_id: str,
    name: str,
    sector: str | None = None,
) -> ActorAgent:
    """An agent of a :data:`PLAIN_CLASSES` class, as its constructor would make it, unregistered.

    ``ids`` is the model's ``unique_id`` counter (``cls._ids[model]``, taken once for many
    agents). Register the agent with :func:`register_all` (or inside
    :func:`deferred_registration`). ``sector`` is a company's (the only class that takes one).
    """
    agent = cls.__new__(cls)
    fields = {"model": model, "unique_id": next(ids), "pos": None}
    fields["index"], fields["node_id"], fields["name"] = index, node_id, name
    if cls is Company:
        fields["sector"] = sector
    agent.__dict__.update(fields)
    return agent


@contextmanager
def deferred_registration(model: mesa.Model) -> Iterator[list[Any]]:
    """Hold back the registration of agents made inside, then register them all in order.

    Yields the list of agents to register: agents whose constructor runs inside are appended
    to it; append the ones :func:`plain_agent` makes, in the order they are made.
    """
    pending: list[Any] = []
    model.register_agent = pending.append  # the instance attribute shadows Model's method
    try:
        yield pending
    finally:
        del model.register_agent
    register_all(model, pending)


def register_all(model: mesa.Model, agents: list[Any]) -> None:
    """Register ``agents`` with ``model`` as ``Model.register_agent`` would, one after another."""
    if not all(hasattr(model, name) for name in _REGISTRIES):  # pragma: no cover - another Mesa
        for agent in agents:
            model.register_agent(agent)
        return
    model._agents.update(dict.fromkeys(agents))
    by_type: dict[type, list[Any]] = {}
    for agent in agents:
        group = by_type.get(type(agent))
        if group is None:
            by_type[type(agent)] = [agent]
        else:
            group.append(agent)
    sets = model._agents_by_type
    for cls, group in by_type.items():
        if cls in sets:
            sets[cls]._agents.update(dict.fromkeys(group))
        else:
            sets[cls] = AgentSet(group, random=model.random)
    model._all_agents._agents.update(dict.fromkeys(agents))


def release(model: mesa.Model) -> None:
    """Free a finished model nobody keeps now, instead of leaving it to the cycle collector.

    A model and its agents refer to each other (``agent.model``, the model's registries), so
    a dropped model is freed only by Python's cycle collector; a run that does not keep its
    model (``sim.api.run(..., keep_model=False)``, every run of a sweep) left ~1 ms a run of
    collections. Clearing the agents' and the model's attributes breaks those cycles, so the
    model is freed as soon as the caller drops it. Use it only on a model no one will read.
    """
    made = getattr(model, "made_agents", None)  # a lazy model's agents, none made now
    if made is not None:
        agents = made()
    else:
        agents = [*getattr(model, "_agents", ()), *getattr(model, "actors", ())]
    for agent in agents:
        agent.__dict__.clear()
    model.__dict__.clear()
