"""Peak memory per agent and per edge: a fresh subprocess per size builds the model and steps it.

    python benchmarks/memory.py [--quick] [--out FILE]

In each child: import the model, compose the config, read the peak RSS (``ru_maxrss``, KiB on
Linux) as the baseline, build ``ContinuityModel`` on a synthetic network (mean degree 10), run
the warm-up and 5 more steps, read the peak RSS again. Reported: the process's peak RSS, and
(peak - baseline) per agent and per undirected edge. Sizes 100k and 1M (``--quick``: 10k);
each size twice, medians.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ROOT, measured, parser, write_json  # noqa: E402

SIZES = (100_000, 1_000_000)
QUICK_SIZES = (10_000,)


def peak_rss_bytes() -> int:
    """This process's peak resident set size so far, in bytes (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(n: int) -> None:
    """Build and step a model of ``n`` agents; print the RSS figures as JSON."""
    from benchmarks._common import synthetic_config, warm_up
    from sim.model import ContinuityModel

    cfg = synthetic_config(n)
    baseline = peak_rss_bytes()
    model = ContinuityModel(cfg)
    built = peak_rss_bytes()
    warm_up(model)
    for _ in range(5):
        model.step()
    peak = peak_rss_bytes()
    edges = model.adjacency.nnz // 2
    print(
        json.dumps(
            {
                "agents": n,
                "edges": edges,
                "baseline_rss_bytes": baseline,
                "peak_rss_after_build_bytes": built,
                "peak_rss_bytes": peak,
                "bytes_per_agent": (peak - baseline) / n,
                "bytes_per_edge": (peak - baseline) / edges,
            }
        )
    )


def measure(n: int, repeat: int) -> dict:
    """Run the child ``repeat`` times for size ``n``; medians of each figure."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.memory", "--child", str(n)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    out = {"agents": n, "edges": runs[0]["edges"]}
    for key in runs[0]:
        if key not in out:
            out[key] = measured([r[key] for r in runs])
    return out


def main(argv: list[str] | None = None) -> dict:
    """Measure every size; print; return (and write) the measurements."""
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--child", type=int, help=argparse.SUPPRESS)  # internal
    args = p.parse_args(argv)
    if args.child:
        child(args.child)
        return {}
    sizes = QUICK_SIZES if args.quick else SIZES
    results = {"sizes": {}}
    print("peak memory (RSS) of a fresh process: build + warm-up + 5 steps")
    for n in sizes:
        r = measure(n, 1 if args.quick else 2)
        results["sizes"][str(n)] = r
        mib = 2**20
        print(
            f"  {n:>9,} agents {r['edges']:>10,} edges  peak RSS "
            f"{r['peak_rss_bytes']['median'] / mib:7.0f} MiB (after imports "
            f"{r['baseline_rss_bytes']['median'] / mib:4.0f} MiB)  "
            f"{r['bytes_per_agent']['median']:6.0f} B/agent  "
            f"{r['bytes_per_edge']['median']:5.0f} B/edge"
        )
    write_json(args.out, results)
    return results


if __name__ == "__main__":
    main()
