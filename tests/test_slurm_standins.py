"""submitit's SLURM executor against the stand-in sbatch/srun/sacct of ``tests/slurm_standins``.

The stand-ins (small Python scripts, not SLURM) run every job on this machine, so these tests
rehearse what Hydra's submitit launcher does on a cluster: write an sbatch script, submit it,
run ``srun python -m submitit.core._submit`` with the ``SLURM_*`` environment, poll ``sacct``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import cloudpickle
import pytest
import submitit
from submitit.core.utils import FailedJobError
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


def _fail(message: str) -> None:
    raise ValueError(message)


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


def test_submit_one_function(executor):
    job = executor.submit(_square_with_env, 7)
    assert job.job_id == "1"
    out = job.result()
    assert out["value"] == 49
    assert out["job_id"] == job.job_id
    assert (out["cluster"], out["global_rank"], out["num_tasks"]) == ("slurm", 0, 1)
    assert out["hostnames"]  # parsed from SLURM_JOB_NODELIST
    assert _final_state(job) == "COMPLETED"
    script = job.paths.submission_file.read_text()
    assert "#SBATCH --job-name=standin-test" in script
    assert "srun --unbuffered --output" in script
    assert job.paths.stdout.exists() and job.paths.stderr.exists()


def test_map_array_results_in_order(executor):
    executor.update_parameters(array_parallelism=2)
    jobs = executor.map_array(_square_with_env, range(5))
    assert [j.job_id for j in jobs] == [f"1_{i}" for i in range(5)]
    outs = [j.result() for j in jobs]
    assert [o["value"] for o in outs] == [0, 1, 4, 9, 16]
    assert [o["job_id"] for o in outs] == [j.job_id for j in jobs]
    assert [_final_state(j) for j in jobs] == ["COMPLETED"] * 5
    assert "#SBATCH --array=0-4%2" in jobs[0].paths.submission_file.read_text()


def test_failing_function_raises_and_job_is_failed(executor):
    job = executor.submit(_fail, "boom in the job")
    with pytest.raises(FailedJobError, match="boom in the job"):
        job.result()
    assert _final_state(job) == "FAILED"
    assert "ValueError: boom in the job" in job.stderr()
