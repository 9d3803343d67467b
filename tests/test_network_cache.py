"""What a case network remembers between seeds gives the same networks and runs as none.

The seed-independent parts of a case network (the named actors, the node table's fixed
columns, the node facts of :mod:`sim.node_facts`) are remembered per process; a loop over seeds
rebuilds only what the seed draws.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim import case_network as cn
from sim.model import ContinuityModel, build_network
from sim.node_facts import NodeFacts

CASES = ["mexico", "chile", "colombia", "argentina", "brazil"]


def _config(mexico_config, case: str, seed: int):
    return replace(mexico_config([] if case == "mexico" else [f"case={case}"]), seed=seed)


def _forget() -> None:
    """Empty every per-process cache of the case network."""
    for cached in (cn._cached_named_part, cn._nodes_template, cn._template_facts):
        cached.cache_clear()


@pytest.mark.parametrize("case", CASES)
def test_remembered_parts_give_the_network_and_run_of_a_fresh_build(mexico_config, case):
    for seed in (0, 1, 7):
        cfg = _config(mexico_config, case, seed)
        _forget()
        fresh_net = build_network(cfg, np.random.default_rng(seed))
        fresh = ContinuityModel(cfg)
        fresh.run()
        cached_net = build_network(cfg, np.random.default_rng(seed))  # the caches are warm now
        cached = ContinuityModel(cfg)
        cached.run()
        assert cached_net.nodes.equals(fresh_net.nodes)
        assert (cached_net.adjacency != fresh_net.adjacency).nnz == 0
        assert cached.recorder.frame().equals(fresh.recorder.frame())


@pytest.mark.parametrize("case", CASES)
def test_facts_are_the_tables(mexico_config, case):
    cfg = _config(mexico_config, case, 3)
    net = build_network(cfg, np.random.default_rng(3))
    made = NodeFacts.of(net.nodes)
    assert net.facts is not None
    assert net.facts.ids == made.ids and net.facts.types == made.types
    assert np.array_equal(net.facts.codes, made.codes)
    assert net.facts.row == made.row and net.facts.of_type == made.of_type


def test_remembered_arrays_cannot_be_written(mexico_config):
    net = build_network(mexico_config(), np.random.default_rng(0))
    with pytest.raises(ValueError):
        net.facts.codes[0] = 1
    named = cn._named_part(cn._mexico_file("actors.csv"), cn._mexico_file("ties.csv"))
    with pytest.raises(ValueError):
        named.ties[2][0] = 0.0


def test_a_run_does_not_change_what_is_remembered(mexico_config):
    cfg = mexico_config()
    before = build_network(cfg, np.random.default_rng(0))
    facts = before.facts
    snapshot = (facts.ids, facts.types, facts.codes.copy(), dict(facts.row))
    template = cn._nodes_template.cache_info().currsize and before.nodes.copy()
    model = ContinuityModel(cfg)
    model.run()
    model.state.type_code[:] = 0  # a model's own arrays are its own
    after = build_network(cfg, np.random.default_rng(0))
    assert after.facts is facts
    assert (facts.ids, facts.types, dict(facts.row)) == (snapshot[0], snapshot[1], snapshot[3])
    assert np.array_equal(facts.codes, snapshot[2])
    assert after.nodes.equals(template)


def test_a_network_handed_to_the_model_is_read_afresh(mexico_config):
    cfg = mexico_config()
    net = build_network(cfg, np.random.default_rng(0))
    nodes = net.nodes.copy()
    k = nodes.index[nodes["type"] == "organization"][0]
    nodes.loc[k, "id"] = "renamed_org"
    net.nodes = nodes  # the remembered facts no longer describe this table
    model = ContinuityModel(cfg, network=net)
    assert model._node_ids[k] == "renamed_org"
    assert model.actors[k].node_id == "renamed_org"
