"""Sweep throughput and the framework's share of a sweep's time (issue "Experiments at scale").

    python benchmarks/sweep_overhead.py [runs=100,2000] [--quick] [--no-timeseries-too]
                                        [out=benchmarks/out/sweep_overhead.json]

For each number of runs (default 100 and 2,000; ``--quick``: 100 only), it measures, in one run
on this machine (numbers are only comparable within a run):

1. **plain loop**: the same runs of the default Mexico scenario (the seeds the sweep derives)
   called in a plain loop in this process (``sim.api.run``), after imports, writing nothing:
   the simulation's own cost; and the same loop split over 2 processes.
2. ``continuity sweep experiment=replications design.replications=RUNS`` as a user types it
   (a subprocess: start-up, planning and validation, Hydra jobs, chunk files, collecting
   ``runs.parquet`` and ``timeseries.parquet``), with the basic launcher (1 worker) and with
   ``hydra/launcher=joblib hydra.launcher.n_jobs=2`` (2 workers); with ``--no-timeseries-too``,
   also, for the largest number of runs, the 1-worker sweep without the long time series
   (``sweep.timeseries=false``).

It prints the wall time, runs/s and the framework share two ways. Against the plain loop:
``1 - loop / wall``, where loop is the plain loop's time with as many processes as the sweep
has workers (the 2-process loop splits the seeds over a process pool, so both sides meet the
same contention for the machine's 2 cores). Against the sweep's own simulation time:
``1 - sum(elapsed_s) / (workers x wall)``, the simulation time measured inside the jobs, which
is immune to the machine's speed drifting between measurements. It checks that the 1- and
2-worker sweeps wrote identical ``runs.parquet`` (minus timing) and ``timeseries.parquet``.

It takes about 3-4 minutes with the compiled model (2,000 runs of ~20 ms: the simulation's time
x 3.5, plus ~1 minute), so it is not part of ``make bench`` (``benchmarks/sweep_throughput.py``
is); ``--quick``, under a minute.
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
    args = {"runs": "100,2000", "out": str(ROOT / "benchmarks" / "out" / "sweep_overhead.json")}
    usage = (
        "usage: python benchmarks/sweep_overhead.py [runs=N[,N...]] [--quick] "
        "[--no-timeseries-too] [out=FILE]"
    )
    for a in argv:
        if a == "--quick":
            args["runs"] = "100"
            continue
        if a == "--no-timeseries-too":
            args["no_timeseries"] = "1"
            continue
        key, _, value = a.partition("=")
        if key not in args or not value:
            sys.exit(f"{usage}; got {a!r}")
        args[key] = value
    try:
        sizes = [int(x) for x in args["runs"].split(",")]
    except ValueError:
        sys.exit(f"{usage}; got runs={args['runs']!r}")
    if not sizes or min(sizes) < 1:
        sys.exit(f"{usage}; got runs={args['runs']!r}")
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
    # every worker imports and does one run first (the first loads the compiled model)
    with ProcessPoolExecutor(workers, initializer=plain_loop, initargs=(seeds[:1],)) as pool:
        list(pool.map(time.sleep, [0.5] * workers))  # start all the workers
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


def measure(tmp: Path, n: int, no_timeseries: bool) -> dict[str, object]:
    """The plain loops and the sweeps for ``n`` runs (see the module docstring)."""
    from experiments.sweep_plan import make_plan

    seeds = [r[3] for r in make_plan("replications", [f"design.replications={n}"]).runs]
    print(f"{n} runs of the default Mexico scenario")
    loop = plain_loop(seeds)
    print(f"  plain loop, 1 process:      {loop:7.1f} s  {n / loop:6.1f} runs/s")
    loop2 = parallel_loop(seeds, 2)
    print(f"  plain loop, 2 processes:    {loop2:7.1f} s  {n / loop2:6.1f} runs/s")
    ideal = {1: loop, 2: loop2}
    results: dict[str, object] = {
        "runs": n,
        "plain_loop_s": loop,
        "plain_loop_runs_per_s": n / loop,
        "plain_loop_2_processes_s": loop2,
        "plain_loop_2_processes_runs_per_s": n / loop2,
    }
    cases = [
        ("sweep_1_worker", 1, []),
        ("sweep_2_workers", 2, ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]),
    ]
    if no_timeseries:
        cases.append(("sweep_1_worker_no_timeseries", 1, ["sweep.timeseries=false"]))
    for name, workers, extra in cases:
        directory = tmp / f"{name}_{n}"
        wall = timed_sweep(directory, n, *extra)
        inside = float(pd.read_parquet(directory / "runs.parquet")["elapsed_s"].sum())
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
            f"  {name:29s} {wall:6.1f} s  {n / wall:6.1f} runs/s  framework share "
            f"{share:5.1%} vs plain loop, {own:5.1%} vs its own simulation time "
            f"({inside:.1f} s)"
        )
    one, two = (tmp / f"{d}_{n}" for d in ("sweep_1_worker", "sweep_2_workers"))
    a, b = (pd.read_parquet(d / "runs.parquet").drop(columns=["elapsed_s"]) for d in (one, two))
    same = bool(a.equals(b)) and pd.read_parquet(one / "timeseries.parquet").equals(
        pd.read_parquet(two / "timeseries.parquet")
    )
    results["identical_1_vs_2_workers"] = same
    print(f"  runs.parquet and timeseries.parquet identical with 1 and 2 workers: {same}")
    for name, *_ in cases:
        shutil.rmtree(tmp / f"{name}_{n}", ignore_errors=True)
    return results


def main(argv: list[str]) -> None:  # noqa: D103
    args = parse(argv)
    sizes = [int(x) for x in args["runs"].split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    try:
        results = {
            str(n): measure(tmp, n, no_timeseries=n == max(sizes) and "no_timeseries" in args)
            for n in sizes
        }
        print("summary (framework share vs plain loop / vs own simulation time):")
        for n, r in results.items():
            for name in ("sweep_1_worker", "sweep_2_workers"):
                c = r[name]
                print(
                    f"  {n:>6} runs, {name:16s} {c['wall_s']:6.1f} s {c['runs_per_s']:6.1f} runs/s"
                    f"  {c['framework_share_vs_plain_loop']:6.1%}"
                    f" / {c['framework_share_vs_own_simulation_time']:6.1%}"
                )
        out = Path(args["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"  written: {out}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
