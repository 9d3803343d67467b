"""Sweep throughput and the framework's share of a sweep's time (issue "Experiments at scale").

    python benchmarks/sweep_overhead.py [runs=2000] [out=benchmarks/out/sweep_overhead.json]

Measures, in one run on this machine (numbers are only comparable within a run):

1. **plain loop**: the same ``runs`` runs of the default Mexico scenario (the seeds the sweep
   derives) called in a plain loop in this process (``sim.api.run``), after imports, writing
   nothing: the simulation's own cost.
2. ``continuity sweep experiment=replications design.replications=runs`` as a user types it
   (a subprocess: start-up, planning and validation, Hydra jobs, chunk files, collecting
   ``runs.parquet`` and ``timeseries.parquet``), with the basic launcher (1 worker) and with
   ``hydra/launcher=joblib hydra.launcher.n_jobs=2`` (2 workers); and the 1-worker sweep
   without the long time series (``sweep.timeseries=false``).

The framework share is given two ways. Against the plain loop: ``1 - loop / wall``, where loop
is the plain loop's time with as many
processes as the sweep has workers (the 2-process loop splits the seeds over a process pool, so
both sides meet the same contention for the machine's 2 cores). Against the sweep's own
simulation time: ``1 - sum(elapsed_s) / (workers x wall)``, the simulation time measured inside
the jobs, which is immune to the machine's speed drifting between measurements. It checks that the 1- and
2-worker sweeps wrote identical ``runs.parquet`` (minus timing) too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CONTINUITY = str(Path(sys.executable).with_name("continuity"))


def parse(argv: list[str]) -> dict[str, str]:
    args = {"runs": "2000", "out": str(ROOT / "benchmarks" / "out" / "sweep_overhead.json")}
    for a in argv:
        key, _, value = a.partition("=")
        if key not in args or not value:
            sys.exit(f"usage: python benchmarks/sweep_overhead.py [runs=N] [out=FILE]; got {a!r}")
        args[key] = value
    return args


def plain_loop(seeds: list[int]) -> float:
    from sim.api import load_config, run

    cfg = load_config([])
    run(replace(cfg, seed=seeds[0]), keep_model=False)  # warm-up (imports, caches)
    start = time.perf_counter()
    for seed in seeds:
        run(replace(cfg, seed=seed), keep_model=False)
    return time.perf_counter() - start


def parallel_loop(seeds: list[int], workers: int) -> float:
    """The plain loop split over ``workers`` processes (what the machine can do in parallel)."""
    from concurrent.futures import ProcessPoolExecutor

    parts = [seeds[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        pool.submit(plain_loop, seeds[:1]).result()  # start the workers and import
        start = time.perf_counter()
        list(pool.map(plain_loop, parts))
    return time.perf_counter() - start


def timed_sweep(directory: Path, runs: int, *extra: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [
            CONTINUITY,
            "sweep",
            "experiment=replications",
            f"design.replications={runs}",
            f"hydra.sweep.dir={directory}",
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=directory.parent,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"sweep failed:\n{done.stdout}\n{done.stderr}")
    print("   ", done.stderr.strip().splitlines()[-1].strip())
    return wall


def main(argv: list[str]) -> None:  # noqa: D103
    args = parse(argv)
    n = int(args["runs"])
    from experiments.sweep_plan import make_plan

    seeds = [r[3] for r in make_plan("replications", [f"design.replications={n}"]).runs]
    tmp = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    try:
        print(f"{n} runs of the default Mexico scenario")
        loop = plain_loop(seeds)
        print(f"  plain loop, 1 process:      {loop:7.1f} s  {n / loop:6.1f} runs/s")
        loop2 = parallel_loop(seeds, 2)
        print(f"  plain loop, 2 processes:    {loop2:7.1f} s  {n / loop2:6.1f} runs/s")
        ideal = {1: loop, 2: loop2}
        results = {
            "runs": n,
            "plain_loop_s": loop,
            "plain_loop_runs_per_s": n / loop,
            "plain_loop_2_processes_s": loop2,
        }
        cases = [
            ("sweep_1_worker", 1, []),
            ("sweep_2_workers", 2, ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]),
            ("sweep_1_worker_no_timeseries", 1, ["sweep.timeseries=false"]),
        ]
        for name, workers, extra in cases:
            wall = timed_sweep(tmp / name, n, *extra)
            inside = float(pd.read_parquet(tmp / name / "runs.parquet")["elapsed_s"].sum())
            share = 1 - ideal[workers] / wall
            own = 1 - inside / (workers * wall)
            results[name] = {
                "wall_s": wall,
                "runs_per_s": n / wall,
                "workers": workers,
                "framework_share_vs_plain_loop": share,
                "simulation_s_inside_sweep": inside,
                "framework_share_vs_own_simulation_time": own,
            }
            print(
                f"  {name:29s} {wall:6.1f} s  {n / wall:5.1f} runs/s  framework share "
                f"{share:5.1%} vs plain loop, {own:5.1%} vs its own simulation time "
                f"({inside:.1f} s)"
            )
        a, b = (
            pd.read_parquet(tmp / d / "runs.parquet").drop(columns=["elapsed_s"])
            for d in ("sweep_1_worker", "sweep_2_workers")
        )
        results["identical_1_vs_2_workers"] = bool(a.equals(b))
        print(
            f"  runs.parquet identical with 1 and 2 workers: {results['identical_1_vs_2_workers']}"
        )
        out = Path(args["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"  written: {out}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
