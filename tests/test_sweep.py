"""``continuity sweep`` and ``continuity collect`` end to end, through the real console command.

Each sweep is small (a few dozen Mexico runs) and writes into ``hydra.sweep.dir=<tmp>/...``.
The reference sweep (basic launcher, uninterrupted) is compared with the same sweep run with
other launchers, other chunk sizes, a SIGKILL and a resume: ``runs.parquet`` minus its timing
column and ``timeseries.parquet`` must be identical.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest
from cli_runner import CONTINUITY

# 3 turnover dates x 2 cut sizes x 2 seeds = 12 runs of the Mexico scenario
GRID = [
    "experiment=turnover_x_cut",
    "design.parameters.shocks.turnover.first=[2018-12,2019-12,2020-12]",
    "design.parameters.shocks.funding_cut.size=[0.4,1.0]",
    "design.replications=2",
]


def env(**extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    out["MPLBACKEND"] = "Agg"
    out.update(extra)
    return out


def sweep(*args: str, cwd: Path, timeout: float = 300, **extra_env: str):
    assert CONTINUITY, "the continuity console command is not installed"
    return subprocess.run(
        [CONTINUITY, "sweep", *args],
        cwd=cwd,
        env=env(**extra_env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def tables(directory: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    runs = pd.read_parquet(directory / "runs.parquet").drop(columns=["elapsed_s"])
    return runs, pd.read_parquet(directory / "timeseries.parquet")


def assert_same(a: Path, b: Path) -> None:
    ra, ta = tables(a)
    rb, tb = tables(b)
    pdt.assert_frame_equal(ra, rb)
    pdt.assert_frame_equal(ta, tb)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The 12-run grid, basic launcher, automatic chunks, uninterrupted."""
    tmp = tmp_path_factory.mktemp("reference")
    done = sweep(*GRID, f"hydra.sweep.dir={tmp / 'ref'}", cwd=tmp)
    assert done.returncode == 0, done.stderr + done.stdout
    return tmp / "ref"


def test_grid_sweep_writes_one_tidy_row_per_run(reference):
    runs, ts = tables(reference)
    assert len(runs) == 12 and runs["run_id"].tolist() == list(range(12))
    assert (runs["status"] == "ok").all()
    assert {"shocks.turnover.first", "shocks.funding_cut.size", "seed", "continuity_index"} <= set(
        runs.columns
    )
    assert runs.groupby("point_id").size().eq(2).all()
    # every summary metric, and the deeper cut lowers continuity at every turnover date
    pivot = runs.pivot_table(
        index="shocks.turnover.first", columns="shocks.funding_cut.size", values="continuity_index"
    )
    assert (pivot[1.0] < pivot[0.4]).all()
    assert list(ts.columns) == ["run_id", "date", "step", "administration", "variable", "value"]
    assert set(ts["run_id"]) == set(range(12))
    assert ts.groupby("run_id").size().nunique() == 1
    manifest = json.loads((reference / "sweep.json").read_text())
    assert manifest["experiment"] == "turnover_x_cut" and len(manifest["runs"]) == 12


def test_rerunning_a_finished_sweep_runs_nothing_and_keeps_the_tables(reference, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(reference, copy)
    before = (copy / "runs.parquet").read_bytes()
    done = sweep(*GRID, f"hydra.sweep.dir={copy}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "all 12 runs already finished" in done.stderr
    assert (copy / "runs.parquet").read_bytes() == before


def test_joblib_two_workers_and_other_chunks_give_identical_tables(reference, tmp_path):
    out = tmp_path / "joblib"
    done = sweep(
        *GRID,
        "hydra/launcher=joblib",
        "hydra.launcher.n_jobs=2",
        "sweep.chunk_size=5",
        f"hydra.sweep.dir={out}",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert "launcher: joblib (2 workers); 12 runs in 3 jobs of up to 5" in done.stderr
    assert_same(reference, out)


@pytest.mark.slow
def test_submitit_local_gives_identical_tables(reference, tmp_path):
    out = tmp_path / "local"
    done = sweep(
        *GRID,
        "hydra/launcher=submitit_local",
        "sweep.chunk_size=6",
        f"hydra.sweep.dir={out}",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert_same(reference, out)


def test_sigkill_mid_sweep_then_resume_gives_the_uninterrupted_tables(reference, tmp_path):
    out = tmp_path / "killed"
    args = [CONTINUITY, "sweep", *GRID, "sweep.chunk_size=1", f"hydra.sweep.dir={out}"]
    proc = subprocess.Popen(
        args,
        cwd=tmp_path,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while len(list((out / "chunks").glob("*.done"))) < 2:
        assert proc.poll() is None, "the sweep ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = len(list((out / "chunks").glob("*.done")))
    assert 2 <= finished < 12, "the kill should come mid-sweep"
    assert not (out / "runs.parquet").exists()
    done = sweep(*GRID, "sweep.chunk_size=1", f"hydra.sweep.dir={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "resuming:" in done.stderr
    assert_same(reference, out)


def test_a_failing_run_is_recorded_and_the_others_finish(reference, tmp_path):
    out = tmp_path / "fail"
    done = sweep(*GRID, f"hydra.sweep.dir={out}", cwd=tmp_path, CONTINUITY_FAIL_RUNS="5")
    assert done.returncode == 1
    assert "FAILED runs (1)" in done.stdout and "run 5" in done.stdout
    assert "injected failure" in done.stdout
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 12
    assert runs.set_index("run_id").loc[5, "status"] == "failed"
    assert runs.set_index("run_id").loc[5, "error"].startswith("RuntimeError: injected failure")
    assert (runs.drop(index=5)["status"] == "ok").all()
    ref = pd.read_parquet(reference / "runs.parquet").set_index("run_id")
    ok = runs[runs["status"] == "ok"].set_index("run_id")
    pdt.assert_series_equal(ok["continuity_index"], ref.loc[ok.index, "continuity_index"])
    # Resuming keeps the failure unless asked to retry it; retried, the table is the reference
    again = sweep(*GRID, f"hydra.sweep.dir={out}", cwd=tmp_path)
    assert again.returncode == 1 and "all 12 runs already finished" in again.stderr
    retry = sweep(*GRID, "sweep.retry_failed=true", f"hydra.sweep.dir={out}", cwd=tmp_path)
    assert retry.returncode == 0, retry.stderr + retry.stdout
    assert_same(reference, out)


@pytest.mark.parametrize(
    ("kind", "extra", "n_runs"),
    [
        ("lhs", ["design.samples=6"], 6),
        ("sobol", ["design.samples=2"], 2 * (9 + 2)),
        ("morris", ["design.samples=2"], 2 * (9 + 1)),
    ],
)
def test_sampled_designs_run_end_to_end(tmp_path, kind, extra, n_runs):
    out = tmp_path / kind
    done = sweep(
        "experiment=sensitivity",
        f"design.kind={kind}",
        "design.replications=1",
        "sweep.timeseries=false",
        *extra,
        f"hydra.sweep.dir={out}",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == n_runs and (runs["status"] == "ok").all()
    assert runs["params.momentum.decay"].between(0.04, 0.12).all()
    assert not (out / "timeseries.parquet").exists()
    problem = json.loads((out / "sweep.json").read_text())["problem"]
    assert problem["names"][0] == "params.momentum.decay"


def test_tactics_preset_runs_baseline_and_pairs(tmp_path):
    out = tmp_path / "tactics"
    done = sweep(
        "experiment=tactics",
        "design.parameters.tactics=[[],[law],[law,senate_champions]]",
        "design.replications=2",
        f"hydra.sweep.dir={out}",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["tactics"].tolist() == ["none"] * 2 + ["law"] * 2 + ["law+senate_champions"] * 2
    # paired: the same seeds for each tactic set
    assert runs.groupby("replication")["seed"].nunique().eq(1).all()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "experiment: missing"),
        (["experiment=nope"], "no experiment 'nope'"),
        (["experiment=tactics", "design.replications=0"], "design.replications: 0"),
        (
            ["experiment=sensitivity", "design.parameters.params.momentum.decay=[0.2,0.1]"],
            "lower bound",
        ),
        (
            ["experiment=sensitivity", "design.parameters.params.momentum.decay=[0.1,0.1]"],
            "empty range",
        ),
        (
            ["experiment=sensitivity", "+design.parameters.params.typo=[0.1,0.2]"],
            "params.typo: not a key",
        ),
        (["experiment=turnover_x_cut", "+typo=1"], "typo"),
        (["experiment=turnover_x_cut", "hydra/launcher=nope"], "hydra/launcher"),
    ],
)
def test_bad_input_is_reported_before_anything_is_written(tmp_path, args, expected):
    out = tmp_path / "bad"
    done = sweep(*args, f"hydra.sweep.dir={out}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_another_sweep_in_the_same_directory_is_refused(reference, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(reference, copy)
    done = sweep(*GRID, "design.replications=3", f"hydra.sweep.dir={copy}", cwd=tmp_path)
    assert done.returncode == 2
    assert "holds another sweep" in done.stderr


def test_collect_rebuilds_the_tables_and_rejects_other_directories(reference, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(reference, copy)
    (copy / "runs.parquet").unlink()
    (copy / "timeseries.parquet").unlink()
    done = subprocess.run(
        [CONTINUITY, "collect", str(copy)], capture_output=True, text=True, env=env()
    )
    assert done.returncode == 0, done.stderr
    assert_same(reference, copy)
    bad = subprocess.run(
        [CONTINUITY, "collect", str(tmp_path)], capture_output=True, text=True, env=env()
    )
    assert bad.returncode == 2 and "not a sweep directory" in bad.stderr


def test_sweep_help_lists_experiments_and_launchers(tmp_path):
    done = sweep("--help", cwd=tmp_path)
    assert done.returncode == 0
    for word in ("turnover_x_cut", "tactics", "sensitivity", "joblib", "slurm", "design.kind"):
        assert word in done.stdout


def test_run_points_experiments_to_sweep(tmp_path):
    done = subprocess.run(
        [CONTINUITY, "run", "experiment=tactics"], capture_output=True, text=True, env=env()
    )
    assert done.returncode == 2 and "continuity sweep experiment=NAME" in done.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("experiment", "extra", "n_runs"),
    [
        ("turnover_x_cut", [], 48),
        ("tactics", [], 37),
        ("sensitivity", ["design.samples=16", "sweep.timeseries=false"], 16 * 11),
    ],
)
def test_each_preset_runs_with_one_seed_per_point(tmp_path, experiment, extra, n_runs):
    out = tmp_path / experiment
    done = sweep(
        f"experiment={experiment}",
        "design.replications=1",
        *extra,
        f"hydra.sweep.dir={out}",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == n_runs and (runs["status"] == "ok").all()
    assert runs["continuity_index"].notna().all()
