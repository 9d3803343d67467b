"""Agents made and registered in bulk (sim.agents.bulk) are what one-by-one construction gives."""

from __future__ import annotations

import mesa
import pytest

from sim.agents import AGENT_CLASSES, Company, Organization, State
from sim.agents.base import ActorAgent
from sim.agents.bulk import PLAIN_CLASSES, deferred_registration, plain_agent, register_all


def _registries(model: mesa.Model) -> tuple:
    """Everything Mesa records about a model's agents, by unique_id, in order."""
    return (
        [(type(a).__name__, a.unique_id) for a in model.agents],
        [cls.__name__ for cls in model.agent_types],
        {cls.__name__: [a.unique_id for a in s] for cls, s in model.agents_by_type.items()},
        [a.unique_id for a in model._agents],
    )


def test_plain_agent_is_what_its_constructor_makes():
    one, two = mesa.Model(rng=1), mesa.Model(rng=1)
    ids = ActorAgent._ids[two]
    for cls, extra in ((State, ()), (Organization, ()), (Company, ("financial",))):
        made = cls(one, 3, "node", "Name", *extra)
        fast = plain_agent(cls, two, ids, 3, "node", "Name", *extra)
        register_all(two, [fast])
        assert type(fast) is cls
        same = {k: v for k, v in vars(made).items() if k != "model"}
        assert list(vars(fast)) == list(vars(made))  # same attributes, same order
        assert {k: v for k, v in vars(fast).items() if k != "model"} == same
        assert fast.model is two
    assert _registries(one) == _registries(two)


def test_plain_classes_add_no_constructor_of_their_own():
    for cls in PLAIN_CLASSES - {Company}:
        assert cls.__init__ is ActorAgent.__init__, cls
    assert set(PLAIN_CLASSES) <= set(AGENT_CLASSES.values())


def test_deferred_registration_keeps_the_order_agents_were_made():
    one, two = mesa.Model(rng=1), mesa.Model(rng=1)
    kinds = [State, Organization, AGENT_CLASSES["senate"], State, AGENT_CLASSES["dpa"], State]
    for k, cls in enumerate(kinds):
        cls(one, k, f"n{k}", f"N{k}")
    ids = ActorAgent._ids[two]
    with deferred_registration(two) as made:
        for k, cls in enumerate(kinds):
            if cls in PLAIN_CLASSES:
                made.append(plain_agent(cls, two, ids, k, f"n{k}", f"N{k}"))
            else:
                cls(two, k, f"n{k}", f"N{k}")  # registers through the deferral
        assert len(two.agents) == 0  # nothing registered yet
    assert "register_agent" not in vars(two)
    assert _registries(one) == _registries(two)
    State(two, 9, "late", "Late")  # registered one by one afterwards, appended
    assert [a.unique_id for a in two.agents][-1] == 7


def test_deferred_registration_registers_nothing_after_an_error():
    model = mesa.Model(rng=1)
    with pytest.raises(RuntimeError), deferred_registration(model):
        State(model, 0, "a", "A")
        raise RuntimeError("stop")
    assert "register_agent" not in vars(model)
    assert len(model.agents) == 0


def test_model_agents_match_one_by_one_registration(make_model):
    model = make_model()
    reference = mesa.Model(rng=1)
    for agent in model.actors:
        twin = type(agent).__new__(type(agent))
        twin.__dict__.update(vars(agent), model=reference)
        reference.register_agent(twin)
    assert _registries(model) == _registries(reference)
    assert [a.index for a in model.agents] == list(range(len(model.actors)))
    assert [a.unique_id for a in model.actors] == list(range(1, len(model.actors) + 1))


def test_release_frees_a_model_without_the_cycle_collector(make_model):
    import gc
    import weakref

    from sim.agents.bulk import release

    model = make_model()
    model.run()
    agent = weakref.ref(model.actors[0])
    ref = weakref.ref(model)
    enabled = gc.isenabled()
    gc.disable()
    try:
        release(model)
        del model
        assert ref() is None and agent() is None
    finally:
        if enabled:
            gc.enable()


def test_runs_without_their_model_give_the_same_results(mexico_config):
    from sim.api import run

    cfg = mexico_config()
    kept, dropped = run(cfg, keep_model=True), run(cfg, keep_model=False)
    assert dropped.model is None
    assert kept.summary == dropped.summary
    assert kept.timeseries.equals(dropped.timeseries)
