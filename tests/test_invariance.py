"""Invariances of the v2 model: the simulation start date and the scale of resources.

* Moving ``scenario.start`` earlier changes nothing after the strategy begins: its stocks start
  from zero at ``scenario.strategy_start`` (docs/ODD.md, Initialisation).
* Multiplying every actor's resources and every amount in effort units (the config fields marked
  ``money``) by the same factor changes no ratio metric by more than 1 %: effort units are
  arbitrary (docs/ODD.md, Units).
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest

from sim.api import load_config, run
from sim.model import ContinuityModel, build_network
from sim.summary import summarize

RATIO_METRICS = ("continuity_index", "min_momentum_ratio", "nonstate_share")


@pytest.mark.parametrize("seed", [0, 1])
def test_start_date_does_not_change_the_outcome(seed):
    base = run(load_config([], seed), keep_model=False)
    early = run(load_config(["scenario.start=2012-01"], seed), keep_model=False)
    assert abs(base.summary["continuity_index"] - early.summary["continuity_index"]) < 0.05
    after = early.timeseries[early.timeseries["date"] >= "2017-01"].reset_index(drop=True)
    for column in ("momentum", "coalition_members", "federal_priority"):
        np.testing.assert_allclose(after[column], base.timeseries[column])
    before = early.timeseries[early.timeseries["date"] < "2017-01"]
    assert (before["momentum"] == 0).all()


def _scale_money(obj, factor: float) -> None:
    """Multiply every field marked ``money`` in a config dataclass tree, in place."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.metadata.get("money"):
            setattr(obj, f.name, value * factor)
        elif dataclasses.is_dataclass(value):
            _scale_money(value, factor)


def _ratios(cfg, factor: float) -> dict[str, float]:
    cfg = copy.deepcopy(cfg)
    network = build_network(cfg, np.random.default_rng(cfg.seed))
    network.nodes["resources"] = network.nodes["resources"] * factor
    _scale_money(cfg, factor)
    model = ContinuityModel(cfg, network=network)
    model.run()
    summary = summarize(model, model.recorder.frame())
    return {k: summary[k] for k in RATIO_METRICS}


@pytest.mark.parametrize("factor", [0.1, 10.0])
def test_resource_scale_changes_no_ratio(factor):
    cfg = load_config([], 3)
    base, scaled = _ratios(cfg, 1.0), _ratios(cfg, factor)
    for key in RATIO_METRICS:
        assert scaled[key] == pytest.approx(base[key], rel=0.01), key


def test_money_fields_are_marked():
    cfg = load_config([], 0)
    marked = []

    def walk(obj, prefix):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.metadata.get("money"):
                marked.append(prefix + f.name)
            elif dataclasses.is_dataclass(value):
                walk(value, prefix + f.name + ".")

    walk(cfg, "")
    assert "params.federal.base_budget" in marked
    assert "params.coalition.outreach_cost" in marked
    assert "params.companies.momentum_reference" in marked
