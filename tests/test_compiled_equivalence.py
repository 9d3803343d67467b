"""The compiled engine gives the numpy reference's outputs, bit for bit, across the model.

Every config below is run with both engines on the same seeds; the monthly table, the summary,
the final arrays and the Python-level state of the agents must be identical. The configs cover
every case, every tactic (at and off its default effort), every counterfactual, the turnover
modes, abolitions, dormant months before the strategy starts, a dated law, several coalitions
on a synthetic network and the tiny hand-built network of the unit tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.compiled import layout
from sim.compiled.sums import pairwise_sum
from sim.model import ContinuityModel
from sim.recorder import NUMERIC_COLUMNS
from sim.summary import summarize

CONFIGS = [
    [],
    ["case=chile"],
    ["case=colombia"],
    ["case=argentina"],
    ["case=brazil"],
    ["counterfactual=decree_at_launch"],
    ["counterfactual=law_before_turnover"],
    ["counterfactual=no_coalition"],
    ["counterfactual=no_turnover"],
    ["counterfactual=deep_cut"],
    ["counterfactual=no_anchor", "case=chile"],
    ["tactics=[law,diversified_funding,subnational_hubs,broad_coalition]"],
    [
        "tactics=[international_commitments,senate_champions,bureaucratic_embedding,"
        "transition_briefings]"
    ],
    ["tactics=[law,broad_coalition]", "tactics.law.cost_per_year=48"],
    ["tactics=[subnational_hubs]", "tactics.subnational_hubs.cost_per_year=6", "case=chile"],
    ["shocks.turnover.mode=stochastic", "shocks.turnover.hazard=0.05"],
    ["shocks.turnover.mode=term", "shocks.funding_cut.duration_months=30"],
    ["shocks.abolition.dpa=2025-01", "shocks.abolition.ai_offices=2022-01"],
    ["shocks=none"],
    ["scenario.law_enacted=2020-06", "params.federal.base_budget=0"],
    ["network=synthetic", "network.n_agents=1500", "network.n_coalitions=3"],
]


def _both(config, network=None):
    a = ContinuityModel(config, network=network, engine="numpy")
    b = ContinuityModel(config, network=network, engine="compiled")
    a.run()
    b.run()
    return a, b


def _agents_state(m):
    adm, senate = m.administration, m.senate
    return {
        "month": m.month,
        "knowhow": m.federal_knowhow,
        "appropriation": m.appropriation,
        "law": (m.law_in_force, m.law_passed_month),
        "anchors": [(a.kind, a.name, a.since, a.honoured) for a in m.anchors],
        "anchors_lost": m.anchors_lost,
        "made": m.commitments_made,
        "relaunches": m.relaunches,
        "turnovers": m.turnovers,
        "responses": (m.withdrawal, m.capacity, m.mobilisation, m.fatigue, m.wins),
        "peaks": (m.priority_peak, m.budget_peak),
        "administration": (
            adm.name,
            adm.agenda_priority,
            adm.inherited,
            adm.relaunched,
            adm.budget,
            adm.lines,
        ),
        "senate": None if senate is None else (senate.bills_introduced, senate.pending),
        "dpas": [(d.alive, d.guidance_months) for d in m.dpas],
        "coalitions": [(c.pooled, c.intake_room, c.size) for c in m.coalitions],
    }


def _assert_same(a, b):
    fa, fb = a.recorder.frame(), b.recorder.frame()
    pd.testing.assert_frame_equal(fa, fb, check_exact=True)
    assert summarize(a, fa) == summarize(b, fb)
    for name in ("commitment", "anchor", "resources", "funding", "effort", "coalition"):
        x, y = getattr(a.state, name), getattr(b.state, name)
        assert x.tobytes() == y.tobytes(), name
    assert a.momentum.tobytes() == b.momentum.tobytes()
    assert a.momentum_by_type.tobytes() == b.momentum_by_type.tobytes()
    assert _agents_state(a) == _agents_state(b)
    for name in ("turnover", "review", "elections", "recruitment", "international"):
        x, y = getattr(a.streams, name), getattr(b.streams, name)
        assert x.bit_generator.state == y.bit_generator.state, f"stream {name}"


@pytest.mark.parametrize("overrides", CONFIGS, ids=lambda o: " ".join(o) or "mexico")
@pytest.mark.parametrize("seed", [0, 11])
def test_compiled_run_is_the_numpy_run(mexico_config, overrides, seed):
    a, b = _both(mexico_config([*overrides, f"seed={seed}"]))
    _assert_same(a, b)


def test_compiled_run_on_the_tiny_network(make_model):
    a, b = make_model(overrides=["seed=3"]), make_model(overrides=["seed=3"])
    a.engine = "numpy"
    a.run()
    b.run()
    _assert_same(a, b)


def test_month_by_month_stepping_is_the_whole_run(mexico_config):
    """Stepping one month at a time (the dashboard) gives what one call of the loop gives."""
    cfg = mexico_config(["case=chile", "seed=5"])
    whole = ContinuityModel(cfg)
    whole.run()
    stepped = ContinuityModel(cfg)
    while stepped.month <= stepped.calendar.end:
        stepped.step()
    _assert_same(whole, stepped)


def test_switching_engines_mid_run_continues_the_same_run(mexico_config):
    cfg = mexico_config(["seed=2", "shocks.turnover.mode=stochastic"])
    ref = ContinuityModel(cfg, engine="numpy")
    ref.run()
    mixed = ContinuityModel(cfg, engine="compiled")
    for _ in range(40):
        mixed.step()
    mixed.engine = "numpy"
    for _ in range(40):
        mixed.step()
    mixed.engine = "compiled"
    mixed.run()
    _assert_same(ref, mixed)


def test_unknown_engine_is_refused(mexico_config):
    with pytest.raises(ValueError, match="engine: 'fast' is not one of compiled, numpy"):
        ContinuityModel(mexico_config(), engine="fast")


def test_the_kernel_records_the_recorder_columns():
    """The compiled record writes the columns in ``NUMERIC_COLUMNS`` order: count them."""
    assert len(NUMERIC_COLUMNS) == 1 + 5 + 4 + 7 + 3 + 2 + 4 + 4 + 4 + 3
    assert layout.S_NAMES.index("turnover_due") == layout.S_TURNOVER_DUE


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 127, 128, 129, 255, 1000, 4097, 100_003])
def test_pairwise_sum_is_numpy_sum_bit_for_bit(n):
    rng = np.random.default_rng(n)
    for _ in range(5):
        a = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n)
        assert np.float64(pairwise_sum(a)).tobytes() == np.add.reduce(a).tobytes()


def test_a_copied_model_draws_from_its_own_streams(mexico_config):
    import copy

    cfg = mexico_config(["seed=4"])
    original = ContinuityModel(cfg)
    for _ in range(30):
        original.step()
    twin = copy.deepcopy(original)
    twin.run()
    original.run()
    _assert_same(original, twin)
