"""``python -m experiments.launch_jobs --multirun ...``: the process ``continuity sweep`` starts.

It only calls the Hydra app of :mod:`experiments.sweep_job`, so that the task function lives in
an importable module (launchers such as joblib and submitit pickle it by reference). Before
that, it gives the SLURM launcher (``hydra/launcher=slurm`` or ``submitit_slurm``) the
submission and waiting of :mod:`experiments.sweep_slurm`: Ctrl-C cancels the job array, and a
task that ends without a result is noticed without SLURM's accounting daemon.
"""

from experiments.sweep_job import main
from experiments.sweep_slurm import install

if __name__ == "__main__":  # pragma: no cover
    install()
    main()
