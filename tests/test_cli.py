"""End to end through the real ``continuity`` console command (subprocesses).

Every run writes into ``hydra.run.dir=<tmp>/run`` and runs with ``cwd=<tmp>``, so nothing is
written into the repository.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from cli_runner import continuity
from expected_outputs import AGENT_CLASSES, REQUIRED_COLUMNS, SUMMARY_KEYS

import sim
from sim.schemas import run_timeseries, to_arrow

RESULT_FILES = ("timeseries.parquet", "summary.json", "momentum.png")

TIMESERIES_COLUMNS = REQUIRED_COLUMNS

# A short horizon (2017-01..2020-06: one turnover, one Senate election, every international
# opportunity of the scenario) without the figure.
SHORT = [
    "scenario.end=2020-06",
    "shocks.turnover.dates=[2018-12]",
    "shocks.elections.senate=[2018-07]",
    "output.figure=false",
]


def results_in(run_dir: Path) -> list[str]:
    """Result files present in a run directory (none if it does not exist)."""
    return [name for name in RESULT_FILES if (run_dir / name).exists()]


# --------------------------------------------------------------------------- the default run
@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """The one full-horizon run: ``continuity run`` with the default config."""
    tmp = tmp_path_factory.mktemp("default")
    run_dir = tmp / "run"
    proc = continuity("run", f"hydra.run.dir={run_dir}", cwd=tmp)
    return proc, run_dir


def test_default_run_exits_0(default_run):
    proc, _ = default_run
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_default_run_prints_a_readable_summary(default_run):
    proc, run_dir = default_run
    out = proc.stdout
    summary = json.loads((run_dir / "summary.json").read_text())
    assert "mexico" in out
    assert "seed 42" in out
    assert "2018-12" in out and "2024-10" in out  # the turnovers
    assert "Turnovers" in out
    assert f"continuity index {summary['continuity_index']:.2f}" in out
    assert str(run_dir) in out  # where the files are
    for name in RESULT_FILES:
        assert name in out
    # readable: a handful of lines, no repr of Python objects
    lines = out.strip().splitlines()
    assert 3 <= len(lines) <= 20, out
    assert "{" not in out and "DataFrame" not in out


def test_default_run_writes_the_timeseries(default_run):
    _, run_dir = default_run
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    missing = [c for c in TIMESERIES_COLUMNS if c not in ts.columns]
    assert not missing, f"missing columns: {missing}"
    assert len(ts) == 14 * 12  # 2017-01..2030-12
    # the file follows docs/data.md: date32 month starts
    assert ts["date"].iloc[0] == dt.date(2017, 1, 1) and ts["date"].iloc[-1] == dt.date(2030, 12, 1)
    assert ts["step"].tolist() == list(range(len(ts)))
    numeric = ts[[c for c in TIMESERIES_COLUMNS if c not in ("date", "administration")]]
    assert numeric.notna().all().all()
    assert (ts["momentum"] >= 0).all()
    assert ts["administration"].nunique() == 3


def test_default_run_writes_the_summary(default_run):
    _, run_dir = default_run
    summary = json.loads((run_dir / "summary.json").read_text())
    missing = [k for k in SUMMARY_KEYS if k not in summary]
    assert not missing, f"missing keys: {missing}"
    assert summary["seed"] == 42
    assert summary["scenario"] == "mexico"
    assert summary["turnovers"] == ["2018-12", "2024-10"]
    agents = summary["agents_by_type"]
    for cls in AGENT_CLASSES:
        assert agents.get(cls, 0) >= 1, f"no {cls} in {agents}"
    assert agents["FederalAdministration"] == 1
    assert agents["State"] == 32


def test_default_run_writes_the_figure(default_run):
    _, run_dir = default_run
    png = run_dir / "momentum.png"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000


def test_default_run_writes_nothing_else_into_cwd(default_run):
    _, run_dir = default_run
    assert sorted(p.name for p in run_dir.parent.iterdir()) == ["run"]


# --------------------------------------------------------------------------- seed and API
@pytest.fixture(scope="module")
def seed7_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("seed7")
    run_dir = tmp / "run"
    overrides = ["shocks.funding_cut.size=0.8", *SHORT]
    proc = continuity("run", "seed=7", *overrides, f"hydra.run.dir={run_dir}", cwd=tmp)
    return proc, run_dir, overrides


def test_seed_is_reflected_in_the_summary(seed7_run):
    proc, run_dir, _ = seed7_run
    assert proc.returncode == 0, proc.stderr
    assert json.loads((run_dir / "summary.json").read_text())["seed"] == 7
    assert "seed 7" in proc.stdout
    assert not (run_dir / "momentum.png").exists()  # output.figure=false


def test_cli_result_equals_simulate(seed7_run):
    proc, run_dir, overrides = seed7_run
    assert proc.returncode == 0, proc.stderr
    result = sim.simulate(overrides, seed=7)
    cli_ts = pq.read_table(run_dir / "timeseries.parquet")
    # the file is the in-memory table cast to its documented schema (docs/data.md)
    assert cli_ts.equals(to_arrow(result.timeseries, run_timeseries()))
    cli_summary = json.loads((run_dir / "summary.json").read_text())
    assert cli_summary == json.loads(json.dumps(result.summary))


# --------------------------------------------------------------------------- help and commands
def test_help(tmp_path):
    proc = continuity("--help", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "usage" in proc.stdout.lower()
    assert "run" in proc.stdout
    assert "seed=" in proc.stdout  # an example override


def test_no_command_prints_usage_and_exits_2(tmp_path):
    proc = continuity(cwd=tmp_path)
    assert proc.returncode == 2
    assert "usage" in proc.stderr.lower()
    for command in ("run", "sweep", "validate", "report", "collect", "app"):
        assert f"  {command}" in proc.stderr


def test_run_help(tmp_path):
    proc = continuity("run", "--help", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for word in ("continuity run", "network", "synthetic", "shocks", "params", "seed"):
        assert word in out, f"{word!r} not in run --help"
    assert "funding_cut" in out  # the defaults are shown
    assert list(tmp_path.iterdir()) == []  # help writes nothing


def test_unknown_command_exits_2(tmp_path):
    proc = continuity("frobnicate", cwd=tmp_path)
    assert proc.returncode == 2
    assert "frobnicate" in proc.stderr
    assert "run" in proc.stderr  # what is allowed
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- bad inputs
def _bad_csv(tmp: Path) -> tuple[list[str], list[str]]:
    nodes = tmp / "bad_nodes.csv"
    nodes.write_text("id,type\nfederal,administration\nsenate,senate\nzorg,alien\n")
    return [
        "network=file",
        f"network.nodes={nodes}",
    ], [str(nodes), "line 4", "zorg", "alien", "organization"]


BAD_INPUTS = {
    "unknown key with +": (["+typo=1"], ["typo", "unknown", "seed", "shocks"], 1),
    "unknown key": (["typo=1"], ["typo", "unknown", "seed", "shocks"], 1),
    "unknown nested key": (
        ["params.momentum.dekay=0.1"],
        ["params.momentum.dekay", "unknown", "decay"],
        1,
    ),
    "wrong type": (["seed=abc"], ["seed", "abc", "whole number"], 1),
    "out of range": (
        ["shocks.funding_cut.size=1.5"],
        ["shocks.funding_cut.size", "1.5", "[0, 1]"],
        1,
    ),
    "negative": (["params.momentum.decay=-0.1"], ["params.momentum.decay", "-0.1", "[0, 1]"], 1),
    "malformed date": (
        ["shocks.funding_cut.start=2018-13"],
        ["shocks.funding_cut.start", "2018-13", "YYYY-MM"],
        1,
    ),
    "date outside horizon": (
        ["shocks.turnover.dates=[2016-01]"],
        ["shocks.turnover.dates", "2016-01", "2017-01..2030-12"],
        1,
    ),
    "turnover dates out of order": (
        ["shocks.turnover.dates=[2024-10,2018-12]"],
        ["shocks.turnover.dates", "2024-10", "2018-12", "increasing"],
        1,
    ),
    "unknown group option": (
        ["network=nope"],
        ["network", "nope", "file", "mexico", "synthetic"],
        1,
    ),
    "unknown budget": (
        ["shocks.funding_cut.budgets=[nope]"],
        ["shocks.funding_cut.budgets", "nope", "federal_program", "coalition_grants"],
        1,
    ),
    "several problems": (
        ["seed=abc", "shocks.funding_cut.size=2"],
        ["seed", "abc", "shocks.funding_cut.size", "2", "[0, 1]"],
        2,
    ),
    "several problems with unknown keys": (
        ["typo=1", "seed=abc", "other=2"],
        ["typo", "other", "seed", "abc"],
        3,
    ),
    "missing network file": (
        ["network=file", "network.nodes=/nonexistent.graphml"],
        ["network.nodes", "/nonexistent.graphml", "not found"],
        1,
    ),
    "malformed CSV network file": (_bad_csv, None, 1),
    "too few companies": (["network.companies=5"], ["network.companies", "5", "10"], 1),
    "coalition spec names no coalition node": (
        ["scenario.coalitions=[{node:nope}]"],
        ["scenario.coalitions", "nope", "ia2030mx"],
        1,
    ),
    "synthetic mean degree above n_agents": (
        ["network=synthetic", "network.n_agents=50", "network.mean_degree=100"],
        ["network.mean_degree", "100"],
        1,
    ),
    "override syntax": (["seed=[1"], ["[1"], 1),
    "multirun": (["-m", "seed=1,2"], ["multirun"], 1),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_exits_2_with_plain_lines(case, tmp_path):
    args, expected, n_problems = BAD_INPUTS[case]
    if callable(args):
        args, expected = args(tmp_path)
    run_dir = tmp_path / "run"
    proc = continuity("run", *args, f"hydra.run.dir={run_dir}", cwd=tmp_path)
    err = proc.stderr
    assert "Traceback" not in err, err
    assert proc.returncode == 2, f"exit {proc.returncode}\n{err}"
    for word in expected:
        assert word in err, f"{word!r} not in stderr:\n{err}"
    lines = [ln for ln in err.splitlines() if ln.strip()]
    # a header line, then one or two plain lines per problem
    assert 1 + n_problems <= len(lines) <= 1 + 2 * n_problems, err
    assert all(len(ln) < 400 for ln in lines), err
    for noise in ("provider=", "Config search path", "HYDRA_FULL_ERROR"):
        assert noise not in err, f"{noise!r} in stderr:\n{err}"
    assert "Continuity —" not in proc.stdout  # no summary
    assert results_in(run_dir) == []
    assert [p.name for p in tmp_path.iterdir() if p.name != "bad_nodes.csv"] in ([], ["run"])


def test_version(tmp_path):
    proc = continuity("--version", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert re.fullmatch(r"continuity \d+\.\d+\.\d+\S*\n", proc.stdout)


def test_a_mistyped_command_gets_a_suggestion(tmp_path):
    proc = continuity("swep", cwd=tmp_path)
    assert proc.returncode == 2
    assert "did you mean 'sweep'?" in proc.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "sede=3"], ["did you mean 'seed'?", "allowed keys here: "]),
        (["run", "params.coalition.recruit_rat=0.1"], ["did you mean 'recruit_rate'?"]),
        (["run", "scenario=mexco"], ["did you mean 'mexico'?"]),
        (["validate", "sede=3"], ["did you mean 'seeds'?", "validate's arguments: seeds"]),
        (["sweep", "experiment=tactics", "desgn.replications=2"], ["did you mean 'design'?"]),
        (["sweep", "experimnt=tactics"], ["'experimnt' is not a key"]),
    ],
)
def test_mistyped_keys_get_suggestions_from_the_commands_own_options(tmp_path, args, expected):
    proc = continuity(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    for text in expected:
        assert text in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []
