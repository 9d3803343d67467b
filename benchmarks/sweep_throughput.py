"""Sweep throughput: runs per second of ``continuity sweep`` with 1 and 2 workers.

    python benchmarks/sweep_throughput.py [--quick] [--out FILE]

``continuity sweep experiment=replications design.replications=RUNS sweep.chunk_size=RUNS/4``
as a user types it (start-up, validation, 4 Hydra jobs, chunk files, collected tables), with the
basic launcher (1 worker) and ``hydra/launcher=joblib hydra.launcher.n_jobs=2`` (2 workers),
alternated, twice each; runs/s = RUNS / median wall time. Four chunks, two per worker, so each
joblib worker's start-up (a fresh Python importing the model, 1-2 s) is shared by two jobs of
about 6 s of work. ``benchmarks/sweep_overhead.py`` breaks the time down further (framework
share, 2,000 runs).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import measured, parser, write_json  # noqa: E402
from benchmarks.sweep_overhead import timed_sweep  # noqa: E402

CASES = {
    "1_worker": [],
    "2_workers": ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
}


def main(argv: list[str] | None = None) -> dict:
    """Time the sweeps; print runs/s; return (and write) the measurements."""
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    runs, repeat = (40, 1) if args.quick else (600, 2)
    chunk = runs // 4
    print(f"sweep throughput: {runs} runs of the default Mexico scenario, {chunk} runs per job")
    tmp = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    walls = {name: [] for name in CASES}
    try:
        for k in range(repeat):
            for name, extra in CASES.items():
                directory = tmp / f"{name}_{k}"
                walls[name].append(
                    timed_sweep(directory, runs, f"sweep.chunk_size={chunk}", *extra)
                )
                shutil.rmtree(directory, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results = {"runs": runs, "runs_per_job": chunk}
    for name, times in walls.items():
        wall = measured(times)
        results[name] = {
            "wall_s": wall,
            "runs_per_s": measured([runs / t for t in times]),
        }
        print(
            f"  {name:10s} {wall['median']:6.1f} s  {runs / wall['median']:6.1f} runs/s"
            f"  (median of {len(times)})"
        )
    write_json(args.out, results)
    return results


if __name__ == "__main__":
    main()
