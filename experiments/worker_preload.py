"""What a sweep's joblib workers start with: imported once, by the process that forks them.

With ``hydra/launcher=joblib``, ``continuity sweep``'s launcher process
(:mod:`experiments.launch_jobs`) has loky start the workers from a fork server, a process
that imports this module once and then forks a worker per request. Importing it imports the
job's code and runs the default model once, which loads the compiled kernels from the disk
cache, so every worker starts with both done (about a second of work each otherwise, all of
it at the sweep's start, when every process is busy).

It does not import :mod:`experiments.launch_jobs`, the launcher's main module: the workers
import that themselves (importing it here would make Python warn that the main module was
imported twice).
"""

from __future__ import annotations

from experiments.sweep_job import import_job_code


def load_kernels() -> None:
    """Run the default model once: it loads the compiled kernels (from the disk cache)."""
    try:
        from sim.api import load_config, run

        run(load_config())
    except Exception:  # noqa: BLE001, S110 - only a head start; a job reports problems itself
        pass


import_job_code()
load_kernels()
