"""Property-based tests over the whole parameter space (hypothesis), plus extreme-but-valid cases.

Configurations are drawn by walking the config dataclasses (:class:`sim.config.Config`): every
numeric leaf that declares a ``range`` in its field metadata (``_p``, ``_f``, ``_i``) and every
ranged mapping (susceptibilities, pillar weights, the synthetic mix) is drawn inside its range,
so a parameter added to the schema is covered without touching this file. Unbounded ranges are
drawn up to twice the default. On top of that the structural parts are drawn explicitly: the
horizon (2017-01 to 2020-06..2022-12), the administrations, the coalitions (founded, never
founded, founded later), the counterfactual law date, every turnover mode (dates, term incl.
a term of one month, stochastic incl. hazard 1, none), the funding cut (size 0..1, with the
turnover or dated, any duration and budgets), abolitions, Senate elections, any subset of the
tactics with start dates, and the network (synthetic with 20..300 agents, 0..6 states and 0..3
coalitions, or the Mexico network with small pools).

Each configuration is run month by month with the checks of ``tests/test_invariants.py``
(:func:`run_checked`: finite, non-negative arrays, commitment in [0, 1], momentum = sum of the
contributions, coalition members within the recruitable actors, offices within the states, one
federal administration, a JSON-able summary) plus the summary checks below. Runs are
reproducible: ``derandomize=True`` and no example database.

Numbers of configurations: ``test_random_synthetic_configurations`` 700,
``test_random_configurations_with_every_tactic_and_shock`` 400 (synthetic),
``test_random_mexico_configurations`` 200 and
``test_same_config_and_seed_give_identical_results`` 10 pairs (~1,300 configurations, ~70 s on
2 cores with ``-n 2``); plus the explicit extreme cases.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import typing
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from test_invariants import run_checked

from sim.api import compose, run
from sim.config import BUDGETS, Config, validate
from sim.dates import format_month, parse_month
from sim.model import ContinuityModel
from sim.tactics import TACTIC_NAMES

START = parse_month("2017-01")
LATEST_INTERNATIONAL = parse_month("2020-06")  # the last dated event of the Mexico scenario
LAST_END = parse_month("2022-12")

GENERIC_ROOTS = ("params", "tactics", "output", "shocks.elections")
"""Config sections whose ranged numeric leaves are drawn generically."""
SKIP = {"seed"}


# --------------------------------------------------------------------------- schema walk
@dataclasses.dataclass(frozen=True)
class Leaf:
    """A ranged numeric field of the schema (or a ranged mapping of numbers)."""

    path: str
    kind: str  # "float", "int" or "mapping"
    low: float
    high: float
    default: Any


def _upper(low: float, high: float | None, default: Any) -> float:
    if high is not None:
        return high
    scale = default if isinstance(default, int | float) and default > 0 else 1.0
    return max(2.0 * scale, low + 1.0)


def _leaves(cls: type, prefix: str = "") -> list[Leaf]:
    """Every ranged numeric leaf under dataclass ``cls`` (recursively), with dotted paths."""
    hints = typing.get_type_hints(cls)
    out: list[Leaf] = []
    instance = cls()
    for f in dataclasses.fields(cls):
        path = f"{prefix}{f.name}"
        tp = hints[f.name]
        if dataclasses.is_dataclass(tp):
            out += _leaves(tp, path + ".")
            continue
        rng = f.metadata.get("range")
        if rng is None or path in SKIP:
            continue
        default = getattr(instance, f.name)
        low = rng[0] if rng[0] is not None else 0.0
        origin = typing.get_origin(tp)
        if origin is dict:
            out.append(Leaf(path, "mapping", low, _upper(low, rng[1], 0.5), default))
        elif tp is int:
            out.append(Leaf(path, "int", low, _upper(low, rng[1], default), default))
        elif tp is float:
            out.append(Leaf(path, "float", low, _upper(low, rng[1], default), default))
    return out


LEAVES = [lf for lf in _leaves(Config) if lf.path.startswith(GENERIC_ROOTS)]


def test_schema_walk_finds_the_parameters():
    """The walk reaches every ranged parameter (a new one is drawn automatically)."""
    paths = {lf.path for lf in LEAVES}
    assert "params.momentum.decay" in paths
    assert "params.commitment.susceptibility" in paths
    assert "params.momentum.pillar_weights" in paths
    assert "tactics.law.passage_boost" in paths
    assert "shocks.elections.renewal" in paths
    assert len(paths) > 70


# --------------------------------------------------------------------------- strategies
@functools.cache
def _composed(kind: str) -> dict[str, Any]:
    if kind == "synthetic":
        return compose(["network=synthetic"])
    return compose()


def _floats(low: float, high: float) -> hs.SearchStrategy[float]:
    return hs.floats(low, high, allow_nan=False, allow_infinity=False)


def _months(low: int, high: int) -> hs.SearchStrategy[str]:
    return hs.integers(low, high).map(format_month)


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parts, last = path.split(".")
    node = data
    for p in parts:
        node = node.setdefault(p, {})  # tactics not selected are absent from the composed dict
    node[last] = value


def _get(data: dict[str, Any], path: str) -> Any:
    node = data
    for p in path.split("."):
        node = node[p]
    return node


@hs.composite
def _generic_values(draw: hs.DrawFn, data: dict[str, Any]) -> None:
    """Draw every ranged numeric leaf of the generic sections into ``data`` (in place)."""
    for lf in LEAVES:
        if lf.kind == "int":
            value: Any = draw(hs.integers(int(lf.low), int(lf.high)))
        elif lf.kind == "float":
            value = draw(_floats(lf.low, lf.high))
        else:
            current = _get(data, lf.path)
            value = {}
            for key, v in current.items():
                if isinstance(v, list):
                    row = [draw(_floats(lf.low, lf.high)) for _ in v]
                    if sum(row) <= 0:  # the rule: a positive sum
                        row[draw(hs.integers(0, len(row) - 1))] = 0.5
                    value[key] = row
                else:
                    value[key] = draw(_floats(lf.low, lf.high))
        _set(data, lf.path, value)
    fed = data["params"]["federal"]
    total = fed["state_transfer_share"] + fed["coalition_grant_share"]
    if total > 1:  # the rule: at most 1
        fed["state_transfer_share"] /= total
        fed["coalition_grant_share"] /= total
        while fed["state_transfer_share"] + fed["coalition_grant_share"] > 1:
            fed["coalition_grant_share"] = math.nextafter(fed["coalition_grant_share"], 0)


@hs.composite
def _shocks(draw: hs.DrawFn, data: dict[str, Any], end: int) -> None:
    sh = data["shocks"]
    t = sh["turnover"]
    t["mode"] = mode = draw(hs.sampled_from(["dates", "term", "stochastic", "none"]))
    if mode == "dates":
        months = draw(hs.lists(hs.integers(START + 1, end), max_size=4, unique=True))
        t["dates"] = [format_month(m) for m in sorted(months)]
    elif mode == "term":
        t["first"] = draw(_months(START + 1, end))
        t["term_months"] = draw(hs.integers(1, 80))
    elif mode == "stochastic":
        t["hazard"] = draw(_floats(0, 1))
    cut = sh["funding_cut"]
    cut["size"] = draw(_floats(0, 1))
    cut["budgets"] = draw(hs.lists(hs.sampled_from(BUDGETS), unique=True))
    if draw(hs.booleans()):
        cut["start"] = "with_turnover"
        cut["duration_months"] = draw(hs.none() | hs.integers(1, 80))
    else:
        begin = draw(hs.integers(START, end))
        cut["start"] = format_month(begin)
        cut["duration_months"] = draw(hs.none() | hs.integers(1, end - begin + 1))
    for key in ("dpa", "ai_offices"):
        sh["abolition"][key] = draw(hs.none() | _months(START, end))
    senate = draw(hs.lists(hs.integers(START, end), max_size=3, unique=True))
    sh["elections"]["senate"] = [format_month(m) for m in sorted(senate)]


@hs.composite
def configs(draw: hs.DrawFn, kind: str = "synthetic", all_tactics: bool = False) -> Config:
    """A random valid configuration (validated)."""
    data = copy.deepcopy(_composed(kind))
    data["seed"] = draw(hs.integers(0, 2**32 - 1))
    end = draw(hs.integers(LATEST_INTERNATIONAL, LAST_END))
    sc = data["scenario"]
    sc["end"] = format_month(end)
    sc["law_enacted"] = draw(hs.none() | _months(START, end))
    n_adm = draw(hs.integers(1, 4))
    sc["administrations"] = [
        {"name": f"administration {k + 1}", "agenda_priority": draw(_floats(0, 1))}
        for k in range(n_adm)
    ]
    node = "ia2030mx" if kind == "mexico" else "coalition_01"
    coalitions = draw(hs.sampled_from(["default", "never", "later"]))
    if coalitions == "never":
        sc["coalitions"] = [{"node": node, "founded": None, "coordinators": []}]
    elif coalitions == "later":
        founded = draw(_months(START, end))
        sc["coalitions"] = [{"node": node, "founded": founded, "coordinators": []}]
    draw(_generic_values(data))
    draw(_shocks(data, end))
    for name in TACTIC_NAMES:
        tactic = data.setdefault("tactics", {}).setdefault(name, {})
        tactic["enabled"] = True if all_tactics else draw(hs.booleans())
        tactic["start"] = draw(_months(START, end))
    net = data["network"]
    if kind == "synthetic":
        net["n_states"] = n_states = draw(hs.integers(0, 6))
        net["n_coalitions"] = n_coal = draw(hs.integers(0, 3))
        net["n_agents"] = n = draw(hs.integers(max(20, 3 + n_states + n_coal), 300))
        net["mean_degree"] = draw(_floats(0, min(10.0, n - 1)))
        shares = [draw(_floats(0, 1)) for _ in net["mix"]]
        if sum(shares) == 0:
            shares[0] = 1.0
        net["mix"] = dict(zip(net["mix"], (s / sum(shares) for s in shares), strict=True))
    else:
        net["organizations_pool"] = draw(hs.integers(0, 40))
        net["companies"] = draw(hs.integers(10, 20))  # >= 10: one per sector
    return validate(data)


# --------------------------------------------------------------------------- checks
SUMMARY_NUMBERS = (
    "momentum_before_turnover",
    "continuity_index",
    "min_momentum_after_turnover",
    "min_momentum_ratio",
    "months_to_recover",
    "nonstate_share",
)


def check_run(cfg: Config) -> tuple[ContinuityModel, pd.DataFrame, dict[str, Any]]:
    """Run ``cfg`` with every invariant; return the model, its table and its summary."""
    from sim.summary import summarize

    model = run_checked(cfg)
    ts = model.recorder.frame()
    n_months = parse_month(cfg.scenario.end) - parse_month(cfg.scenario.start) + 1
    assert len(ts) == n_months
    assert ts["momentum"].ge(0).all()
    assert ts["coalition_members"].le(model.recruitable_count).all()
    assert ts["states_with_ai_office"].le(model.state_idx.size).all()
    assert ts["states_ever_ai_office"].le(model.state_idx.size).all()
    assert ts["states_with_ai_office"].le(ts["states_ever_ai_office"]).all()
    assert ts.filter(regex="^funding_").ge(0).all().all()
    assert ts["federal_knowhow"].between(0, 1).all()
    summary = summarize(model, ts)
    for key in SUMMARY_NUMBERS:
        value = summary[key]
        assert value is None or (np.isfinite(value) and value >= 0), (key, value)
    if summary["momentum_before_turnover"] is None:  # documented: null when M(T0 - 1) = 0
        assert summary["continuity_index"] is None and summary["min_momentum_ratio"] is None
        assert summary["survived"] is False
    share = summary["nonstate_share"]
    assert share is None or 0 <= share <= 1 + 1e-9
    assert np.isfinite(summary["momentum_final"]) and summary["momentum_final"] >= 0
    assert summary["momentum_final"] == ts["momentum"].iloc[-1]
    assert 0 <= summary["states_with_ai_office_final"] <= model.state_idx.size
    assert 0 <= summary["coalition_members_final"] <= model.recruitable_count
    assert summary["tactics"] == cfg.tactics.enabled()
    return model, ts, summary


PROPERTY = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)


@settings(PROPERTY, max_examples=700)
@given(cfg=configs())
def test_random_synthetic_configurations(cfg):
    check_run(cfg)


@settings(PROPERTY, max_examples=400)
@given(cfg=configs(all_tactics=True))
def test_random_configurations_with_every_tactic_and_shock(cfg):
    _, _, summary = check_run(cfg)
    assert summary["tactics"] == list(TACTIC_NAMES)


@settings(PROPERTY, max_examples=200)
@given(cfg=configs(kind="mexico"))
def test_random_mexico_configurations(cfg):
    check_run(cfg)


@settings(PROPERTY, max_examples=10)
@given(cfg=configs())
def test_same_config_and_seed_give_identical_results(cfg):
    a, b = run(cfg, keep_model=False), run(cfg, keep_model=False)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    assert a.summary == b.summary


# --------------------------------------------------------------------------- extreme cases
SHORT_END = "2022-12"
N_SHORT = parse_month(SHORT_END) - START + 1


def extreme_config(values: dict[str, Any], kind: str = "synthetic") -> Config:
    """The default config of ``kind`` on 2017-01..2022-12 with ``values`` at dotted keys."""
    data = copy.deepcopy(_composed(kind))
    data["scenario"]["end"] = SHORT_END
    data["shocks"]["turnover"]["dates"] = ["2018-12"]
    data["shocks"]["elections"]["senate"] = ["2018-07"]
    if kind == "synthetic":
        data["network"]["n_agents"] = 300
    else:
        data["network"] |= {"organizations_pool": 60, "companies": 15}
    for key, value in values.items():
        _set(data, key, value)
    return validate(data)


ALL_TACTICS = {f"tactics.{name}.enabled": True for name in TACTIC_NAMES}
ZERO_BUDGETS = {"params.federal.base_budget": 0.0}


def test_zero_budgets_leave_no_federal_effort():
    """Sensible: no federal money -> no federal budget, funding, effort or momentum from it."""
    _, ts, _ = check_run(extreme_config(ZERO_BUDGETS | ALL_TACTICS))
    for col in ("federal_budget", "federal_effort", "contribution_federal", "funding_federal"):
        assert (ts[col] == 0).all(), col


def test_nothing_moves_gives_null_ratios():
    """Sensible: no budget and no efficiency -> momentum 0 throughout; ratios null, not NaN."""
    _, ts, summary = check_run(
        extreme_config(ZERO_BUDGETS | {"params.momentum.efficiency": 0.0}, "mexico")
    )
    assert (ts["momentum"] == 0).all()
    assert summary["momentum_before_turnover"] is None
    assert summary["continuity_index"] is None and summary["min_momentum_ratio"] is None
    assert summary["nonstate_share"] is None and summary["survived"] is False


def test_shares_summing_to_one_leave_no_negative_programme():
    """Regression: state + coalition shares = 1 left the programme at -1e-16 (rounding)."""
    values = {
        "params.federal.state_transfer_share": 0.5333333333333333,
        "params.federal.coalition_grant_share": 0.4666666666666667,
    }
    model, ts, _ = check_run(extreme_config(values))
    assert (ts["funding_federal"] >= 0).all()
    assert model.administration.lines["federal_program"] == 0.0


@pytest.mark.parametrize(
    "values",
    [
        {"network.organizations_pool": 0, "network.companies": 10},  # the smallest Mexico pools
        {"network.organizations_pool": 0, "network.companies": 10, **ALL_TACTICS},
    ],
)
def test_smallest_mexico_network(values):
    """``network.companies`` < 10 is rejected by ``load_config`` (one company per sector)."""
    model, ts, _ = check_run(extreme_config(values, "mexico"))
    assert ts["coalition_members"].le(model.recruitable_count).all()


@pytest.mark.parametrize(
    ("n_states", "n_coalitions", "mix"),
    [
        (1, 1, {"company": 0.0, "organization": 1.0, "international": 0.0}),  # no companies
        # no states, no coalition
        (0, 0, {"company": 1.0, "organization": 0.0, "international": 0.0}),
        (1, 3, {"company": 0.5, "organization": 0.0, "international": 0.5}),
    ],
)
def test_tiny_synthetic_networks(n_states, n_coalitions, mix):
    """Sensible: offices only in the states there are; no coalition -> no members."""
    values = {"network.n_states": n_states, "network.n_coalitions": n_coalitions}
    values |= {"network.mix": mix, "network.n_agents": 3 + n_states + n_coalitions + 5}
    values |= {"network.mean_degree": 2.0} | ALL_TACTICS
    model, ts, _ = check_run(extreme_config(values))
    assert ts["states_ever_ai_office"].le(n_states).all()
    if n_coalitions == 0:
        assert (ts["coalition_members"] == 0).all()
        assert (ts["contribution_coalitions"] == 0).all()


@pytest.mark.parametrize("kind", ["synthetic", "mexico"])
def test_full_cut_from_the_start(kind):
    """Sensible: a cut of 1.0 of every budget from the first month -> no federal budget at all."""
    values = {"shocks.funding_cut.start": "2017-01", "shocks.funding_cut.size": 1.0}
    values |= {"params.senate.passage_rate": 0.0}  # no law, whose floor would restore a budget
    _, ts, summary = check_run(extreme_config(values, kind))
    assert (ts["federal_budget"] == 0).all() and (ts["contribution_federal"] == 0).all()
    assert summary["funding_cut_start"] == "2017-01"


@pytest.mark.parametrize(
    "values",
    [
        {"shocks.turnover.mode": "stochastic", "shocks.turnover.hazard": 1.0},
        {
            "shocks.turnover.mode": "term",
            "shocks.turnover.first": "2017-02",
            "shocks.turnover.term_months": 1,
        },
    ],
    ids=["hazard_1", "term_1"],
)
@pytest.mark.parametrize("tactics", [False, True], ids=["", "all_tactics"])
def test_turnover_every_month(values, tactics):
    """Sensible: a new administration every month after the first; the cut comes with the first."""
    model, ts, summary = check_run(extreme_config(values | (ALL_TACTICS if tactics else {})))
    assert model.turnovers == list(range(START + 1, START + N_SHORT))
    assert len(summary["turnovers"]) == N_SHORT - 1
    assert (ts["administration"].iloc[1:].to_numpy() != ts["administration"].iloc[:-1]).all()


def test_no_coalition():
    """Sensible: a coalition never founded recruits nobody and contributes nothing."""
    values = {"scenario.coalitions": [{"node": "ia2030mx", "founded": None, "coordinators": []}]}
    _, ts, _ = check_run(extreme_config(values | ALL_TACTICS, "mexico"))
    assert (ts["coalition_members"] == 0).all()
    assert (ts["contribution_coalitions"] == 0).all()


@pytest.mark.parametrize("kind", ["synthetic", "mexico"])
def test_every_tactic_at_once(kind):
    _, _, summary = check_run(extreme_config(ALL_TACTICS, kind))
    assert summary["tactics"] == list(TACTIC_NAMES)


@pytest.mark.parametrize("key", ["recruit_rate", "outreach_rate", "join_threshold", "leave_rate"])
@pytest.mark.parametrize("value", [0.0, 1.0])
def test_coalition_rates_at_their_bounds(key, value):
    """Sensible: members stay within the recruitable actors; with threshold 1 none joins later."""
    model, ts, _ = check_run(extreme_config({f"params.coalition.{key}": value}))
    if key == "join_threshold" and value == 1.0:
        founders = ts["coalition_members"].max()
        assert ts["coalition_members"].iloc[-1] <= founders
    if key == "leave_rate" and value == 1.0:
        assert ts["coalition_members"].le(model.recruitable_count).all()


@pytest.mark.parametrize("decay", [0.0, 1.0])
def test_momentum_decay_at_its_bounds(decay):
    """Sensible: decay 1 -> momentum is this month's effort only; decay 0 -> it never falls."""
    _, ts, _ = check_run(extreme_config({"params.momentum.decay": decay} | ZERO_BUDGETS))
    if decay == 0.0:
        assert (ts["momentum"].diff().iloc[1:] >= -1e-9 * ts["momentum"].iloc[1:]).all()
