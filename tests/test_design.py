"""Designs (experiments.design) and sweep plans (experiments.sweep_plan), without launching."""

from __future__ import annotations

import pytest

from experiments.design import parse_design
from experiments.sweep_plan import make_plan, run_seed
from sim.errors import ConfigError

RANGES = {"a": [0.0, 1.0], "b": [10.0, 20.0], "c": [-1.0, 1.0]}


def design(**kw):
    node = {"kind": "grid", "parameters": {"x": [1, 2, 3], "y": ["p", "q"]}, "replications": 2}
    node.update({"seed": 0, **kw})
    return parse_design(node)


def test_grid_is_the_product_in_file_order():
    pts = design().points()
    assert len(pts) == 6
    assert pts[0] == {"x": 1, "y": "p"} and pts[1] == {"x": 1, "y": "q"}
    assert pts[-1] == {"x": 3, "y": "q"}


def test_grid_without_parameters_is_one_point():
    assert design(parameters={}).points() == [{}]


@pytest.mark.parametrize(
    ("kind", "extra", "n"),
    [
        ("lhs", {}, 8),
        ("sobol", {}, 8 * (3 + 2)),
        ("sobol", {"second_order": True}, 8 * (2 * 3 + 2)),
        ("morris", {}, 8 * (3 + 1)),
    ],
)
def test_sampled_designs_have_salib_sizes_and_stay_in_bounds(kind, extra, n):
    d = design(kind=kind, parameters=RANGES, samples=8, **extra)
    pts = d.points()
    assert len(pts) == n
    for key, (low, high) in RANGES.items():
        assert all(low <= p[key] <= high for p in pts)
    assert pts == d.points()  # the sweep seed fixes the sample
    assert pts != design(kind=kind, parameters=RANGES, samples=8, **{**extra, "seed": 1}).points()


def test_nested_parameters_flatten_to_dotted_keys():
    d = design(
        parameters={"shocks": {"funding_cut": {"size": [0.2, 0.8]}}, "tactics": [[], ["law"]]}
    )
    assert d.names == ["shocks.funding_cut.size", "tactics"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"colour": 1}, "design.colour: unknown key"),
        ({"kind": "factorial"}, "design.kind: 'factorial' is not allowed"),
        ({"replications": 0}, "design.replications: 0 is not allowed"),
        ({"parameters": {"x": []}}, "design.parameters.x: empty list"),
        ({"kind": "lhs", "samples": 4, "parameters": {"x": [0.5, 0.5]}}, "empty range"),
        (
            {"kind": "lhs", "samples": 4, "parameters": {"x": [2, 1]}},
            "lower bound 2 > upper bound 1",
        ),
        ({"kind": "lhs", "samples": 4, "parameters": {"x": [1, 2, 3]}}, "is not a range"),
        ({"kind": "lhs", "samples": 0, "parameters": {"x": [1, 2]}}, "design.samples: 0"),
        ({"kind": "sobol", "samples": 12, "parameters": {"x": [1, 2]}}, "not a power of 2"),
        ({"kind": "morris", "samples": 4, "parameters": {}}, "design.parameters: empty"),
        ({"parameters": {"seed": [1, 2]}}, "design.parameters.seed"),
        ({"paired": "yes"}, "design.paired: 'yes'"),
    ],
)
def test_bad_designs_name_the_key(change, expected):
    with pytest.raises(ConfigError) as err:
        design(**change)
    assert any(expected in p for p in err.value.problems), err.value.problems


def test_every_problem_is_reported_at_once():
    with pytest.raises(ConfigError) as err:
        parse_design({"kind": "lhs", "parameters": {"x": [2, 1]}, "replications": 0, "seed": -1})
    assert len(err.value.problems) >= 3


def test_seed_depends_on_sweep_seed_point_and_replication_only():
    p = {"shocks.funding_cut.size": 0.4}
    s = run_seed(0, p, 0, paired=False)
    assert s == run_seed(0, dict(p), 0, paired=False)
    assert s != run_seed(1, p, 0, paired=False)
    assert s != run_seed(0, p, 1, paired=False)
    assert s != run_seed(0, {"shocks.funding_cut.size": 0.6}, 0, paired=False)
    assert run_seed(0, p, 3, paired=True) == run_seed(0, {"other": 1}, 3, paired=True)


# ----------------------------------------------------------------------------- plans
SMALL_GRID = [
    "design.parameters.shocks.turnover.first=[2018-12,2019-12]",
    "design.parameters.shocks.funding_cut.size=[0.4,0.8]",
    "design.replications=2",
]


def test_plan_validates_every_point_and_derives_seeds():
    plan = make_plan("turnover_x_cut", SMALL_GRID)
    assert len(plan.points) == 4 and len(plan.runs) == 8
    assert [r[0] for r in plan.runs] == list(range(8))
    # paired (the preset's choice): the same two seeds at every point
    assert {r[3] for r in plan.runs if r[2] == 0} == {plan.runs[0][3]}
    assert plan.digest == make_plan("turnover_x_cut", SMALL_GRID).digest
    assert plan.digest != make_plan("turnover_x_cut", [*SMALL_GRID, "seed=7"]).digest


def test_plan_composes_one_base_per_tactic_combination():
    plan = make_plan(
        "tactics",
        ["design.parameters.tactics=[[],[law],[law,broad_coalition]]", "design.replications=1"],
    )
    assert len(plan.bases) == 3
    assert [sorted(b.get("tactics", {})) for b in plan.bases] == [
        [],
        ["law"],
        ["broad_coalition", "law"],
    ]
    assert plan.points[2]["label"] == "tactics=law+broad_coalition"


def test_integer_keys_sampled_from_ranges_are_rounded():
    plan = make_plan(
        "sensitivity",
        [
            "design.kind=lhs",
            "design.samples=4",
            "design.replications=1",
            "~design.parameters",  # replace the preset's parameters altogether
            "+design.parameters={shocks: {elections: {state_cycle_months: [48, 96]}}}",
        ],
    )
    from experiments.sweep_plan import config_for

    cfgs = [config_for(plan.bases, p, 0) for p in plan.points]
    assert all(isinstance(c["shocks"]["elections"]["state_cycle_months"], int) for c in cfgs)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (["+design.parameters.params.momentum.decy=[0.1,0.2]"], "params.momentum.decy: not a key"),
        (["design.parameters.shocks.funding_cut.size=[0.5,1.5]"], "shocks.funding_cut.size"),
        (["design.parameters.shocks.turnover.first=[2018-13]"], "2018-13"),
        (["design.replications=0"], "design.replications: 0"),
        (["+design.colour=red"], "design.colour: unknown key"),
        (["sweep.chunk_size=0"], "sweep.chunk_size: 0"),
        (["+sweep.workers=2"], "sweep.workers: unknown key"),
    ],
)
def test_plan_rejects_bad_points_before_running(overrides, expected):
    with pytest.raises(ConfigError) as err:
        make_plan("turnover_x_cut", overrides)
    assert any(expected in p for p in err.value.problems), err.value.problems


def test_unknown_tactic_in_a_design_is_reported():
    with pytest.raises(ConfigError) as err:
        make_plan("tactics", ["design.parameters.tactics=[[lawfare]]"])
    assert any("lawfare" in p for p in err.value.problems), err.value.problems
