"""Invariants that must hold every month, whatever the parameters.

~40 configurations are drawn with ``numpy.random.default_rng(0)`` over the parameters' ranges
(decay, susceptibilities, rates, cut size/start/duration/budgets, turnover mode, abolitions,
elections, ...) on a shortened horizon (2017-01..2022-12) and a smaller Mexico network; the model
is stepped month by month and checked after every step. A ``hypothesis`` property test does the
same for a few key parameters.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from sim.agents import FederalAdministration
from sim.api import compose
from sim.config import ACTOR_KEYS, Config, validate
from sim.dates import format_month, parse_month
from sim.model import ContinuityModel
from sim.summary import summarize

SHORT = [
    "scenario.end=2022-12",
    "shocks.turnover.dates=[2018-12]",
    "shocks.elections.senate=[2018-07]",
]
SMALL = [*SHORT, "network.organizations_pool=60", "network.companies=15"]
SYNTHETIC = [*SHORT, "network=synthetic", "network.n_agents=300", "network.mean_degree=6"]
START, END = parse_month("2017-01"), parse_month("2022-12")
N_MONTHS = END - START + 1
N_DRAWS = 40
BUDGETS = ["federal_program", "state_transfers", "coalition_grants"]


@functools.cache
def _composed(overrides: tuple[str, ...]) -> dict[str, Any]:
    return compose(list(overrides))


def _base() -> dict[str, Any]:
    return _composed(tuple(SMALL))


def config_with(values: dict[str, Any], base: list[str] = SMALL) -> Config:
    """The small config with ``values`` set at dotted keys (each key must already exist)."""
    data = copy.deepcopy(_composed(tuple(base)))
    for key, value in values.items():
        *path, last = key.split(".")
        node = data
        for part in path:
            node = node[part]
        assert last in node, f"unknown config key {key}"
        node[last] = value
    return validate(data)


def _date(rng: np.random.Generator, lo: int = START, hi: int = END) -> str:
    return format_month(int(rng.integers(lo, hi + 1)))


def draw_values(rng: np.random.Generator) -> dict[str, Any]:
    """One random configuration over the parameters' ranges."""
    u = rng.uniform
    v: dict[str, Any] = {"seed": int(rng.integers(0, 2**31))}
    for t in ACTOR_KEYS:
        v[f"params.commitment.susceptibility.{t}"] = u(0, 1)
    for t in _base()["params"]["momentum"]["pillar_weights"]:
        w = u(0, 1, 5)
        w[rng.integers(0, 5)] += 0.1  # a positive sum
        v[f"params.momentum.pillar_weights.{t}"] = w.tolist()
    v |= {
        "params.commitment.member_pull": u(0, 1),
        "params.momentum.decay": float(rng.choice([0.0, 1.0])) if u() < 0.1 else u(0, 1),
        "params.momentum.efficiency": u(0, 3),
        "params.federal.base_budget": u(0, 50),
        "params.federal.adjust_rate": u(0, 1),
        "params.federal.learning_rate": u(0, 1),
        "params.federal.state_transfer_share": u(0, 0.5),
        "params.federal.coalition_grant_share": u(0, 0.5),
        "params.turnover.inheritance": u(0, 1),
        "params.turnover.branding_penalty": u(0, 1),
        "params.turnover.embedded_share": u(0, 1),
        "params.coalition.recruit_rate": u(0, 1),
        "params.coalition.outreach_rate": u(0, 1),
        "params.coalition.leave_rate": u(0, 1),
        "params.coalition.dues_share": u(0, 1),
        "params.coalition.outreach_cost": u(0.001, 10),
        "params.coalition.coordination_gain": u(0, 5),
        "params.coalition.nonmember_engagement": u(0, 1),
        "params.companies.base_investment": u(0, 1),
        "params.companies.momentum_response": u(0, 2),
        "params.companies.clarity_response": u(0, 2),
        "params.companies.coalition_share": u(0, 1),
        "params.companies.momentum_reference": u(0.001, 500),
        "params.states.initiative_rate": u(0, 0.3),
        "params.states.imitation_rate": u(0, 1),
        "params.states.office_budget": u(0, 3),
        "params.states.close_at_election": u(0, 1),
        "params.states.no_office_engagement": u(0, 1),
        "params.senate.bill_rate": u(0, 3),
        "params.senate.passage_rate": u(0, 1),
        "params.senate.coalition_lobbying": u(0, 3),
        "params.dpa.guidance_rate": u(0, 1),
        "params.dpa.network_boost": u(0, 3),
        "params.dpa.international_grant": u(0, 2),
        "params.international.join_base": u(0, 1),
        "params.international.anchor_boost": u(0, 1),
        "params.international.coalition_grant": u(0, 2),
        "params.law.priority_floor": u(0, 1),
        "params.law.budget_floor": u(0, 1),
    }
    # funding cut: size 0..1, a date or with_turnover, a duration or none, any budgets
    v["shocks.funding_cut.size"] = float(rng.choice([0.0, 1.0])) if u() < 0.2 else u(0, 1)
    if u() < 0.5:
        v["shocks.funding_cut.start"] = "with_turnover"
        v["shocks.funding_cut.duration_months"] = int(rng.integers(1, 48)) if u() < 0.5 else None
    else:
        start = parse_month(_date(rng))
        v["shocks.funding_cut.start"] = format_month(start)
        left = END - start + 1
        v["shocks.funding_cut.duration_months"] = (
            int(rng.integers(1, left + 1)) if u() < 0.5 else None
        )
    v["shocks.funding_cut.budgets"] = [b for b in BUDGETS if u() < 0.7]
    # turnover: every mode
    mode = str(rng.choice(["dates", "term", "stochastic", "none"]))
    v["shocks.turnover.mode"] = mode
    if mode == "dates":
        k = int(rng.integers(0, 4))
        months = sorted(rng.choice(np.arange(START + 1, END + 1), size=k, replace=False))
        v["shocks.turnover.dates"] = [format_month(int(m)) for m in months]
    elif mode == "term":
        v["shocks.turnover.first"] = _date(rng, START + 1)
        v["shocks.turnover.term_months"] = int(rng.integers(1, 73))
    elif mode == "stochastic":
        v["shocks.turnover.hazard"] = 1.0 if u() < 0.2 else u(0, 0.3)
    # abolitions and elections
    v["shocks.abolition.dpa"] = _date(rng) if u() < 0.4 else None
    v["shocks.abolition.ai_offices"] = _date(rng) if u() < 0.3 else None
    k = int(rng.integers(0, 3))
    months = sorted(rng.choice(np.arange(START, END + 1), size=k, replace=False))
    v["shocks.elections.senate"] = [format_month(int(m)) for m in months]
    v["shocks.elections.state_cycle_months"] = int(rng.integers(1, 73))
    v["shocks.elections.renewal"] = u(0, 1)
    return v


DRAWS = [draw_values(r) for r in np.random.default_rng(0).spawn(N_DRAWS)]


def check_month(model: ContinuityModel) -> None:
    """Invariants after one step."""
    st = model.state
    arrays = {
        "momentum": model.momentum,
        "momentum_by_type": model.momentum_by_type,
        "commitment": st.commitment,
        "anchor": st.anchor,
        "resources": st.resources,
        "funding": st.funding,
        "effort": st.effort,
    }
    for name, a in arrays.items():
        assert np.isfinite(a).all(), f"{name} not finite"
        assert (a >= 0).all(), f"{name} negative: {a.min()}"
    assert (st.commitment <= 1).all() and (st.anchor <= 1).all()
    assert 0.0 <= model.federal_knowhow <= 1.0
    adm = model.administration
    assert np.isfinite(adm.budget) and adm.budget >= 0
    assert all(np.isfinite(x) and x >= 0 for x in adm.lines.values()), adm.lines
    assert adm.budget == pytest.approx(sum(adm.lines.values()))
    assert np.isclose(model.momentum.sum(), model.momentum_by_type.sum(), rtol=1e-9, atol=1e-9)
    members = st.coalition >= 0
    assert np.count_nonzero(members) <= model.recruitable_count
    assert not (members & ~model.recruitable).any(), "a non-recruitable actor in a coalition"
    assert np.count_nonzero(st.ai_office) <= model.state_idx.size
    feds = [a for a in model.agents if isinstance(a, FederalAdministration)]
    assert feds == [adm]
    assert model.actors[model.seat] is adm


def run_checked(cfg: Config) -> ContinuityModel:
    model = ContinuityModel(cfg)
    while model.month <= model.calendar.end:
        model.step()
        check_month(model)
    ts = model.recorder.frame()
    numeric = ts.drop(columns=["date", "administration"]).to_numpy(dtype=float)
    assert np.isfinite(numeric).all()
    assert (numeric >= 0).all()
    contributions = ts.filter(regex=r"^contribution_").sum(axis=1)
    np.testing.assert_allclose(contributions, ts["momentum"], rtol=1e-9, atol=1e-9)
    assert (ts["coalition_members"] <= model.recruitable_count).all()
    summary = summarize(model, ts)
    json.dumps(summary, allow_nan=False)
    assert summary["agents_by_type"]["FederalAdministration"] == 1
    return model


@pytest.mark.parametrize("k", range(N_DRAWS))
def test_invariants_over_random_parameters(k):
    model = run_checked(config_with(DRAWS[k]))
    assert len(model.recorder.frame()) == N_MONTHS


@pytest.mark.parametrize(
    ("k", "n_states", "n_coalitions"), [(0, 0, 0), (1, 5, 1), (2, 3, 3), (3, 32, 2)]
)
def test_invariants_on_synthetic_networks(k, n_states, n_coalitions):
    values = DRAWS[k] | {"network.n_states": n_states, "network.n_coalitions": n_coalitions}
    model = run_checked(config_with(values, SYNTHETIC))
    assert len(model.coalitions) == n_coalitions
    assert model.state_idx.size == n_states


def test_draws_cover_the_shocks():
    """The draws exercise every turnover mode, dated and with_turnover cuts, abolitions."""
    modes = {d["shocks.turnover.mode"] for d in DRAWS}
    assert modes == {"dates", "term", "stochastic", "none"}
    starts = {d["shocks.funding_cut.start"] == "with_turnover" for d in DRAWS}
    assert starts == {True, False}
    assert any(d["shocks.abolition.dpa"] for d in DRAWS)
    assert any(d["shocks.abolition.ai_offices"] for d in DRAWS)


@settings(max_examples=25, deadline=None)
@given(
    decay=hs.floats(0, 1),
    cut=hs.floats(0, 1),
    hazard=hs.floats(0, 1),
    recruit=hs.floats(0, 1),
    leave=hs.floats(0, 1),
    susceptibility=hs.floats(0, 1),
    passage=hs.floats(0, 1),
    seed=hs.integers(0, 2**16),
)
def test_invariants_property(decay, cut, hazard, recruit, leave, susceptibility, passage, seed):
    values = {
        "seed": seed,
        "params.momentum.decay": decay,
        "shocks.funding_cut.size": cut,
        "shocks.turnover.mode": "stochastic",
        "shocks.turnover.hazard": hazard,
        "params.coalition.recruit_rate": recruit,
        "params.coalition.leave_rate": leave,
        "params.senate.passage_rate": passage,
    }
    for t in ACTOR_KEYS:
        values[f"params.commitment.susceptibility.{t}"] = susceptibility
    model = run_checked(config_with(values))
    if hazard == 0:
        assert model.turnovers == []
    if hazard == 1:
        assert model.turnovers == list(range(START + 1, END + 1))
