"""Fault injection on sweeps: kills, a dying worker, a full disk, an unwritable directory and two
sweeps at once. Whatever happens, nothing finished is lost and nothing half-written is used.

Every sweep is the 12-run grid of tests/test_sweep.py with ``sweep.chunk_size=2`` (6 chunks).
After each fault, the same command resumes it, and ``runs.parquet`` (minus ``elapsed_s``) and
``timeseries.parquet`` must equal those of an uninterrupted sweep. Faults inside a chunk come from
the test hook ``CONTINUITY_FAULT=ACTION@STAGE:CHUNK`` (experiments.results_store.inject_fault).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from test_sweep import CONTINUITY, GRID, assert_same, env, sweep

ARGS = [*GRID, "sweep.chunk_size=2"]
N_RUNS, N_CHUNKS = 12, 6


def start(out: Path, cwd: Path, **extra_env: str) -> subprocess.Popen:
    """Start the sweep in a session of its own (its process group can be killed alone)."""
    return subprocess.Popen(
        [CONTINUITY, "sweep", *ARGS, f"hydra.sweep.dir={out}"],
        cwd=cwd,
        env=env(**extra_env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def markers(out: Path) -> list[Path]:
    return sorted((out / "chunks").glob("[!.]*.done"))


def assert_chunks_valid(out: Path, strict: bool = False) -> None:
    """Every completion marker names files that exist with its SHA-256.

    A kill may leave temporary files and the renamed files of a chunk without a marker (ignored by
    ``collect``, removed by the resume); ``strict``: none of them either.
    """
    chunks = out / "chunks"
    done = set()
    for marker in markers(out):
        data = json.loads(marker.read_text())
        for name, digest in data["files"].items():
            assert hashlib.sha256((chunks / name).read_bytes()).hexdigest() == digest, name
        done.add(marker.name.split(".")[0])
    if strict and chunks.is_dir():
        stray = [f.name for f in chunks.iterdir() if f.name.split(".")[0] not in done]
        assert not stray, stray


def assert_clean(out: Path) -> None:
    """No temporary or half-written chunk file is left."""
    assert_chunks_valid(out, strict=True)


def resume_and_compare(reference: Path, out: Path, cwd: Path) -> None:
    done = sweep(*ARGS, f"hydra.sweep.dir={out}", cwd=cwd)
    assert done.returncode == 0, done.stderr + done.stdout
    assert_clean(out)
    assert_same(reference, out)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The grid, basic launcher, 6 chunks of 2, uninterrupted."""
    tmp = tmp_path_factory.mktemp("fault_reference")
    done = sweep(*ARGS, f"hydra.sweep.dir={tmp / 'ref'}", cwd=tmp)
    assert done.returncode == 0, done.stderr + done.stdout
    return tmp / "ref"


@pytest.mark.slow
def test_sigkill_at_random_moments_then_resume(reference, tmp_path):
    """Three SIGKILLs of the whole sweep, each after a random number of finished chunks plus a
    random delay (seeded), each followed by the same command; then it completes identically."""
    rng = np.random.default_rng(20261122)
    out = tmp_path / "random"
    kills = 0
    for _ in range(3):
        after, delay = int(rng.integers(0, 4)), float(rng.uniform(0.0, 0.4))
        before = len(markers(out)) if (out / "chunks").is_dir() else 0
        proc = start(out, tmp_path)
        deadline = time.monotonic() + 120
        while proc.poll() is None and len(markers(out)) < before + after:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        if (out / "chunks").is_dir():
            assert_chunks_valid(out)
    assert kills >= 2, "the sweeps should have been killed mid-way"
    resume_and_compare(reference, out, tmp_path)


@pytest.mark.parametrize(
    "stage",
    [
        "mid",  # after the chunk's first run
        pytest.param("runs", marks=pytest.mark.slow),  # runs file written, not renamed
        pytest.param("timeseries", marks=pytest.mark.slow),  # time series written, not renamed
        "done",  # both files in place, completion marker not yet written
    ],
)
def test_sigkill_during_a_chunk_write_then_resume(reference, tmp_path, stage):
    out = tmp_path / stage
    proc = start(out, tmp_path, CONTINUITY_FAULT=f"killpg@{stage}:2")
    assert proc.wait(timeout=300) == -signal.SIGKILL
    names = [m.name for m in markers(out)]
    assert names == ["001-0000.done", "001-0001.done"], names
    assert_chunks_valid(out)
    assert not (out / "runs.parquet").exists()
    resume_and_compare(reference, out, tmp_path)


@pytest.mark.slow
def test_a_joblib_worker_that_dies_is_reported_and_resumed(reference, tmp_path):
    out = tmp_path / "worker"
    done = sweep(
        *ARGS,
        "hydra/launcher=joblib",
        "hydra.launcher.n_jobs=2",
        f"hydra.sweep.dir={out}",
        cwd=tmp_path,
        CONTINUITY_FAULT="kill@mid:3",
    )
    assert done.returncode != 0, done.stderr + done.stdout
    assert "MISSING:" in done.stdout and "run ids" in done.stdout, done.stdout
    missing = done.stdout.split("MISSING: ")[1].split()[0]
    assert 2 <= int(missing) < N_RUNS
    ids = done.stdout.split("(run ids ")[1].split(")")[0]
    listed = {
        i
        for part in ids.split(", ")
        for i in range(int(part.split("-")[0]), int(part.split("-")[-1]) + 1)
    }
    assert len(listed) == int(missing) and {6, 7} <= listed  # chunk 3 holds runs 6 and 7
    assert len(done.stderr.splitlines()) <= 20, done.stderr
    assert_chunks_valid(out)
    kept = len(markers(out))
    assert kept < N_CHUNKS
    again = sweep(
        *ARGS,
        "hydra/launcher=joblib",
        "hydra.launcher.n_jobs=2",
        f"hydra.sweep.dir={out}",
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stderr + again.stdout
    assert f"resuming: {N_RUNS - int(missing)} of {N_RUNS}" in again.stderr
    assert_clean(out)
    assert_same(reference, out)


def test_a_full_disk_stops_clearly_and_the_resume_completes(reference, tmp_path):
    out = tmp_path / "full"
    done = sweep(
        *ARGS, f"hydra.sweep.dir={out}", cwd=tmp_path, CONTINUITY_FAULT="enospc@timeseries:2"
    )
    assert done.returncode == 1, done.stderr + done.stdout
    assert f"no space left on device writing to {out}" in done.stderr, done.stderr
    assert "MISSING: 2 runs did not finish (run ids 4-5)" in done.stdout
    # the finished chunks verify; chunk 2 left nothing behind, not even its renamed runs file
    assert len(markers(out)) == N_CHUNKS - 1
    assert_clean(out)
    assert not list((out / "chunks").glob("001-0002*"))
    resume_and_compare(reference, out, tmp_path)


def test_an_unwritable_sweep_directory_is_refused_before_any_run(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory\n")
    out = blocker / "sweep"
    started = time.monotonic()
    done = sweep(*ARGS, f"hydra.sweep.dir={out}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr + done.stdout
    problems = [line for line in done.stderr.splitlines() if line.startswith("  - ")]
    assert len(problems) == 1 and f"cannot create or write {out}" in problems[0], done.stderr
    assert "Traceback" not in done.stderr
    assert blocker.read_text() == "not a directory\n"
    assert time.monotonic() - started < 60


def test_a_second_sweep_in_the_same_directory_is_refused_while_the_first_runs(reference, tmp_path):
    out = tmp_path / "twice"
    first = start(out, tmp_path)
    deadline = time.monotonic() + 120
    while not (out / "chunks").is_dir() or not markers(out):
        assert first.poll() is None, "the first sweep ended too soon"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(first.pid, signal.SIGSTOP)  # hold the first sweep mid-way, with its lock
    try:
        second = sweep(*ARGS, f"hydra.sweep.dir={out}", cwd=tmp_path)
    finally:
        os.killpg(first.pid, signal.SIGCONT)
    assert second.returncode == 2, second.stderr + second.stdout
    assert f"another sweep is running in {out} (pid {first.pid})" in second.stderr
    assert "Traceback" not in second.stderr
    assert first.wait(timeout=300) == 0
    assert_clean(out)
    assert len(list((out / "attempts").glob("*.json"))) == 1
    assert_same(reference, out)
