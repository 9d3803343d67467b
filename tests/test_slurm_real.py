"""``continuity sweep ... hydra/launcher=slurm`` on a real SLURM cluster: the one-node cluster of
``.ci/slurm-up`` (Debian's slurm-wlm with munge, slurmdbd and MariaDB), which ``make test`` starts.

Each sweep is the 12-run grid of ``test_sweep.py``; the tables must equal the basic launcher's.
Checked: a plain sweep, a task cancelled with ``scancel`` then a resume, Ctrl-C (the job array is
cancelled, nothing is left in ``squeue``), a resume refused while the sweep's earlier tasks are
still queued, and a cluster whose accounting daemon cannot be reached (no hang).

Skipped when no cluster answers outside CI; in CI (``CI=true``) a missing cluster fails.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from test_sweep import CONTINUITY, GRID, assert_same, env, sweep, tables

SLURM_CONF = Path(os.environ.get("SLURM_CONF", "/etc/slurm/slurm.conf"))
ACTIVE = ("PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED")
# A queued array task cancelled while still inside the array's pending record vanishes from
# squeue; one the scheduler has already split off (or started) is listed as CANCELLED.
CANCELLED = r"task {task}: (CANCELLED|gone from the queue before it started \(cancelled\))"


def _cluster_problem() -> str | None:
    """Why no SLURM cluster can be used here, or None if one answers with a usable node."""
    try:
        out = subprocess.run(
            ["sinfo", "-h", "-N", "-o", "%T"], capture_output=True, text=True, timeout=30
        )
    except FileNotFoundError:
        return "sinfo is not installed"
    except subprocess.TimeoutExpired:
        return "sinfo did not answer within 30 s"
    if out.returncode != 0:
        return f"sinfo failed: {out.stderr.strip()}"
    if not re.search(r"^(idle|mixed|allocated)", out.stdout, re.M):
        return f"no usable node (sinfo: {out.stdout.split()})"
    return None


PROBLEM = _cluster_problem()
if PROBLEM and not os.environ.get("CI"):
    pytest.skip(
        f"no SLURM cluster ({PROBLEM}); .ci/slurm-up starts one (make test runs it); "
        "this test runs in CI",
        allow_module_level=True,
    )


@pytest.fixture(autouse=True)
def cluster() -> None:
    if PROBLEM:
        pytest.fail(f"CI=true but the SLURM test cluster is not up: {PROBLEM} (see .ci/slurm-up)")


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The 12-run grid, basic launcher, uninterrupted."""
    tmp = tmp_path_factory.mktemp("reference")
    done = sweep(*GRID, f"hydra.sweep.dir={tmp / 'ref'}", cwd=tmp)
    assert done.returncode == 0, done.stderr + done.stdout
    return tmp / "ref"


def squeue(array: str) -> list[tuple[str, str]]:
    """(task, state) of the array's tasks that SLURM still lists as queued or running."""
    out = subprocess.run(
        ["squeue", "-h", "-r", "-t", "all", "-o", "%F %i %T"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    rows = [line.split() for line in out.stdout.splitlines()]
    return [(r[1], r[2]) for r in rows if r[0] == array and r[2] in ACTIVE]


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def recorded_array(sweep_dir: Path, attempt: int = 1) -> str | None:
    try:
        return json.loads((sweep_dir / "slurm" / f"{attempt:03d}.json").read_text())["array"]
    except (OSError, ValueError):
        return None


def start_sweep(*args: str, cwd: Path, **extra_env: str) -> subprocess.Popen:
    """The sweep in a session of its own, so that SIGINT can go to its whole group (Ctrl-C)."""
    return subprocess.Popen(
        [CONTINUITY, "sweep", *GRID, "hydra/launcher=slurm", *args],
        cwd=cwd,
        env=env(**extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_slurm_sweep_equals_the_basic_launcher(reference, tmp_path):
    out = tmp_path / "slurm"
    done = sweep(
        *GRID, "hydra/launcher=slurm", "sweep.chunk_size=4", f"hydra.sweep.dir={out}", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert "launcher: slurm" in done.stderr and "12 runs in 3 jobs of up to 4" in done.stderr
    assert "this launch: 12 runs" in done.stdout
    array = recorded_array(out)
    assert array, "the job array was not recorded in DIR/slurm/001.json"
    script = next((out / ".submitit").rglob("*_submission.sh")).read_text()
    assert "#SBATCH --array=0-2" in script and "srun" in script
    # the array really ran in SLURM, and every task has ended
    assert squeue(array) == []
    assert_same(reference, out)


def test_scancel_a_task_then_resume_gives_identical_tables(reference, tmp_path):
    out = tmp_path / "cancelled"
    # one task at a time, so the second of the 2 tasks is surely still queued when cancelled
    proc = start_sweep(
        "sweep.chunk_size=6",
        "hydra.launcher.array_parallelism=1",
        f"hydra.sweep.dir={out}",
        cwd=tmp_path,
    )
    array = wait_for(lambda: recorded_array(out), 120, "the job array")
    subprocess.run(["scancel", f"{array}_1"], check=True, timeout=60)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, stderr + stdout
    assert "this launch: 6 runs" in stdout  # what finished, not the 12 asked for
    assert "MISSING: 6 runs did not finish (run ids 6-11)" in stdout
    assert re.search(CANCELLED.format(task=f"{array}_1"), stderr), stderr
    assert squeue(array) == []

    resumed = sweep(*GRID, "hydra/launcher=slurm", f"hydra.sweep.dir={out}", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr + resumed.stdout
    assert "resuming: 6 of 12 runs already finished" in resumed.stderr
    assert "this launch: 6 runs" in resumed.stdout
    assert_same(reference, out)


def test_ctrl_c_cancels_the_job_array_and_a_resume_finishes_it(reference, tmp_path):
    out = tmp_path / "interrupted"
    proc = start_sweep("sweep.chunk_size=3", f"hydra.sweep.dir={out}", cwd=tmp_path)
    array = wait_for(lambda: recorded_array(out), 120, "the job array")
    wait_for(lambda: any(s == "RUNNING" for _, s in squeue(array)), 120, "a running task")
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    stdout, stderr = proc.communicate(timeout=180)
    assert proc.returncode == 130, stderr + stdout
    kept = re.search(r"interrupted: (\d+) of 12 runs finished and kept", stderr)
    assert kept, stderr
    assert f"cancelled SLURM job {array} (none of its tasks is left in the queue)" in stderr
    left = subprocess.run(
        ["squeue", "-h", "-r", "-j", array], capture_output=True, text=True, timeout=60
    )
    print(f"squeue -h -r -j {array} after Ctrl-C: {left.stdout!r} (exit {left.returncode})")
    assert squeue(array) == []
    assert int(kept.group(1)) < 12

    resumed = sweep(*GRID, "hydra/launcher=slurm", f"hydra.sweep.dir={out}", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr + resumed.stdout
    assert_same(reference, out)


def test_resume_is_refused_while_the_sweeps_earlier_tasks_are_queued(reference, tmp_path):
    out = tmp_path / "orphaned"
    proc = start_sweep(
        "sweep.chunk_size=6",
        "hydra.launcher.array_parallelism=1",
        f"hydra.sweep.dir={out}",
        cwd=tmp_path,
    )
    array = wait_for(lambda: recorded_array(out), 120, "the job array")
    # the login session dies: the sweep is gone, its job array runs on in SLURM
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    # keep its second task queued (held) until the refused resume has been tried
    subprocess.run(["scontrol", "hold", array], check=True, timeout=60, capture_output=True)
    assert any(state == "PENDING" for _, state in squeue(array))

    refused = sweep(*GRID, "hydra/launcher=slurm", f"hydra.sweep.dir={out}", cwd=tmp_path)
    assert refused.returncode == 2, refused.stderr + refused.stdout
    assert "of an earlier launch of this sweep" in refused.stderr
    assert f"scancel {array}" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (out / "attempts" / "002.json").exists()

    # release the held tasks themselves: `scontrol release ARRAY` exits 1 when another task of
    # the array has already finished ("no longer pending"), and SLURM does not promise which task
    # of the array runs first, so the held one may be _0 or _1
    for task, state in squeue(array):
        if state == "PENDING":
            subprocess.run(["scontrol", "release", task], check=True, timeout=60)
    wait_for(lambda: not squeue(array), 300, "the orphaned tasks to finish")
    resumed = sweep(*GRID, "hydra/launcher=slurm", f"hydra.sweep.dir={out}", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr + resumed.stdout
    assert "all 12 runs already finished" in resumed.stderr
    assert_same(reference, out)


def test_without_the_accounting_daemon_a_cancelled_task_does_not_hang(tmp_path):
    """The same cluster seen through a slurm.conf whose accounting daemon is on a dead port."""
    conf = tmp_path / "slurm.conf"
    text = SLURM_CONF.read_text()
    conf.write_text(re.sub(r"(?m)^AccountingStoragePort=.*$", "AccountingStoragePort=9", text))
    sacct = subprocess.run(
        ["sacct", "-j", "1"], capture_output=True, text=True, env=env(SLURM_CONF=str(conf))
    )
    assert sacct.returncode != 0, "sacct should fail without its daemon"

    out = tmp_path / "no-accounting"
    proc = start_sweep(
        "sweep.chunk_size=6",
        "hydra.launcher.array_parallelism=1",
        f"hydra.sweep.dir={out}",
        cwd=tmp_path,
        SLURM_CONF=str(conf),
    )
    array = wait_for(lambda: recorded_array(out), 120, "the job array")
    subprocess.run(["scancel", f"{array}_1"], check=True, timeout=60)
    stdout, stderr = proc.communicate(timeout=300)  # before the fix: waited forever
    assert proc.returncode == 1, stderr + stdout
    assert re.search(CANCELLED.format(task=f"{array}_1"), stderr), stderr
    assert "this launch: 6 runs" in stdout
    runs, _ = tables(out)
    assert len(runs) == 6
