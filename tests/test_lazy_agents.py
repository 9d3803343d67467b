"""Lazily made agents (sim.agents.lazy) are the agents eager construction gives.

"Eager" here: a model whose registries are read right after it is built (so every agent is made
and registered then, and every later registration goes straight to Mesa, as before the agents
were made lazily).
"""

from __future__ import annotations

import copy
import pickle
from dataclasses import replace

import pytest

from sim.agents import FederalAdministration
from sim.model import ContinuityModel


def _agent(agent) -> tuple:
    """An agent as data: its class, every attribute in order (the model by identity)."""
    attrs = [(k, "<model>" if k == "model" else v) for k, v in vars(agent).items()]
    return type(agent).__name__, agent.model is not None, attrs


def _describe(model: ContinuityModel) -> tuple:
    """Everything the agents API shows: actors, agents, types, per-type sets, Mesa's dict."""
    return (
        [_agent(a) for a in model.actors],
        [_agent(a) for a in model.agents],
        [cls.__name__ for cls in model.agent_types],
        {cls.__name__: [a.unique_id for a in s] for cls, s in model.agents_by_type.items()},
        [a.unique_id for a in model._agents],
    )


def _eager(cfg, engine: str = "compiled") -> ContinuityModel:
    model = ContinuityModel(cfg, engine=engine)
    len(model.agents)  # makes and registers every agent now
    return model


@pytest.mark.parametrize("case", ["mexico", "chile", "colombia"])
@pytest.mark.parametrize("seed", [0, 3])
def test_lazy_agents_equal_eager_agents_after_a_run(mexico_config, case, seed):
    cfg = mexico_config([f"case={case}"] if case != "mexico" else [])
    cfg = replace(cfg, seed=seed)
    lazy, eager = ContinuityModel(cfg), _eager(cfg)
    lazy.run()
    eager.run()
    assert lazy.turnovers, "the run should replace the administration"
    assert lazy._pending_agents.plain is None  # nothing read them during the run
    assert lazy.recorder.frame().equals(eager.recorder.frame())
    assert _describe(lazy) == _describe(eager)


@pytest.mark.parametrize("month", [0, 30, 80, 167])
def test_registries_made_mid_run_equal_eager_ones(mexico_config, month):
    cfg = mexico_config()
    lazy, eager = ContinuityModel(cfg, engine="numpy"), _eager(cfg, engine="numpy")
    for k in range(168):
        if k == month:
            len(lazy.agents)
        lazy.step()
        eager.step()
    assert _describe(lazy) == _describe(eager)
    feds = [a for a in lazy.agents if isinstance(a, FederalAdministration)]
    assert feds == [lazy.administration]


def test_actors_read_first_are_the_registered_agents(mexico_config):
    model = ContinuityModel(mexico_config())
    actors = list(model.actors)
    assert model._pending_agents.journal is not None  # registries not made by reading actors
    model.run()
    assert all(a in model._agents for a in actors if a.model is model and a is not actors[0])
    assert [a for a in model.agents][: len(actors) - 1] == actors[1:]


def test_summary_counts_agents_without_making_them(mexico_config):
    from sim.api import run

    cfg = mexico_config()
    result = run(cfg)
    model = result.model
    assert model._pending_agents.plain is None
    counts = result.summary["agents_by_type"]
    made = {}
    for agent in model.agents:
        made[type(agent).__name__] = made.get(type(agent).__name__, 0) + 1
    assert counts == dict(sorted(made.items()))


def test_deregistering_an_unregistered_agent_raises_as_mesa_does(mexico_config):
    model = ContinuityModel(mexico_config())
    model.run()
    first = model.turnovers and model._pending_agents.journal[1][1]
    assert first is not None and first not in model._pending_agents.live
    with pytest.raises(KeyError):
        model.deregister_agent(first)


def test_registering_again_a_setup_agent_goes_through_mesa(mexico_config):
    cfg = mexico_config()
    lazy, eager = ContinuityModel(cfg), _eager(cfg)
    for model in (lazy, eager):
        model.actors[5].remove()
        model.register_agent(model.actors[5])
    assert _describe(lazy) == _describe(eager)
    assert [a.unique_id for a in lazy.agents][-1] == lazy.actors[5].unique_id


@pytest.mark.parametrize("clone", [copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))])
def test_copies_of_a_lazy_model_make_their_own_agents(mexico_config, clone):
    cfg = mexico_config()
    model = ContinuityModel(cfg)
    model.run()
    twin = clone(model)
    assert _describe(twin) == _describe(model)
    assert all(a.model is twin for a in twin.agents)


def test_synthetic_network_agents(mexico_config):
    cfg = mexico_config(["network=synthetic", "network.n_agents=500", "network.mean_degree=6"])
    lazy, eager = ContinuityModel(cfg), _eager(cfg)
    lazy.run()
    eager.run()
    assert _describe(lazy) == _describe(eager)


def test_actors_can_be_replaced(mexico_config):
    model = ContinuityModel(mexico_config())
    model.actors = ["x"]
    assert model.actors == ["x"]
    assert len(model.agents) == model.network.n  # the registries still hold the real agents
