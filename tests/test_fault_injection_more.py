"""Fault injection, round two: damaged finished chunks, a lost or foreign sweep.json, changed
code or data, non-finite results, and interruptions (SIGINT, SIGTERM, full disk, SIGKILL) of
planning, collect, report and run. Each test asserts the exit code, the message and what is left
on disk; every sweep that can be resumed must end identical to an uninterrupted one.

Sweeps are the 12-run grid of tests/test_fault_injection.py (6 chunks of 2). Faults come from
the test hook ``CONTINUITY_FAULT=ACTION@STAGE:N`` (:mod:`sim.faults`).
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
import pytest
from test_fault_injection import ARGS, assert_clean, markers, resume_and_compare, start
from test_sweep import CONTINUITY, assert_same, env, sweep

NOISE = ("Traceback", "HYDRA_FULL_ERROR")


def cmd(*args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CONTINUITY, *args], cwd=cwd, env=env(**extra), capture_output=True, text=True, timeout=600
    )


def temporaries(d: Path) -> list[str]:
    """Hidden entries other than the sweep lock and Hydra's own record of a run's config."""
    return sorted(p.name for p in d.rglob(".*") if p.name != ".lock" and ".hydra" not in p.parts)


def one_line(err: str, *words: str) -> None:
    for noise in NOISE:
        assert noise not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip() and "planning" not in ln]
    assert len(lines) <= 3, err
    for w in words:
        assert w in err, f"{w!r} not in {err!r}"


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """The grid, 6 chunks of 2, uninterrupted: the reference and the source of damaged copies."""
    tmp = tmp_path_factory.mktemp("finished")
    done = sweep(*ARGS, f"hydra.sweep.dir={tmp / 'ref'}", cwd=tmp)
    assert done.returncode == 0, done.stderr + done.stdout
    return tmp / "ref"


def copy(finished: Path, tmp: Path) -> Path:
    out = tmp / "sweep"
    shutil.copytree(finished, out, ignore=shutil.ignore_patterns(".lock"))
    for name in ("runs.parquet", "timeseries.parquet"):
        (out / name).unlink()
    return out


def resume(finished: Path, out: Path, tmp: Path, redone: int | None = None) -> str:
    done = sweep(*ARGS, f"hydra.sweep.dir={out}", cwd=tmp)
    assert done.returncode == 0, done.stderr + done.stdout
    if redone is not None:
        assert f"verification: {redone} finished chunk(s) failed" in done.stderr, done.stderr
    assert_clean(out)
    assert_same(finished, out)
    return done.stderr


def _marker(out: Path, chunk: int) -> Path:
    return out / "chunks" / f"001-{chunk:04d}.done"


# ------------------------------------------------------------------ damaged finished chunks
def test_a_truncated_chunk_file_after_its_marker_is_redone(finished, tmp_path):
    out = copy(finished, tmp_path)
    path = out / "chunks" / "001-0002.runs.parquet"
    path.write_bytes(path.read_bytes()[:100])
    err = resume(finished, out, tmp_path, redone=1)
    assert "001-0002: 001-0002.runs.parquet fails its hash" in err
    assert "resuming: 10 of 12" in err


def test_a_marker_holding_an_empty_object_is_redone(finished, tmp_path):
    out = copy(finished, tmp_path)
    _marker(out, 3).write_text("{}")
    err = resume(finished, out, tmp_path, redone=1)
    assert "marker names no runs" in err


def test_a_marker_that_is_not_json_is_redone(finished, tmp_path):
    out = copy(finished, tmp_path)
    _marker(out, 0).write_bytes(b"\x00\xff garbage")
    err = resume(finished, out, tmp_path, redone=1)
    assert "marker unreadable" in err


def test_a_marker_naming_other_runs_than_its_attempt_is_redone(finished, tmp_path):
    out = copy(finished, tmp_path)
    data = json.loads(_marker(out, 1).read_text())
    data["runs"] = [[9, "ok"], [10, "ok"]]
    _marker(out, 1).write_text(json.dumps(data))
    err = resume(finished, out, tmp_path, redone=1)
    assert "run ids differ from its attempt" in err


def test_a_deleted_timeseries_file_is_redone(finished, tmp_path):
    out = copy(finished, tmp_path)
    (out / "chunks" / "001-0004.timeseries.parquet").unlink()
    err = resume(finished, out, tmp_path, redone=1)
    assert "001-0004.timeseries.parquet missing" in err


def test_a_runs_file_of_other_runs_with_matching_hashes_is_redone(finished, tmp_path):
    """Hashes can be right and the content still wrong: the run ids inside are checked."""
    out = copy(finished, tmp_path)
    chunks = out / "chunks"
    shutil.copy(chunks / "001-0000.runs.parquet", chunks / "001-0005.runs.parquet")
    data = json.loads(_marker(out, 5).read_text())
    data["files"]["001-0005.runs.parquet"] = json.loads(_marker(out, 0).read_text())["files"][
        "001-0000.runs.parquet"
    ]
    _marker(out, 5).write_text(json.dumps(data))
    err = resume(finished, out, tmp_path, redone=1)
    assert "holds other runs than its marker" in err


# ------------------------------------------------------------------ sweep.json, code and data
@pytest.mark.parametrize("damage", ["deleted", "corrupted"])
def test_a_lost_sweep_json_is_rewritten_when_the_markers_prove_the_sweep(
    finished, tmp_path, damage
):
    out = copy(finished, tmp_path)
    for chunk in (3, 4, 5):  # a sweep killed half-way
        for f in (out / "chunks").glob(f"001-{chunk:04d}.*"):
            f.unlink()
    if damage == "deleted":
        (out / "sweep.json").unlink()
    else:
        (out / "sweep.json").write_text('{"experiment": nu')
    err = resume(finished, out, tmp_path)
    assert "resuming: 6 of 12" in err


def test_a_lost_sweep_json_with_foreign_markers_is_refused(finished, tmp_path):
    out = copy(finished, tmp_path)
    (out / "sweep.json").unlink()
    for m in markers(out):
        data = json.loads(m.read_text())
        data["digest"] = "0123456789abcdef"
        m.write_text(json.dumps(data))
    before = sorted(p.name for p in (out / "chunks").iterdir())
    done = sweep(*ARGS, f"hydra.sweep.dir={out}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    one_line(done.stderr, "sweep.json is missing", "do not show they belong to this sweep")
    assert sorted(p.name for p in (out / "chunks").iterdir()) == before
    assert not (out / "sweep.json").exists()


def test_a_sweep_made_with_other_data_is_not_mixed(finished, tmp_path):
    """As if sim/data/mexico/actors.csv had been edited between the kill and the resume."""
    out = copy(finished, tmp_path)
    plan = json.loads((out / "sweep.json").read_text())
    plan["provenance"]["files"]["sim/data/mexico/actors.csv"] = "0" * 16
    plan["digest"] = "fedcba9876543210"
    (out / "sweep.json").write_text(json.dumps(plan))
    done = sweep(*ARGS, f"hydra.sweep.dir={out}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    one_line(done.stderr, "other code or data", "sim/data/mexico/actors.csv", "cannot be mixed")
    assert not (out / "runs.parquet").exists()
    assert len(markers(out)) == 6


def test_a_non_finite_result_is_a_failed_run_with_its_reason(tmp_path):
    out = tmp_path / "nan"
    done = sweep(*ARGS, f"hydra.sweep.dir={out}", cwd=tmp_path, CONTINUITY_NAN_RUNS="3")
    assert done.returncode == 1, done.stderr + done.stdout
    runs = pd.read_parquet(out / "runs.parquet")
    row = runs.set_index("run_id").loc[3]
    assert row["status"] == "failed" and "non-finite result: momentum is nan" in row["error"]
    assert (runs.drop(index=runs.index[runs["run_id"] == 3])["status"] == "ok").all()
    assert "FAILED runs (1)" in done.stdout and "non-finite" in done.stdout


# ------------------------------------------------------------------ interruptions
@pytest.mark.parametrize("sig, code", [("sigint", 130), ("sigterm", 143)])
def test_an_interrupt_during_planning_ends_in_one_line(tmp_path, sig, code):
    out = tmp_path / "plan"
    done = sweep(*ARGS, f"hydra.sweep.dir={out}", cwd=tmp_path, CONTINUITY_FAULT=f"{sig}@plan:0")
    assert done.returncode == code, done.stderr
    one_line(done.stderr, f"interrupted ({sig.upper()})", "run the same command again")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_sigterm_to_the_sweep_stops_its_launcher_and_the_resume_completes(finished, tmp_path):
    out = tmp_path / "term"
    proc = start(out, tmp_path)
    deadline = time.monotonic() + 120
    while not (out / "chunks").is_dir() or not markers(out):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGTERM)  # the parent only, as a scheduler or `kill` would
    assert proc.wait(60) == 143
    time.sleep(0.5)
    # the launcher was stopped with it: the lock is free and nothing more gets written
    kept = [m.name for m in markers(out)]
    time.sleep(2)
    assert [m.name for m in markers(out)] == kept
    resume_and_compare(finished, out, tmp_path)


@pytest.mark.parametrize(
    "fault, code, words",
    [
        ("sigint@write:0", 130, ["interrupted (SIGINT)"]),
        ("sigterm@write:1", 143, ["interrupted (SIGTERM)"]),
        ("enospc@write:1", 1, ["no space left on device", "timeseries.parquet", "Free some space"]),
    ],
)
def test_collect_interrupted_leaves_no_temporary(finished, tmp_path, fault, code, words):
    out = copy(finished, tmp_path)
    done = cmd("collect", str(out), cwd=tmp_path, CONTINUITY_FAULT=fault)
    assert done.returncode == code, done.stderr
    one_line(done.stderr, *words)
    assert temporaries(out) == []
    assert not (out / "timeseries.parquet").exists()
    again = cmd("collect", str(out), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert_same(finished, out)


def test_a_killed_collect_leaves_a_temporary_that_the_next_collect_removes(finished, tmp_path):
    out = copy(finished, tmp_path)
    done = cmd("collect", str(out), cwd=tmp_path, CONTINUITY_FAULT="kill@write:0")
    assert done.returncode == -signal.SIGKILL
    assert temporaries(out), "the kill should have left the temporary runs file"
    again = cmd("collect", str(out), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert temporaries(out) == []
    assert_same(finished, out)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("run")
    done = cmd(
        "run",
        "scenario.end=2020-12",
        "shocks.turnover.dates=[2018-12]",
        "shocks.elections.senate=[2018-07]",
        f"hydra.run.dir={tmp / 'r'}",
        cwd=tmp,
    )
    assert done.returncode == 0, done.stderr
    return tmp / "r"


@pytest.mark.parametrize(
    "fault, code, words",
    [
        ("enospc@report:0", 1, ["no space left on device", "previous report"]),
        ("sigint@report:0", 130, ["interrupted (SIGINT)"]),
    ],
)
def test_report_interrupted_leaves_nothing(run_dir, tmp_path, fault, code, words):
    d = tmp_path / "r"
    shutil.copytree(run_dir, d)
    before = sorted(p.name for p in d.iterdir())
    done = cmd("report", str(d), cwd=tmp_path, CONTINUITY_FAULT=fault)
    assert done.returncode == code, done.stderr + done.stdout
    one_line(done.stderr, *words)
    assert sorted(p.name for p in d.iterdir()) == before  # no report/, no .report-* directory


def test_a_killed_report_leaves_a_directory_the_next_report_removes(run_dir, tmp_path):
    d = tmp_path / "r"
    shutil.copytree(run_dir, d)
    done = cmd("report", str(d), cwd=tmp_path, CONTINUITY_FAULT="kill@report:0")
    assert done.returncode == -signal.SIGKILL
    assert [p.name for p in d.glob(".report-*")], "the kill should have left its directory"
    again = cmd("report", str(d), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert list(d.glob(".report-*")) == [] and (d / "report" / "index.html").exists()


@pytest.mark.parametrize(
    "fault, code, words",
    [
        ("enospc@write:1", 1, ["no space left on device", "no result files were written"]),
        ("sigint@write:0", 130, ["interrupted (SIGINT)", "no result files were written"]),
        ("sigterm@write:2", 143, ["interrupted (SIGTERM)"]),
    ],
)
def test_run_interrupted_writes_a_whole_result_or_none(tmp_path, fault, code, words):
    out = tmp_path / "r"
    done = cmd(
        "run",
        "scenario.end=2020-12",
        "shocks.turnover.dates=[2018-12]",
        "shocks.elections.senate=[2018-07]",
        f"hydra.run.dir={out}",
        cwd=tmp_path,
        CONTINUITY_FAULT=fault,
    )
    assert done.returncode == code, done.stderr + done.stdout
    one_line(done.stderr, *words)
    left = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert not set(left) & {
        "timeseries.parquet",
        "summary.json",
        "momentum.png",
        "network_nodes.parquet",
        "network_edges.parquet",
    }, left
    assert temporaries(out) == [] if out.exists() else True
