"""The load-once Python API: ``sim.load(...).run(seed)``, ``Scenario.replace`` and the memoised
``sim.simulate`` (same results as composing every time, no Hydra per run, edits noticed)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
import sim.api
from sim.api import load_config, run
from sim.config_cache import CACHE
from sim.paths import CONF_ENV, USER_ENV, packaged_conf_dir, set_user_config_dir

CUT = "shocks.funding_cut.size"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty config cache and no user directory."""
    CACHE.clear()
    os.environ.pop(USER_ENV, None)
    yield
    CACHE.clear()
    os.environ.pop(USER_ENV, None)


@pytest.fixture(scope="module")
def scenario() -> sim.Scenario:
    return sim.load()


def same(a: sim.Result, b: sim.Result) -> None:
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    assert a.summary == b.summary
    assert a.config == b.config


def no_hydra(monkeypatch) -> None:
    """Make any composition fail from now on."""

    def refuse(*args, **kwargs):
        raise AssertionError("Hydra composed a config")

    import hydra

    monkeypatch.setattr(sim.api, "compose_collect", refuse)
    monkeypatch.setattr(hydra, "compose", refuse)


def test_load_run_equals_simulate_and_run_of_load_config(scenario):
    a = scenario.run(5)
    b = sim.simulate(seed=5)
    c = run(load_config([], seed=5))
    same(a, b)
    same(a, c)
    assert a.config.seed == 5 and a.model is not None


def test_run_without_a_seed_uses_the_configs_own():
    loaded = sim.load(["seed=11"])
    assert loaded.seed == 11
    same(loaded.run(), sim.simulate(["seed=11"]))


def test_a_seed_loop_never_composes(scenario, monkeypatch):
    no_hydra(monkeypatch)
    results = list(scenario.runs(range(3)))
    assert [r.config.seed for r in results] == [0, 1, 2]
    assert all(r.model is None for r in results)
    assert results[0].summary != results[1].summary  # the seed reached the model
    varied = scenario.replace({CUT: 0.5})  # no Hydra either
    assert varied.run(np.int64(2)).config.shocks.funding_cut.size == 0.5


def test_replace_equals_the_same_override(scenario):
    varied = scenario.replace({CUT: 0.5})
    same(varied.run(3), sim.simulate([f"{CUT}=0.5"], seed=3))
    assert varied.changes == {CUT: 0.5}
    assert scenario.config.shocks.funding_cut.size == 0.8  # the original is unchanged
    assert "changes={'shocks.funding_cut.size': 0.5}" in repr(varied)


def test_replace_takes_keywords_nested_dicts_and_list_indices(scenario):
    by_keyword = scenario.replace(shocks__funding_cut__size=0.5, seed=9)
    by_dict = scenario.replace({"shocks": {"funding_cut": {"size": 0.5}}, "seed": 9})
    assert by_keyword.config == by_dict.config
    assert by_keyword.seed == 9
    founded = scenario.replace({"scenario.coalitions[0].founded": "2018-06"})
    assert founded.config.scenario.coalitions[0].founded == "2018-06"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"shocks.funding_cut.sise": 0.3},
            "shocks.funding_cut.sise: unknown key (did you mean 'size'?); allowed keys here: "
            "budgets, duration_months, size, start",
        ),
        ({CUT: "abc"}, "shocks.funding_cut.size: expected a number, got 'abc'"),
        ({CUT: 3}, "shocks.funding_cut.size: 3 is out of range; allowed [0, 1]"),
        ({"shocks.funding_cut": 1}, "shocks.funding_cut: is a section, not a value"),
        ({"scenario.coalitions[5].node": "x"}, "scenario.coalitions[5].node: scenario.coalitions"),
    ],
)
def test_replace_reports_a_bad_key_or_value_like_the_cli(scenario, changes, message):
    with pytest.raises(sim.ConfigError) as caught:
        scenario.replace(changes)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(message)


def test_replace_reports_every_problem_at_once(scenario):
    with pytest.raises(sim.ConfigError) as caught:
        scenario.replace({"nope": 1, CUT: 2})
    assert caught.value.problems[0].startswith("nope: unknown key")
    with pytest.raises(sim.ConfigError) as caught:
        scenario.replace({CUT: 2, "shocks.funding_cut.start": "2099-01"})
    assert len(caught.value.problems) == 2


@pytest.mark.parametrize(
    ("changes", "hint"),
    [
        ({"case": "chile"}, "sim.load(['case=chile'])"),
        ({"counterfactual": "no_coalition"}, "sim.load(['counterfactual=no_coalition'])"),
        ({"tactics": ["law", "broad_coalition"]}, "sim.load(['tactics=[law,broad_coalition]'])"),
        ({"tactics.law.enabled": True}, "tactic 'law' is not selected"),
    ],
)
def test_a_group_choice_is_refused_with_the_load_to_use(scenario, changes, hint):
    with pytest.raises(sim.ConfigError, match=r"^" + list(changes)[0].split(".")[0]) as caught:
        scenario.replace(changes)
    assert hint in str(caught.value)


def test_replace_of_a_selected_tactic_and_a_group_choice_by_load():
    law = sim.load(["tactics=[law]"])
    cheaper = law.replace({"tactics.law.cost_per_year": 12.0})
    assert cheaper.config.tactics.law.cost_per_year == 12.0
    with pytest.raises(sim.ConfigError, match=r"tactics=\[law,broad_coalition\]"):
        law.replace({"tactics.broad_coalition.enabled": True})


def test_replace_checks_the_network_again_when_coalitions_change(scenario):
    with pytest.raises(sim.ConfigError, match="is not a coalition node of the network"):
        scenario.replace({"scenario.coalitions[0].node": "nope"})


@pytest.mark.parametrize("seed", [-1, 2.5, True, "3", 2**63])
def test_a_bad_seed_is_refused_naming_seed(scenario, seed):
    with pytest.raises(sim.ConfigError, match=r"^seed: "):
        scenario.run(seed)


def test_load_reports_bad_overrides_like_load_config():
    with pytest.raises(sim.ConfigError) as caught:
        sim.load([f"{CUT}=3", "case=chil"])
    with pytest.raises(sim.ConfigError) as expected:
        load_config([f"{CUT}=3", "case=chil"])
    assert caught.value.problems == expected.value.problems
    with pytest.raises(sim.ConfigError, match="overrides: expected a list"):
        sim.load(3)


def test_simulate_composes_once_per_overrides(monkeypatch):
    first = sim.simulate([f"{CUT}=0.5"], seed=1)
    no_hydra(monkeypatch)
    again = sim.simulate([f"{CUT}=0.5"], seed=1)
    same(first, again)
    assert sim.simulate([f"{CUT}=0.5"], seed=2).config.seed == 2
    with pytest.raises(AssertionError, match="Hydra composed"):
        sim.simulate([f"{CUT}=0.6"], seed=1)  # other overrides: composed afresh


def test_simulate_results_share_no_config(monkeypatch):
    a = sim.simulate(seed=1)
    a.config.shocks.funding_cut.size = 0.0
    a.config.scenario.coalitions.clear()
    b = sim.simulate(seed=1)
    assert b.config.shocks.funding_cut.size == 0.8 and b.config.scenario.coalitions
    assert b.config is not a.config and b.config.shocks is not a.config.shocks


def test_simulate_without_a_seed_uses_the_overrides_seed_after_a_seeded_call():
    assert sim.simulate(["seed=4"], seed=9).config.seed == 9
    assert sim.simulate(["seed=4"]).config.seed == 4


MY_CUT = "# @package _global_\nshocks:\n  funding_cut:\n    size: {size}\n"


def test_simulate_sees_an_edited_yaml_file(tmp_path):
    (tmp_path / "counterfactual").mkdir()
    path = tmp_path / "counterfactual" / "my_cut.yaml"
    path.write_text(MY_CUT.format(size=0.25))
    set_user_config_dir(tmp_path)
    try:
        assert (
            sim.simulate(["counterfactual=my_cut"], seed=1).config.shocks.funding_cut.size == 0.25
        )
        assert sim.load(["counterfactual=my_cut"]).config.shocks.funding_cut.size == 0.25
        path.write_text(MY_CUT.format(size=0.5))
        assert sim.simulate(["counterfactual=my_cut"], seed=1).config.shocks.funding_cut.size == 0.5
        assert sim.load(["counterfactual=my_cut"]).config.shocks.funding_cut.size == 0.5
    finally:
        set_user_config_dir(None)
    with pytest.raises(sim.ConfigError, match="counterfactual: no option 'my_cut'"):
        sim.simulate(["counterfactual=my_cut"], seed=1)  # the user directory is gone


def test_simulate_sees_another_continuity_conf(tmp_path, monkeypatch):
    assert sim.simulate(seed=1).config.shocks.funding_cut.size == 0.8
    conf = tmp_path / "conf"
    shutil.copytree(packaged_conf_dir(), conf)
    shocks = conf / "shocks" / "mexico.yaml"
    shocks.write_text(shocks.read_text().replace("size: 0.8", "size: 0.35", 1))
    monkeypatch.setenv(CONF_ENV, str(conf))
    assert sim.simulate(seed=1).config.shocks.funding_cut.size == 0.35


def test_simulate_checks_an_edited_network_file_again(tmp_path):
    nodes = tmp_path / "nodes.csv"
    shutil.copy(Path(__file__).parent / "data" / "networks" / "tiny_nodes.csv", nodes)
    over = [
        "network=file",
        f"network.nodes={nodes}",
        "~scenario.coalitions",
        "~shocks.elections.state_calendar",
    ]
    assert sim.simulate(over, seed=1).config.network.nodes == str(nodes)
    nodes.write_text(nodes.read_text() + "zorg,alien,,\n")
    with pytest.raises(sim.NetworkFileError) as caught:
        sim.simulate(over, seed=1)
    assert caught.value.problems[0].startswith("network.nodes: ")  # from the check, not the run
    assert "alien" in str(caught.value)


def test_the_cache_keeps_the_most_recent_configs_and_no_errors():
    from types import SimpleNamespace

    from sim.config_cache import ConfigCache

    loads = []

    def loader(name):
        def load():
            loads.append(name)
            if name == "bad":
                raise sim.ConfigError("bad: no")
            return {}, SimpleNamespace(network=SimpleNamespace(nodes="", edges=""))

        return load

    cache = ConfigCache(maxsize=2)
    for name in ("a", "b", "a", "c", "a", "b"):  # c evicts b (a was used more recently)
        cache.get((name,), loader(name))
    assert loads == ["a", "b", "c", "b"] and len(cache) == 2
    for _ in range(2):
        with pytest.raises(sim.ConfigError):
            cache.get(("bad",), loader("bad"))
    assert loads.count("bad") == 2
