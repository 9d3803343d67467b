"""submitit's SLURM executor against the stand-in sbatch/srun/sacct of ``tests/slurm_standins``.

Only for what the real one-node cluster of ``tests/test_slurm_real.py`` cannot show: a job
spread over several nodes. The stand-ins (small Python scripts, not SLURM) run every task on
this machine with the ``SLURM_*`` environment a two-node allocation would give.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import cloudpickle
import pytest
import submitit
from submitit.slurm.slurm import SlurmInfoWatcher

STANDINS = Path(__file__).parent / "slurm_standins"


def _square_with_env(x: int) -> dict:
    """Runs inside the job: x**2 and what submitit's JobEnvironment saw."""
    env = submitit.JobEnvironment()
    return {
        "value": x * x,
        "job_id": env.job_id,
        "cluster": env.cluster,
        "global_rank": env.global_rank,
        "num_tasks": env.num_tasks,
        "hostnames": env.hostnames,
    }


def _final_state(job, timeout_s: float = 10.0) -> str:
    """The job's state from sacct once it left PENDING/RUNNING (sbatch records it on exit)."""
    deadline = time.monotonic() + timeout_s
    while True:
        state = job.watcher.get_state(job.job_id, mode="force")
        if state not in ("PENDING", "RUNNING", "UNKNOWN") or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


@pytest.fixture
def executor(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{STANDINS}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("SLURM_STANDIN_DIR", str(tmp_path / "slurm"))
    # Job ids restart at 1 in each fresh state dir, and the sacct watcher is shared by all
    # SlurmJobs: give each test its own so no state cached for another test's job 1 is reused.
    monkeypatch.setattr(submitit.SlurmJob, "watcher", SlurmInfoWatcher(delay_s=1))
    # The job unpickles the submitted function in a fresh interpreter where this test module
    # is not importable: pickle its functions by value.
    module = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(module)
    ex = submitit.SlurmExecutor(folder=tmp_path / "logs")
    ex.update_parameters(time=5, job_name="standin-test")
    yield ex
    cloudpickle.unregister_pickle_by_value(module)


def test_two_nodes_two_tasks_each_see_their_ranks(executor):
    executor.update_parameters(nodes=2, ntasks_per_node=2)
    job = executor.submit(_square_with_env, 3)
    outs = job.results()
    assert [o["global_rank"] for o in outs] == [0, 1, 2, 3]
    assert {o["num_tasks"] for o in outs} == {4}
    assert {o["value"] for o in outs} == {9}
    assert _final_state(job) == "COMPLETED"
    script = job.paths.submission_file.read_text()
    assert "#SBATCH --nodes=2" in script and "#SBATCH --ntasks-per-node=2" in script
