"""A corpus of bad inputs: every case names the input, the bad value and what is allowed.

Each case is one row of a table: an id, the command line and the words its message must contain.
Every case must exit with code 2, print a header and one or two plain lines per problem (no
traceback), and leave no result files. Most cases run in-process through ``experiments.cli.main``
(the real command, minus the process start); a handful run the console command end to end.
The malformed network files live in ``tests/data/bad/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import continuity

from experiments import cli
from sim.api import load_config
from sim.errors import InputError

BAD = Path(__file__).parent / "data" / "bad"
GOOD_NODES = Path(__file__).parent / "data" / "networks" / "tiny_nodes.csv"
NOISE = ("Traceback", "provider=", "Config search path", "HYDRA_FULL_ERROR")


def case(id_, args, words, n=1, **marks):
    """One row: ``args`` of the command, ``words`` its message must contain, ``n`` problems."""
    return pytest.param(args, words, n, id=id_, **marks)


def net(nodes, edges=None):
    """Overrides naming a user network file (and an edge file)."""
    out = ["network=file", f"network.nodes={nodes}"]
    return out + ([f"network.edges={edges}"] if edges else [])


# ------------------------------------------------------------------ run: config and network files
RUN_CASES = [
    # wrong types
    case("seed-not-a-number", ["seed=abc"], ["seed", "abc", "whole number"]),
    case("seed-not-whole", ["seed=1.5"], ["seed", "1.5", "whole number"]),
    case("size-a-word", ["shocks.funding_cut.size=high"], ["funding_cut.size", "high", "number"]),
    case(
        "n-agents-a-word",
        ["network=synthetic", "network.n_agents=many"],
        ["network.n_agents", "many", "whole number"],
    ),
    case("dates-not-a-list", ["shocks.turnover.dates=2018-12"], ["turnover.dates", "list"]),
    case("decay-nan", ["params.momentum.decay=nan"], ["params.momentum.decay", "nan", "finite"]),
    case("rate-inf", ["params.coalition.recruit_rate=inf"], ["recruit_rate", "inf", "finite"]),
    # unknown keys and names
    case("unknown-key", ["foo=1"], ["foo", "unknown", "seed", "shocks"]),
    case("unknown-key-plus", ["+foo=1"], ["foo", "unknown", "seed", "shocks"]),
    case(
        "unknown-nested-key",
        ["params.coalition.nope=1"],
        ["params.coalition.nope", "unknown", "recruit_rate", "join_threshold"],
    ),
    case("unknown-tactic", ["tactics=[nope]"], ["tactics", "nope", "law", "broad_coalition"]),
    case("unknown-scenario", ["scenario=nope"], ["scenario", "nope", "mexico"]),
    case(
        "unknown-counterfactual",
        ["counterfactual=nope"],
        ["counterfactual", "nope", "no_coalition", "deep_cut"],
    ),
    case(
        "unknown-turnover-mode",
        ["shocks.turnover.mode=weird"],
        ["turnover.mode", "weird", "dates", "term", "stochastic"],
    ),
    case(
        "experiment-on-run",
        ["experiment=tactics"],
        ["experiment", "continuity sweep experiment=NAME"],
    ),
    # probabilities and shares out of range
    case(
        "cut-size-above-1", ["shocks.funding_cut.size=1.5"], ["funding_cut.size", "1.5", "[0, 1]"]
    ),
    case("hazard-above-1", ["shocks.turnover.hazard=2"], ["turnover.hazard", "2", "[0, 1]"]),
    case("threshold-above-1", ["output.survival_threshold=2"], ["survival_threshold", "[0, 1]"]),
    case(
        "mix-share-negative",
        ["network=synthetic", "network.mix.company=-0.1"],
        ["network.mix.company", "-0.1", "[0, 1]", "network.mix", "sum to 1"],
        n=2,
    ),
    case(
        "mix-not-summing-to-1",
        ["network=synthetic", "network.mix.company=0.5"],
        ["network.mix", "1.2", "sum to 1"],
    ),
    case("seed-negative", ["seed=-1"], ["seed", "-1", "[0, 9.22e+18]"]),
    # negative budgets and resources
    case(
        "negative-budget", ["params.federal.base_budget=-5"], ["base_budget", "-5", "[0, 1000000]"]
    ),
    case("negative-office-budget", ["params.states.office_budget=-1"], ["office_budget", "-1"]),
    case("negative-pool", ["network.organizations_pool=-1"], ["organizations_pool", "-1", "[0"]),
    case(
        "negative-election-cycle",
        ["shocks.elections.state_cycle_months=-1"],
        ["state_cycle_months", "-1", "[0, 1200]"],
    ),
    # dates: malformed, outside the horizon, out of order
    case("turnover-month-13", ["shocks.turnover.dates=[2018-13]"], ["turnover.dates", "YYYY-MM"]),
    case(
        "turnover-before-horizon",
        ["shocks.turnover.dates=[1990-01]"],
        ["turnover.dates", "1990-01", "2017-01..2030-12"],
    ),
    case("start-after-end", ["scenario.start=2031-01"], ["scenario.end", "2031-01", "before"]),
    case("end-not-a-date", ["scenario.end=abc"], ["scenario.end", "abc", "YYYY-MM"]),
    case(
        "turnover-out-of-order",
        ["shocks.turnover.dates=[2024-10,2018-12]"],
        ["turnover.dates", "2024-10", "2018-12", "increasing"],
    ),
    case(
        "turnover-repeated",
        ["shocks.turnover.dates=[2018-12,2018-12]"],
        ["turnover.dates", "2018-12", "increasing"],
    ),
    case(
        "cut-start-after-horizon",
        ["shocks.funding_cut.start=2040-01"],
        ["funding_cut.start", "2040-01", "2017-01..2030-12"],
    ),
    case(
        "cut-ends-before-it-starts",
        ["shocks.funding_cut.duration_months=0"],
        ["funding_cut.duration_months", "0", "[1, 1200]"],
    ),
    case(
        "cut-negative-duration",
        ["shocks.funding_cut.duration_months=-3"],
        ["duration_months", "-3", "[1, 1200]"],
    ),
    case("abolition-month-13", ["shocks.abolition.dpa=2018-13"], ["abolition.dpa", "YYYY-MM"]),
    case("law-before-horizon", ["scenario.law_enacted=1990-01"], ["law_enacted", "1990-01"]),
    case("launch-after-horizon", ["scenario.strategy_launch=2035-01"], ["strategy_launch"]),
    case("term-zero", ["shocks.turnover.term_months=0"], ["term_months", "0", "[1, 1200]"]),
    case("no-administrations", ["scenario.administrations=[]"], ["administrations", "at least"]),
    # malformed network files
    case(
        "csv-missing-column",
        net(BAD / "nodes_missing_type.csv"),
        ["network.nodes", "nodes_missing_type.csv", "type", "required"],
    ),
    case(
        "csv-duplicate-ids",
        net(BAD / "nodes_duplicate_ids.csv"),
        ["nodes_duplicate_ids.csv", "line 3", "duplicate", "gov", "unique"],
    ),
    case(
        "csv-unknown-actor-type",
        net(BAD / "nodes_unknown_type.csv"),
        ["nodes_unknown_type.csv", "zorg", "alien", "organization", "administration"],
    ),
    case(
        "csv-commitment-out-of-range",
        net(BAD / "nodes_commitment_out_of_range.csv"),
        ["commitment", "1.7", "[0, 1]"],
    ),
    case("csv-no-nodes", net(BAD / "nodes_header_only.csv"), ["nodes_header_only.csv", "no nodes"]),
    case(
        "csv-dangling-edge",
        net(GOOD_NODES, BAD / "edges_dangling.csv"),
        ["network.edges", "edges_dangling.csv", "ghost", "dangling"],
    ),
    case(
        "csv-nan-weight",
        net(GOOD_NODES, BAD / "edges_nan_weight.csv"),
        ["edges_nan_weight.csv", "weight", "nan", "finite number"],
    ),
    case(
        "csv-negative-weight",
        net(GOOD_NODES, BAD / "edges_negative_weight.csv"),
        ["edges_negative_weight.csv", "-2", ">= 0"],
    ),
    case(
        "csv-edge-columns",
        net(GOOD_NODES, BAD / "edges_missing_columns.csv"),
        ["edges_missing_columns.csv", "source", "target", "src,dst"],
    ),
    case("empty-file", net(BAD / "empty.csv"), ["network.nodes", "empty.csv", "0 bytes"]),
    case(
        "empty-edge-file",
        net(GOOD_NODES, BAD / "empty.csv"),
        ["network.edges", "empty.csv", "0 bytes"],
    ),
    case("binary-file", net(BAD / "binary.graphml"), ["binary.graphml", "binary", "GraphML"]),
    case("malformed-graphml", net(BAD / "malformed.graphml"), ["malformed.graphml", "GraphML"]),
    case("node-file-is-a-directory", net(BAD), ["network.nodes", "directory"]),
    case("no-node-file", ["network=file"], ["network.nodes", "required"]),
    case(
        "edge-file-missing",
        net(GOOD_NODES, BAD / "nope.csv"),
        ["network.edges", "nope.csv", "not found"],
    ),
]


def _problem_lines(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ln.startswith("  - ")]


def assert_plain_failure(code, err: str, words, n: int, command: str) -> None:
    """Exit 2, a header, one or two plain lines per problem naming every word, no noise."""
    assert code == 2, f"exit {code}\n{err}"
    for noise in NOISE:
        assert noise not in err, f"{noise!r} in stderr:\n{err}"
    assert f"continuity {command}: invalid input" in err, err
    lines = [ln for ln in err.splitlines() if ln.strip() and "planning" not in ln]
    assert n + 1 <= len(lines) <= 2 * n + 1, err
    assert len(_problem_lines(err)) >= n, err
    assert all(len(ln) < 400 for ln in lines), err
    for word in words:
        assert str(word) in err, f"{word!r} not in stderr:\n{err}"


@pytest.fixture
def no_model_run(monkeypatch):
    """Fail loudly if a bad input ever reached the model (Hydra's run)."""
    import experiments.run

    def launched():
        raise AssertionError("a bad input reached the model run")

    monkeypatch.setattr(experiments.run, "main", launched)


@pytest.mark.parametrize("args, words, n", RUN_CASES)
def test_run_rejects(args, words, n, tmp_path, capsys, no_model_run):
    run_dir = tmp_path / "run"
    code = cli.main(["run", *map(str, args), f"hydra.run.dir={run_dir}"])
    out, err = capsys.readouterr()
    assert_plain_failure(code, err, words, n, "run")
    assert out == ""
    assert not run_dir.exists(), "a run directory was created for a bad input"
    assert len(_problem_lines(err)) == n, err  # one "  - " line per problem of load_config


@pytest.mark.parametrize(
    "args",
    [["seed=abc", "shocks.funding_cut.size=1.5", "foo=1"], net(BAD / "binary.graphml")],
    ids=["config", "network-file"],
)
def test_the_api_raises_the_same_plain_lines(args, capsys, tmp_path, no_model_run):
    with pytest.raises(InputError) as info:
        load_config(list(map(str, args)))
    problems = info.value.problems
    assert problems and all(p.strip() and "\n" not in p for p in problems)
    assert cli.main(["run", *map(str, args), f"hydra.run.dir={tmp_path}/run"]) == 2
    assert _problem_lines(capsys.readouterr().err) == [f"  - {p}" for p in problems]


@pytest.mark.parametrize("where", ["afile/sub", "/proc/x"])
def test_run_dir_that_cannot_be_created_is_rejected_before_the_run(
    where, tmp_path, capsys, monkeypatch, no_model_run
):
    """Works as root too: nobody can create a directory under a regular file or in /proc."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("not a directory")
    code = cli.main(["run", f"hydra.run.dir={where}"])
    _, err = capsys.readouterr()
    assert_plain_failure(code, err, ["hydra.run.dir", where, "writable"], 1, "run")
    assert [p.name for p in tmp_path.iterdir()] == ["afile"]
    assert (tmp_path / "afile").read_text() == "not a directory"


# ------------------------------------------------------------------ sweep designs
def sweep(*args: str) -> list[str]:
    return ["sweep", *args]


SWEEP_CASES = [
    case("no-experiment", [], ["experiment", "missing", "tactics", "sensitivity"]),
    case("unknown-experiment", ["experiment=nope"], ["experiment", "nope", "turnover_x_cut"]),
    case(
        "unknown-design-kind",
        ["experiment=turnover_x_cut", "design.kind=nope"],
        ["design.kind", "nope", "grid", "lhs", "sobol", "morris"],
    ),
    case(
        "empty-parameter-range",
        ["experiment=turnover_x_cut", "design.parameters.shocks.funding_cut.size=[]"],
        ["design.parameters.shocks.funding_cut.size", "empty", "at least one value"],
    ),
    case(
        "lower-above-upper",
        ["experiment=sensitivity", "design.parameters.params.momentum.decay=[0.2,0.1]"],
        ["design.parameters.params.momentum.decay", "0.2", "0.1", "lower", "upper"],
    ),
    case(
        "range-of-one-value",
        ["experiment=sensitivity", "design.parameters.params.momentum.decay=[0.1]"],
        ["params.momentum.decay", "[0.1]", "[low, high]"],
    ),
    case(
        "zero-replications",
        ["experiment=replications", "design.replications=0"],
        ["design.replications", "0", ">= 1"],
    ),
    case(
        "replications-a-word",
        ["experiment=replications", "design.replications=abc"],
        ["design.replications", "abc", ">= 1"],
    ),
    case(
        "sobol-not-power-of-2",
        ["experiment=sensitivity", "design.samples=100"],
        ["design.samples", "100", "power of 2", "128"],
    ),
    case(
        "zero-samples",
        ["experiment=sensitivity", "design.samples=0"],
        ["design.samples", "0", ">= 1"],
    ),
    case(
        "unknown-design-key",
        ["experiment=sensitivity", "++design.parameters.params.coalition.nope=[0.1,0.2]"],
        ["design.parameters.params.coalition.nope", "not a key", "recruit_rate"],
    ),
    case(
        "design-value-out-of-range",
        ["experiment=turnover_x_cut", "design.parameters.shocks.funding_cut.size=[0.5,1.5]"],
        ["design points 1, 3", "funding_cut.size", "1.5", "[0, 1]"],
    ),
    case(
        "design-unknown-tactic",
        ["experiment=tactics", "design.parameters.tactics=[[nope]]"],
        ["tactics", "nope", "law"],
    ),
    case(
        "sweep-seed-a-word",
        ["experiment=replications", "seed=abc"],
        ["seed", "abc", "whole number", "design.seed"],
    ),
    case(
        "sweep-config-problem",
        ["experiment=replications", "shocks.funding_cut.size=high"],
        ["shocks.funding_cut.size", "high", "number"],
    ),
    case(
        "unknown-launcher",
        ["experiment=replications", "hydra/launcher=nope"],
        ["hydra/launcher", "nope", "joblib"],
    ),
    case("unknown-option", ["experiment=replications", "--frob"], ["--frob", "unknown option"]),
    case(
        "chunk-size-zero",
        ["experiment=replications", "sweep.chunk_size=0"],
        ["sweep.chunk_size", "0", "auto"],
    ),
]


@pytest.mark.parametrize("args, words, n", SWEEP_CASES)
def test_sweep_rejects(args, words, n, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sweep_dir = tmp_path / "sweep"
    code = cli.main(["sweep", *args, f"hydra.sweep.dir={sweep_dir}"])
    _, err = capsys.readouterr()
    assert_plain_failure(code, err, words, n, "sweep")
    assert not sweep_dir.exists(), "a sweep directory was created for a bad input"
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ validate, report, collect
VALIDATE_CASES = [
    case("seeds-negative", ["seeds=-1"], ["seeds", "-1", "at least 2"]),
    case("seeds-a-word", ["seeds=abc"], ["seeds", "abc", "whole number"]),
    case("jobs-zero", ["jobs=0"], ["jobs", "0", "at least 1"]),
    case(
        "unknown-counterfactual",
        ["counterfactuals=[nope]"],
        ["counterfactuals", "nope", "no_coalition", "deep_cut"],
    ),
    case("seed-instead-of-seeds", ["seed=3"], ["seed=3", "seeds=", "first_seed="]),
    case("unknown-key", ["bogus=1"], ["bogus", "unknown"]),
    case("config-problem", ["shocks.funding_cut.size=1.5"], ["funding_cut.size", "1.5", "[0, 1]"]),
]


@pytest.mark.parametrize("args, words, n", VALIDATE_CASES)
def test_validate_rejects(args, words, n, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out_dir = tmp_path / "validate"
    code = cli.main(["validate", *args, f"out={out_dir}"])
    _, err = capsys.readouterr()
    assert_plain_failure(code, err, words, n, "validate")
    assert list(tmp_path.iterdir()) == []


def _sweep_without_runs(tmp: Path) -> Path:
    d = tmp / "half_sweep"
    d.mkdir()
    (d / "sweep.json").write_text((BAD / "sweep_json_without_runs.json").read_text())
    return d


def _empty_dir(tmp: Path) -> Path:
    (tmp / "empty").mkdir()
    return tmp / "empty"


def _sweep_json_not_json(tmp: Path) -> Path:
    (tmp / "broken").mkdir()
    (tmp / "broken" / "sweep.json").write_text("{not json")
    return tmp / "broken"


def _a_file(tmp: Path) -> Path:
    (tmp / "afile").write_text("x")
    return tmp / "afile"


DIR_CASES = [
    case(
        "report-missing-dir", ["report", lambda t: t / "missing"], ["missing", "no such directory"]
    ),
    case("report-empty-dir", ["report", _empty_dir], ["empty", "no results", "summary.json"]),
    case("report-no-dir", ["report"], ["DIR", "expected one"]),
    case("report-a-file", ["report", _a_file], ["afile", "not a directory"]),
    case("report-sweep-without-runs", ["report", _sweep_without_runs], ["runs.parquet"]),
    case("collect-missing-dir", ["collect", lambda t: t / "missing"], ["missing", "sweep.json"]),
    case("collect-empty-dir", ["collect", _empty_dir], ["empty", "not a sweep", "sweep.json"]),
    case("collect-a-file", ["collect", _a_file], ["afile", "not a sweep"]),
    case(
        "collect-sweep-json-without-runs",
        ["collect", _sweep_without_runs],
        ["sweep.json", "not a sweep plan", "runs"],
    ),
    case(
        "collect-sweep-json-not-json",
        ["collect", _sweep_json_not_json],
        ["sweep.json", "unreadable"],
    ),
]


@pytest.mark.parametrize("args, words, n", DIR_CASES)
def test_report_and_collect_reject(args, words, n, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    command = args[0]
    argv = [a(tmp_path) if callable(a) else a for a in args]
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    code = cli.main([str(a) for a in argv])
    _, err = capsys.readouterr()
    assert_plain_failure(code, err, words, n, command)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


# ------------------------------------------------------------------ end to end (subprocesses)
END_TO_END = [
    case("run-wrong-type", ["run", "seed=abc", "hydra.run.dir=run"], ["seed", "abc"]),
    case(
        "run-binary-network",
        ["run", *net(BAD / "binary.graphml"), "hydra.run.dir=run"],
        ["binary.graphml", "GraphML"],
    ),
    case(
        "run-dir-under-a-file",
        ["run", "hydra.run.dir=afile/sub"],
        ["hydra.run.dir", "afile/sub", "writable"],
    ),
    case(
        "sweep-sobol-samples",
        ["sweep", "experiment=sensitivity", "design.samples=100", "hydra.sweep.dir=sw"],
        ["design.samples", "100", "power of 2"],
    ),
    case("validate-seeds", ["validate", "seeds=-1", "out=val"], ["seeds", "-1", "at least 2"]),
]


@pytest.mark.parametrize("args, words, n", END_TO_END)
def test_end_to_end(args, words, n, tmp_path):
    (tmp_path / "afile").write_text("x")
    _sweep_without_runs(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    proc = continuity(*map(str, args), cwd=tmp_path)
    assert_plain_failure(proc.returncode, proc.stderr, words, n, args[0])
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
