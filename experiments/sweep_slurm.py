"""A sweep's jobs on SLURM: submit them as one job array, watch them with ``squeue``, cancel them.

:func:`install` replaces the ``launch`` method of the submitit plugin's SLURM launcher (used by
``hydra/launcher=slurm`` and ``submitit_slurm``) with :func:`launch`, in the process that
``continuity sweep`` starts (:mod:`experiments.launch_jobs`). It submits the chunks as one job
array exactly as the plugin does (same sbatch script, same results), with three changes:

* it records the array's job id in ``DIR/slurm/NNN.json`` (attempt NNN) as soon as ``sbatch``
  returns, so that ``continuity sweep`` can cancel the array on Ctrl-C and can refuse to resume
  while a task of an earlier launch is still queued or running (:func:`active_tasks`);
* it waits for the tasks with ``squeue`` (the controller), not ``sacct`` (the accounting
  daemon): submitit polls ``sacct`` and, on a cluster without accounting, waits forever for a
  task that was cancelled or killed before it wrote its result;
* it waits for every task to end (squeue no longer lists any as queued, running or completing)
  before it returns or reports a failed one, so no task is left behind a sweep that has
  exited; on SIGINT or SIGTERM it cancels the array (``scancel``).

The plugin's class is patched rather than subclassed because Hydra only instantiates launcher
classes defined in its ``hydra_plugins`` namespace package, and the tasks unpickle the launcher
on the compute nodes, where only the installed packages are importable.
"""

from __future__ import annotations

import getpass
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sim.errors import InputError

ACTIVE = {
    "PENDING",
    "CONFIGURING",
    "RUNNING",
    "COMPLETING",
    "SUSPENDED",
    "REQUEUED",
    "REQUEUE_HOLD",
    "REQUEUE_FED",
    "RESIZING",
    "SIGNALING",
    "STAGE_OUT",
    "STOPPED",
    "RESV_DEL_HOLD",
}
"""squeue states of a task that has not ended yet."""
POLL_S = 2.0
"""How often the launcher looks for finished tasks' result files."""
SQUEUE_EVERY_S = 5.0
"""How often the launcher asks squeue about the tasks without a result."""
GRACE_S = 15.0
"""How long a task that ended COMPLETED or FAILED may take to show its result file (a slow
shared filesystem); a cancelled task is reported at once."""
UNREACHABLE_S = 600.0
"""Give up waiting after squeue has failed for this long (the controller is unreachable)."""
TIMEOUT_S = 60.0
"""Time limit of one squeue, sacct or scancel call."""


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived while the launcher was submitting or waiting."""


def record_path(sweep_dir: Path, attempt: int) -> Path:
    """``DIR/slurm/NNN.json``: the SLURM job array of attempt NNN."""
    return Path(sweep_dir) / "slurm" / f"{attempt:03d}.json"


def recorded_arrays(sweep_dir: Path, attempt: int | None = None) -> list[str]:
    """The job ids of the arrays recorded for the sweep (or one attempt of it)."""
    folder = Path(sweep_dir) / "slurm"
    files = [record_path(sweep_dir, attempt)] if attempt is not None else folder.glob("*.json")
    out = []
    for f in sorted(files):
        try:
            out.append(str(json.loads(f.read_text())["array"]))
        except (OSError, ValueError, KeyError):
            continue
    return out


def queue(arrays: list[str]) -> dict[str, str] | None:
    """Task id (``123_4``) -> squeue state of every task of these arrays that SLURM still knows.

    Ended tasks are listed for a few minutes (``MinJobAge``), then forgotten. Returns None when
    squeue is missing or fails (the controller cannot be reached).
    """
    if not arrays:
        return {}
    command = ["squeue", "-h", "-r", "-t", "all", "-u", getpass.getuser(), "-o", "%F|%i|%T"]
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    states = {}
    for line in out.stdout.splitlines():
        parts = line.strip().split("|")
        if len(parts) == 3 and parts[0] in arrays:
            states[parts[1]] = parts[2]
    return states


def active_tasks(sweep_dir: Path) -> list[str] | None:
    """Tasks of the sweep's recorded arrays still queued or running (None: squeue failed)."""
    states = queue(recorded_arrays(sweep_dir))
    if states is None:
        return None
    return sorted((t for t, s in states.items() if s in ACTIVE), key=_task_key)


def cancel(arrays: list[str], wait_s: float = 120.0) -> list[str]:
    """``scancel`` the arrays, then wait until none of their tasks is left; return those left.

    Returns the tasks squeue still lists as active after ``wait_s`` seconds (SLURM kills a task
    ``KillWait`` seconds after SIGTERM, 30 s by default), or ``["unknown"]`` if squeue fails.
    """
    if not arrays:
        return []
    try:
        subprocess.run(["scancel", *arrays], capture_output=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        pass
    deadline = time.monotonic() + wait_s
    while True:
        states = queue(arrays)
        left = ["unknown"] if states is None else [t for t, s in states.items() if s in ACTIVE]
        if not left or time.monotonic() > deadline:
            return sorted(left, key=_task_key)
        time.sleep(1.0)


def cancel_attempt(sweep_dir: Path, attempt: int) -> str:
    """Cancel the SLURM job array of attempt ``attempt``, if it has one; say what happened.

    Returns:
        A clause for the interruption message ('' if the attempt has no SLURM array).
    """
    arrays = recorded_arrays(sweep_dir, attempt)
    if not arrays:
        return ""
    left = cancel(arrays)
    jobs = f"SLURM job{'s' * (len(arrays) > 1)} {', '.join(arrays)}"
    if not left:
        return f" cancelled {jobs} (none of its tasks is left in the queue);"
    return (
        f" cancelled {jobs}, but squeue still lists {', '.join(left[:5])}: check with "
        f"squeue -j {arrays[0]} before resuming;"
    )


def check_no_tasks_left(sweep_dir: Path) -> None:
    """Refuse to resume while SLURM tasks of an earlier launch of this sweep are queued or running.

    Their runs would be done twice, and a resume removes unfinished chunk files they may be
    writing. If squeue cannot be asked, go on with a warning.

    Raises:
        InputError: Some tasks are still queued or running.
    """
    if not recorded_arrays(sweep_dir):
        return
    left = active_tasks(sweep_dir)
    if left is None:
        print(
            "  warning: cannot ask squeue whether this sweep's earlier SLURM jobs still run",
            file=sys.stderr,
        )
    elif left:
        arrays = sorted({t.split("_")[0] for t in left})
        shown = ", ".join(left[:6]) + (f" and {len(left) - 6} more" if len(left) > 6 else "")
        raise InputError(
            [
                f"hydra.sweep.dir: {len(left)} SLURM task{'s' * (len(left) > 1)} of an earlier "
                f"launch of this sweep {'are' if len(left) > 1 else 'is'} still queued or "
                f"running ({shown}); wait for {'them' if len(left) > 1 else 'it'} to end (finished "
                f"runs are kept) or cancel (scancel {' '.join(arrays)}), then run the same command"
            ]
        )


def _task_key(task: str) -> tuple[int, int]:
    main, _, index = task.partition("_")
    return (int(main) if main.isdigit() else 0, int(index) if index.isdigit() else -1)


def _raise_interrupted(signum: int, frame: Any) -> None:
    raise Interrupted(signal.Signals(signum).name)


def install() -> None:
    """Make the plugin's SLURM launcher submit and wait with :func:`launch`.

    Hydra's plugin discovery executes the plugin modules again, defining the class anew, so
    discover first, then patch the class Hydra will instantiate.
    """
    from hydra.core.plugins import Plugins
    from hydra_plugins.hydra_submitit_launcher import submitit_launcher as plugin

    name = f"{plugin.SlurmLauncher.__module__}.SlurmLauncher"
    Plugins.instance().class_name_to_class[name].launch = launch


def launch(self: Any, job_overrides: Any, initial_job_idx: int) -> Any:
    """``SlurmLauncher.launch``: submit the jobs as one array, wait for all, return their results.

    Args:
        self: The plugin's launcher (set up by Hydra with the config and task function).
        job_overrides: Each job's overrides.
        initial_job_idx: The number of the first job.
    """
    import submitit
    from hydra.core.singleton import Singleton
    from hydra.core.utils import filter_overrides
    from hydra_plugins.hydra_submitit_launcher import submitit_launcher as plugin
    from omegaconf import OmegaConf
    from submitit.core.utils import FailedJobError

    assert self.config is not None
    executor = submitit.AutoExecutor(
        cluster="slurm",
        folder=self.params["submitit_folder"],
        slurm_max_num_timeout=self.params["max_num_timeout"],
    )
    base = set(OmegaConf.structured(plugin.BaseQueueConf).keys())
    executor.update_parameters(
        **{
            k if k in base else f"slurm_{k}": v
            for k, v in self.params.items()
            if k not in ("submitit_folder", "max_num_timeout")
        }
    )
    Path(str(self.config.hydra.sweep.dir)).mkdir(parents=True, exist_ok=True)
    params = []
    for i, overrides in enumerate(job_overrides):
        idx = initial_job_idx + i
        plugin.log.info(f"\t#{idx} : {' '.join(filter_overrides(overrides))}")
        params.append(
            (
                list(overrides),
                "hydra.sweep.dir",
                idx,
                f"job_id_for_{idx}",
                Singleton.get_state(),
            )
        )

    previous = {s: signal.signal(s, _raise_interrupted) for s in (signal.SIGINT, signal.SIGTERM)}
    jobs: list[Any] = []
    try:
        # No signal between sbatch and the record: a job array nobody knows about would run on.
        signal.pthread_sigmask(signal.SIG_BLOCK, list(previous))
        try:
            try:
                jobs = executor.map_array(self, *zip(*params, strict=True))
            except FailedJobError:  # sbatch refused: a wrong partition, account, limit
                print("sbatch refused the job array (its error is above)", file=sys.stderr)
                sys.exit(1)
            _record(self, jobs)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, list(previous))
        states = _wait(jobs)
    except Interrupted as exc:
        if jobs:
            array = jobs[0].job_id.split("_")[0]
            print(f"{exc}: cancelling SLURM job array {array}", file=sys.stderr, flush=True)
            cancel([array], wait_s=0)
        sys.exit(130)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return _results(jobs, states)


def _record(self: Any, jobs: list[Any]) -> None:
    """Write ``DIR/slurm/NNN.json`` (when run by ``continuity sweep``, which sets attempt)."""
    from sim.api import atomic_write

    cfg = self.config
    if cfg is None or "sweep_dir" not in cfg or "attempt" not in cfg or not jobs:
        return
    path = record_path(Path(str(cfg.sweep_dir)), int(cfg.attempt))
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(
        {
            "array": jobs[0].job_id.split("_")[0],
            "tasks": [j.job_id for j in jobs],
            "folder": str(jobs[0].paths.folder.parent),
        }
    )
    atomic_write(path, lambda p: Path(p).write_text(text))


def _wait(jobs: list[Any]) -> dict[str, str]:
    """Until every task has a result file or has ended in SLURM (never asks sacct).

    Returns:
        The squeue state of each task that ended without a result file.
    """
    array = jobs[0].job_id.split("_")[0]
    waiting = {j.job_id: j for j in jobs}
    ended: dict[str, tuple[float, str]] = {}  # task -> (when squeue first showed it ended, state)
    last_ok, last_ask = time.monotonic(), float("-inf")
    while True:
        now = time.monotonic()
        for task, job in list(waiting.items()):
            if job.paths.result_pickle.exists():
                del waiting[task]
            elif task in ended and now - ended[task][0] >= _grace_s(ended[task][1]):
                del waiting[task]
        if not waiting:
            _until_gone(array)
            return {t: state for t, (_, state) in ended.items()}
        if now - last_ask >= SQUEUE_EVERY_S:
            last_ask = now
            states = queue([array])
            if states is not None:
                last_ok = now
                for task in waiting:
                    state = states.get(task, "ENDED")
                    if state not in ACTIVE and task not in ended:
                        ended[task] = (now, state)
                continue
            if now - last_ok > UNREACHABLE_S:
                print(
                    f"squeue has failed for {UNREACHABLE_S:.0f} s: cannot tell whether the "
                    f"tasks of SLURM job {array} still run; stopped waiting",
                    file=sys.stderr,
                )
                sys.exit(1)
        time.sleep(POLL_S)


def _until_gone(array: str, wait_s: float = 60.0) -> None:
    """Wait (bounded) until squeue lists no task of the array as active (e.g. COMPLETING)."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        states = queue([array])
        if states is None or not any(s in ACTIVE for s in states.values()):
            return
        time.sleep(1.0)


def _grace_s(state: str) -> float:
    """Seconds to wait for the result file of a task that ended in this state."""
    return GRACE_S if state in ("COMPLETED", "FAILED") else 0.0


def _results(jobs: list[Any], states: dict[str, str]) -> list[Any]:
    """The tasks' results; tasks that ended without one are reported, then the exit is 1."""
    lost = [j for j in jobs if not j.paths.result_pickle.exists()]
    if lost:
        print(
            f"{len(lost)} of {len(jobs)} SLURM tasks ended without finishing their chunk:",
            file=sys.stderr,
        )
        for j in lost[:10]:
            state = states.get(j.job_id, "ENDED")
            if state == "ENDED":
                # squeue forgets at once a queued array task that is cancelled
                state = "gone from the queue before it started (cancelled)"
            print(f"  task {j.job_id}: {state}; its log: {j.paths.stderr}", file=sys.stderr)
        sys.exit(1)
    return [j.results()[0] for j in jobs]
