"""More bad inputs (round two): unbounded numbers, sizes that do not fit, special files, GraphML
corners, Hydra corners, the Python API. Each case asserts the exit code (2), the plain message
(no traceback, key, value, what is allowed) and that nothing was written.

The helpers and the checks are those of ``tests/test_bad_inputs.py``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest
from test_bad_inputs import (  # noqa: F401 - no_model_run is a fixture
    BAD,
    GOOD_NODES,
    _problem_lines,
    assert_plain_failure,
    case,
    net,
    no_model_run,
)

from experiments import cli
from sim.errors import InputError

BAD2 = Path(__file__).parent / "data" / "bad2"
SYN = ["network=synthetic"]

# ------------------------------------------------------------------ run: numbers without bounds
BOUND_CASES = [
    case(
        "efficiency-1e308",
        ["params.momentum.efficiency=1e308"],
        ["efficiency", "1e+308", "[0, 1000]"],
    ),
    case("bill-rate-1e308", ["params.senate.bill_rate=1e308"], ["bill_rate", "1e+308", "[0, 100]"]),
    case(
        "base-budget-1e308", ["params.federal.base_budget=1e308"], ["base_budget", "[0, 1000000]"]
    ),
    case("office-budget-1e308", ["params.states.office_budget=1e308"], ["office_budget", "1e+308"]),
    case(
        "lobbying-1e308",
        ["params.senate.coalition_lobbying=1e308"],
        ["coalition_lobbying", "[0, 1000]"],
    ),
    case(
        "outreach-cost-1e308",
        ["params.coalition.outreach_cost=1e308"],
        ["outreach_cost", "[0.001, 1000000]"],
    ),
    case(
        "reference-1e308",
        ["params.companies.momentum_reference=1e308"],
        ["momentum_reference", "1e+308"],
    ),
    case(
        "half-life-1e308",
        ["params.international.half_life_months=1e308"],
        ["half_life_months", "1200"],
    ),
    case(
        "venue-shift-1e308",
        ["params.response.venue_shift=1e308"],
        ["venue_shift"],
    ),
    case(
        "memory-months-1e9",
        ["params.clarity.memory_months=1000000000"],
        ["memory_months", "[1, 1200]"],
    ),
    case(
        "pillar-weight-1e308",
        ["params.momentum.pillar_weights.state=[1e308,0,0,0,0]"],
        ["pillar_weights.state[0]", "[0, 1000]"],
    ),
    case(
        "tactic-boost-1e308",
        ["tactics=[law]", "tactics.law.bill_boost=1e308"],
        ["tactics.law.bill_boost", "[0, 1000]"],
    ),
    case("seed-1e308", ["seed=1e308"], ["seed", "1e+308", "9.22e+18"]),
    case("seed-2-to-64", ["seed=18446744073709551616"], ["seed", "1.84e+19", "9.22e+18"]),
    case("end-year-9999", ["scenario.end=9999-12"], ["scenario.end", "9999-12", "at most 1200"]),
    case(
        "cut-100000-months",
        ["shocks.funding_cut.duration_months=100000"],
        ["duration_months", "100000", "[1, 1200]"],
    ),
    case(
        "term-1e9-months",
        ["shocks.turnover.mode=term", "shocks.turnover.term_months=1000000000"],
        ["term_months", "[1, 1200]"],
    ),
    case(
        "state-cycle-1e6",
        ["shocks.elections.state_cycle_months=1000000"],
        ["state_cycle_months", "[0, 1200]"],
    ),
    case(
        "concentration-1e308",
        ["shocks.elections.fresh_concentration=1e308"],
        ["fresh_concentration", "1e+308"],
    ),
    case(
        "horizon-months-1e5",
        ["output.continuity_horizon_months=100000"],
        ["continuity_horizon_months", "[1, 1200]"],
    ),
    case(
        "agents-1e9", [*SYN, "network.n_agents=1000000000"], ["network.n_agents", "[1, 10000000]"]
    ),
    case(
        "agents-memory",
        [*SYN, "network.n_agents=9000000", "network.mean_degree=900"],
        ["network.n_agents", "GB", "available", "at most about"],
    ),
    case(
        "coalitions-1e6",
        [*SYN, "network.n_coalitions=1000000"],
        ["network.n_coalitions", "[0, 100000]"],
    ),
    case("states-1e6", [*SYN, "network.n_states=1000000"], ["network.n_states", "[0, 1000]"]),
    case("degree-1e308", [*SYN, "network.mean_degree=1e308"], ["network.mean_degree", "[0, 1000]"]),
    case(
        "pool-1e9", ["network.organizations_pool=1000000000"], ["organizations_pool", "[0, 100000]"]
    ),
    case("companies-1e9", ["network.companies=1000000000"], ["network.companies", "[0, 100000]"]),
    # messages
    case(
        "readme-network-file-example",
        net(GOOD_NODES),
        [
            "network.nodes",
            "ia2030mx",
            "32 state(s)",
            "~scenario.coalitions",
            "~shocks.elections.state_calendar",
        ],
    ),
    case(
        "graphml-boolean-type",
        net(BAD2 / "graphml_boolean_type.graphml"),
        ["graphml_boolean_type.graphml", "'type'", "boolean", "'string'"],
    ),
    case(
        "graphml-two-graphs",
        net(BAD2 / "graphml_two_graphs.graphml"),
        ["graphml_two_graphs.graphml", "2 graphs", "exactly one"],
    ),
    case(
        "graphml-nested",
        net(BAD2 / "graphml_nested.graphml"),
        ["graphml_nested.graphml", "'grp'", "nested graph"],
    ),
    case(
        "utf16-without-bom",
        net(BAD2 / "nodes_utf16_nobom.csv"),
        ["nodes_utf16_nobom.csv", "UTF-16", "UTF-8"],
    ),
    case(
        "system-file-like-csv",
        net(BAD2 / "nodes_passwd_like.csv"),
        ["nodes_passwd_like.csv", "not column names", "not a CSV header", "id,type"],
    ),
    # Hydra corners of run
    case(
        "run-dir-unset-variable",
        ["hydra.run.dir=${oc.env:CONTINUITY_UNSET_21}"],
        ["hydra.run.dir", "CONTINUITY_UNSET_21", "not set"],
    ),
    case("resolve-without-cfg", ["--resolve", "seed=abc"], ["--resolve", "--cfg"]),
]


@pytest.mark.parametrize("args, words, n", BOUND_CASES)
def test_run_rejects_more(args, words, n, tmp_path, capsys, monkeypatch, no_model_run):  # noqa: F811
    monkeypatch.chdir(tmp_path)
    run_dir = tmp_path / "run"
    code = cli.main(["run", *map(str, args), f"hydra.run.dir={run_dir}"])
    out, err = capsys.readouterr()
    assert_plain_failure(code, err, words, n, "run")
    assert out == ""
    assert list(tmp_path.iterdir()) == [], "something was written for a bad input"


def _fifo(t: Path) -> Path:
    os.mkfifo(t / "nodes.csv")
    return t / "nodes.csv"


def _symlink_to(target: str):
    def make(t: Path) -> Path:
        (t / "nodes.csv").symlink_to(target)
        return t / "nodes.csv"

    return make


def _huge(t: Path) -> Path:
    with open(t / "huge.csv", "wb") as f:
        f.truncate(300 * 2**20)  # sparse: no disk used
    return t / "huge.csv"


SPECIAL_FILES = [
    case("fifo-nodes", _fifo, ["network.nodes", "named pipe", "regular file"]),
    case("dev-urandom", lambda t: Path("/dev/urandom"), ["/dev/urandom", "device", "regular file"]),
    case("dev-zero", lambda t: Path("/dev/zero"), ["/dev/zero", "device", "regular file"]),
    case("symlink-to-passwd", _symlink_to("/etc/passwd"), ["nodes.csv", "not column names"]),
    case("symlink-to-dev-zero", _symlink_to("/dev/zero"), ["nodes.csv", "device"]),
    case("file-over-256-mb", _huge, ["huge.csv", "256 MB"]),
    case("fifo-edges", lambda t: ("edges", _fifo(t)), ["network.edges", "named pipe"]),
    case("dev-zero-edges", lambda t: ("edges", Path("/dev/zero")), ["network.edges", "device"]),
]


@pytest.mark.parametrize("make, words, n", SPECIAL_FILES)
def test_special_files_are_refused_without_reading_them(
    make,
    words,
    n,
    tmp_path,
    capsys,
    monkeypatch,
    no_model_run,  # noqa: F811
):
    """A FIFO or device would block or exhaust memory; a system file must not be echoed."""
    monkeypatch.chdir(tmp_path)
    made = make(tmp_path)
    if isinstance(made, tuple):
        args = net(GOOD_NODES, made[1])
    else:
        args = net(made)
    before = sorted(p.name for p in tmp_path.iterdir())
    code = cli.main(["run", *map(str, args), f"hydra.run.dir={tmp_path / 'run'}"])
    _, err = capsys.readouterr()
    assert_plain_failure(code, err, words, n, "run")
    assert "root:" not in err and "/bin/" not in err, "file content echoed"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_utf16_with_a_byte_order_mark_is_read(tmp_path):
    from sim.network_files import load_network

    a = load_network(BAD2 / "nodes_utf16_bom.csv")
    b = load_network(GOOD_NODES)
    assert a.nodes["id"].tolist() == b.nodes["id"].tolist()


# ------------------------------------------------------------------ sweep: sizes, designs, Hydra
SWEEP_MORE = [
    case(
        "replications-1e9",
        ["experiment=replications", "design.replications=1000000000"],
        ["design.replications", "1,000,000,000 runs", "at most 1,000,000", "GB"],
    ),
    case(
        "replications-1e6-grid",
        ["experiment=turnover_x_cut", "design.replications=1000000"],
        ["design.replications", "runs", "at most 1,000,000"],
    ),
    case(
        "sobol-samples-2-30",
        ["experiment=sensitivity", "design.samples=1073741824"],
        ["design.samples", "TB", "at most 1,000,000"],
    ),
    case(
        "lhs-samples-1e8",
        ["experiment=sensitivity", "design.kind=lhs", "design.samples=100000000"],
        ["design.samples", "100,000,000 points"],
    ),
    case(
        "morris-levels-1e5",
        ["experiment=sensitivity", "design.kind=morris", "+design.levels=100000"],
        ["design.levels", "100000", "2 to 1000"],
    ),
    case(
        "design-seed-1e20",
        ["experiment=replications", "design.seed=100000000000000000000"],
        ["design.seed", "2**63 - 1"],
    ),
    case(
        "grid-floats-over-int-key",
        [
            "experiment=turnover_x_cut",
            "+design.parameters.output.continuity_horizon_months=[10.4,10.6]",
        ],
        ["continuity_horizon_months", "10.4", "whole number"],
    ),
    case(
        "sweep-efficiency-1e308",
        ["experiment=replications", "params.momentum.efficiency=1e308"],
        ["params.momentum.efficiency", "[0, 1000]"],
    ),
    case(
        "design-bill-rate-1e308",
        ["experiment=turnover_x_cut", "+design.parameters.params.senate.bill_rate=[0.4,1e308]"],
        ["design points", "bill_rate", "[0, 100]"],
    ),
    case(
        "n-jobs-zero",
        ["experiment=replications", "hydra/launcher=joblib", "hydra.launcher.n_jobs=0"],
        ["hydra.launcher.n_jobs", "0", ">= 1"],
    ),
    case(
        "n-jobs-minus-100",
        ["experiment=replications", "hydra/launcher=joblib", "hydra.launcher.n_jobs=-100"],
        ["hydra.launcher.n_jobs", "-100"],
    ),
    case(
        "timeout-min-zero",
        [
            "experiment=replications",
            "hydra/launcher=submitit_local",
            "hydra.launcher.timeout_min=0",
        ],
        ["hydra.launcher.timeout_min", "0", ">= 1"],
    ),
    case(
        "cpus-per-task-zero",
        [
            "experiment=replications",
            "hydra/launcher=submitit_local",
            "hydra.launcher.cpus_per_task=0",
        ],
        ["hydra.launcher.cpus_per_task", "0", ">= 1"],
    ),
    case(
        "subdir-up-and-out",
        ["experiment=replications", "hydra.sweep.subdir=../../x"],
        ["hydra.sweep.subdir", "../../x", "leaves the sweep directory"],
    ),
    case(
        "subdir-absolute",
        ["experiment=replications", "hydra.sweep.subdir=/tmp/x"],
        ["hydra.sweep.subdir", "/tmp/x"],
    ),
    case(
        "sweep-dir-unset-variable",
        ["experiment=replications", "hydra.sweep.dir=${oc.env:CONTINUITY_UNSET_21}"],
        ["hydra.sweep.dir", "CONTINUITY_UNSET_21", "not set"],
    ),
]


@pytest.mark.parametrize("args, words, n", SWEEP_MORE)
def test_sweep_rejects_more(args, words, n, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = cli.main(["sweep", *args])  # no hydra.sweep.dir: a created default would show too
    _, err = capsys.readouterr()
    assert_plain_failure(code, err, words, n, "sweep")
    assert list(tmp_path.iterdir()) == []


def test_a_sweep_dir_with_now_is_resolved_once(tmp_path, monkeypatch):
    """``${now:%Y}`` used to make two directories (the command's literal one and the jobs')."""
    from experiments.sweep import parse_args

    monkeypatch.chdir(tmp_path)
    args = parse_args(["experiment=replications", "hydra.sweep.dir=sw_${now:%Y}"])
    assert "${" not in str(args.sweep_dir) and args.sweep_dir.name.startswith("sw_20")
    assert list(tmp_path.iterdir()) == []


VALIDATE_MORE = [
    case("seeds-1e9", ["seeds=1000000000"], ["seeds", "1,000,000,000", "at most 10,000", "hours"]),
    case("jobs-1e5", ["jobs=100000"], ["jobs", "100000", "at most 256"]),
    case("first-seed-1e20", ["first_seed=100000000000000000000"], ["first_seed", "2**63"]),
    case(
        "validate-efficiency-1e308",
        ["params.momentum.efficiency=1e308"],
        ["efficiency", "[0, 1000]"],
    ),
]


@pytest.mark.parametrize("args, words, n", VALIDATE_MORE)
def test_validate_rejects_more(args, words, n, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = cli.main(["validate", *args, f"out={tmp_path / 'v'}"])
    _, err = capsys.readouterr()
    assert_plain_failure(code, err, words, n, "validate")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ the Python API
API_CASES = [
    case("overrides-not-strings", {"overrides": [3]}, ["overrides[0]", "3", "'key=value'"]),
    case("overrides-an-int", {"overrides": 42}, ["overrides", "int"]),
    case("seed-a-float", {"seed": 1.5}, ["seed", "1.5", "whole number"]),
    case("seed-a-string", {"seed": "3"}, ["seed", "'3'", "whole number"]),
    case("seed-a-bool", {"seed": True}, ["seed", "True"]),
    case("seed-numpy-float", {"seed": np.float64(3.0)}, ["seed", "whole number"]),
    case(
        "bad-override-with-seed",
        {"overrides": ["seed=abc"], "seed": 3},
        ["seed", "seed='abc'", "whole number", "fix or drop"],
    ),
    case("seed-negative", {"seed": -1}, ["seed", "-1", "[0, 9.22e+18]"]),
    case("string-override-bad", {"overrides": "seed=abc"}, ["seed", "abc", "whole number"]),
]


@pytest.mark.parametrize("kwargs, words, n", API_CASES)
def test_simulate_rejects(kwargs, words, n, monkeypatch):
    import sim

    def launched(*a, **k):
        raise AssertionError("a bad input reached the model run")

    monkeypatch.setattr("sim.api.run", launched)
    with pytest.raises(InputError) as info:
        sim.simulate(**kwargs)
    text = "\n".join(info.value.problems)
    assert len(info.value.problems) == n, text
    assert "Traceback" not in text and all(len(p) < 400 for p in info.value.problems)
    for word in words:
        assert word in text, f"{word!r} not in {text!r}"


def test_simulate_takes_a_string_override_and_numpy_seeds(monkeypatch):
    import sim

    seen = []
    monkeypatch.setattr("sim.api.run", lambda cfg: seen.append(cfg) or cfg)
    sim.simulate(overrides="shocks.funding_cut.size=0.5")
    sim.simulate(seed=np.int64(5))
    sim.simulate(seed=np.uint32(6))
    assert seen[0].shocks.funding_cut.size == 0.5
    assert [c.seed for c in seen[1:]] == [5, 6] and all(type(c.seed) is int for c in seen[1:])


def test_simulate_in_four_threads_at_once_matches_one_at_a_time():
    import sim

    over = [
        "scenario.end=2020-12",
        "shocks.turnover.dates=[2018-12]",
        "shocks.elections.senate=[2018-07]",
    ]
    results: dict[int, object] = {}

    def go(seed: int) -> None:
        try:
            results[seed] = sim.simulate(over, seed=seed).summary
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[seed] = exc

    threads = [threading.Thread(target=go, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert all(isinstance(r, dict) for r in results.values()), results
    for s in range(4):
        assert results[s] == sim.simulate(over, seed=s).summary
