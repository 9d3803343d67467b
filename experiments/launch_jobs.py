"""``python -m experiments.launch_jobs --multirun ...``: the process ``continuity sweep`` starts.

It only calls the Hydra app of :mod:`experiments.sweep_job`, so that the task function lives in
an importable module (launchers such as joblib and submitit pickle it by reference).
"""

from experiments.sweep_job import main

if __name__ == "__main__":  # pragma: no cover
    main()
