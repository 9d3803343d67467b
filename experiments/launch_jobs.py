"""``python -m experiments.launch_jobs --multirun ...``: the process ``continuity sweep`` starts.

It only calls the Hydra app of :mod:`experiments.sweep_job`, so that the task function lives in
an importable module (launchers such as joblib and submitit pickle it by reference). Before
that, it gives the SLURM launcher (``hydra/launcher=slurm`` or ``submitit_slurm``) the
submission and waiting of :mod:`experiments.sweep_slurm`: Ctrl-C cancels the job array, and a
task that ends without a result is noticed without SLURM's accounting daemon.

``python -m experiments.launch_jobs --standby SPEC`` is how ``continuity sweep`` starts it: at
once, while the sweep still plans, so that its start-up does not wait for the plan. It imports
what the jobs need and, with the joblib launcher, starts the workers: forks of a fork server
that has imported the jobs' code and loaded the compiled model once
(:mod:`experiments.worker_preload`).
``SPEC`` is JSON: ``model`` (import the model here), ``joblib`` (the launcher's settings, or
null), ``workers``, ``parent`` (the sweep's process id) and ``dir``, a private directory where
the sweep then writes the file ``go``: JSON ``{"argv": [...], "log": PATH, "sweep_dir": DIR}``,
the Hydra command line to run and the log to append all output to, or ``{}``: stop without
doing anything (bad input, nothing left to run, an interrupt). Each joblib worker, once it has
the go, also does the plan's first run once, writing nothing (the point's config and network),
which its first job would otherwise do. If the sweep's process ends before the go, so does
this one.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

STANDBY = "--standby"
GO = "go"
EARLY_LOG = "early.log"
POLL_S = 0.02


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - another user's process took the id
        return True
    return True


def wait_for_go(directory: str, parent: int) -> dict[str, Any]:
    """Wait until the sweep writes its go file; ``{}`` if it says stop or its process ended."""
    path = Path(directory) / GO
    while True:
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            pass
        if not _alive(parent):
            return {}
        time.sleep(POLL_S)


def _redirect(log: str) -> None:
    """Send this process's output (file descriptors 1 and 2) to the end of ``log``."""
    sys.stdout.flush()
    sys.stderr.flush()
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


def warm() -> None:
    """Import what a job needs."""
    from experiments.sweep_job import import_job_code

    import_job_code()


def warm_worker(directory: str, parent: int) -> int:
    """A joblib worker's head start: import, wait for the go, prepare the first point.

    Returns:
        The worker's process id.
    """
    import threading

    warm()
    go = wait_for_go(directory, parent)
    if go:
        _redirect(go["log"])
        # in the background, so that the launcher sets Hydra's jobs up meanwhile (a job that
        # arrives first waits for what it needs: the compiled model loads once per process)
        threading.Thread(target=_prepare, args=(Path(go["sweep_dir"]),), daemon=True).start()
    return os.getpid()


def _prepare(sweep_dir: Path) -> None:
    try:
        prepare(sweep_dir)
    except Exception:  # noqa: BLE001, S110 - only a head start; the job reports problems
        pass


def prepare(sweep_dir: Path) -> None:
    """Do the plan's first run once, writing nothing, as a worker's first job would.

    It builds the first point's config and network (and loads the compiled model, if the
    worker was not forked from a warm fork server), in every worker at once and while the
    launcher sets Hydra's jobs up.
    """
    from experiments.sweep_job import load_json, run_one

    plan = load_json(sweep_dir / "sweep.json")
    if plan.get("runs"):
        run_one(plan, plan["runs"][0])


def joblib_arguments(settings: dict[str, Any]) -> dict[str, Any]:
    """The arguments Hydra's joblib launcher gives ``joblib.Parallel`` (so its workers are reused)."""
    from hydra_plugins.hydra_joblib_launcher._core import process_joblib_cfg

    out = {k: v for k, v in settings.items() if k != "_target_"}
    out["backend"] = "loky"
    process_joblib_cfg(out)
    return out


def start_fork_server() -> None:
    """Have loky fork this process's joblib workers from a server that has imported the jobs.

    The server (:mod:`multiprocessing.forkserver`) starts now and imports
    :mod:`experiments.worker_preload` (the job's code, the compiled model loaded) while this
    process gets ready; each worker is then a fork of it, warm from its first instant.
    """
    import multiprocessing
    from multiprocessing import forkserver

    from joblib.externals.loky.backend.context import set_start_method

    multiprocessing.get_context("forkserver").set_forkserver_preload(["experiments.worker_preload"])
    set_start_method("forkserver", force=True)
    forkserver.ensure_running()


def standby(spec: dict[str, Any]) -> list[str] | None:
    """Get ready (see the module docstring) and wait for the go; return Hydra's argv, or None."""
    if spec.get("joblib"):
        try:
            start_fork_server()
        except Exception as exc:  # noqa: BLE001 - only a head start: loky spawns workers then
            print(f"launch_jobs: no fork server ({exc})", flush=True)
    import experiments.sweep_job  # noqa: F401 - Hydra, the job's tables
    from experiments.sweep_slurm import install

    install()  # discovers Hydra's plugins now rather than after the go
    directory, parent = spec["dir"], int(spec["parent"])
    if spec.get("model"):
        warm()
    if spec.get("joblib"):
        try:
            from joblib import Parallel, delayed

            arguments = joblib_arguments(spec["joblib"])
            n = max(1, int(spec.get("workers", 1)))
            Parallel(**arguments)(delayed(warm_worker)(directory, parent) for _ in range(n))
        except Exception as exc:  # noqa: BLE001 - only a head start: the launch still works
            print(f"launch_jobs: workers not started in advance ({exc})", flush=True)
    go = wait_for_go(directory, parent)
    if go:
        early = Path(directory) / EARLY_LOG
        with open(go["log"], "ab") as log:
            log.write(early.read_bytes() if early.exists() else b"")
        _redirect(go["log"])
    shutil.rmtree(directory, ignore_errors=True)
    return list(go["argv"]) if go else None


def _stop_workers() -> None:
    try:
        from joblib.externals.loky import reusable_executor

        if reusable_executor._executor is not None:
            reusable_executor._executor.shutdown(wait=True, kill_workers=True)
    except Exception:  # noqa: BLE001, S110 - ending anyway
        pass


if __name__ == "__main__":  # pragma: no cover
    from experiments.fast_exit import freeze_heap_at_exit

    freeze_heap_at_exit()
    if len(sys.argv) >= 3 and sys.argv[1] == STANDBY:
        spec = json.loads(sys.argv[2])
        argv = standby(spec)
        if argv is None:
            if spec.get("joblib"):
                _stop_workers()
            sys.exit(0)
        sys.argv = [sys.argv[0], *argv]

    from experiments.sweep_job import main
    from experiments.sweep_slurm import install

    install()
    main()
