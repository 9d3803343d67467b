"""What a notebook seed loop costs beyond its runs: ``sim.load(...).run`` and ``sim.simulate``.

    python benchmarks/seed_loop.py [--seeds 100] [--blocks 3] [--out FILE]

In one process, after a warm-up, a loop over ``--seeds`` seeds of the default Mexico scenario
is timed three ways, in alternating blocks (the order rotates, so each way meets the same
machine load):

a. **runs alone**: ``sim.api.run(replace(cfg, seed=s), keep_model=False)`` on one config;
b. ``scenario.run(s, keep_model=False)`` on ``scenario = sim.load()``;
c. ``sim.simulate(seed=s)`` (memoised config; it keeps the model, as it always has).

It prints the median loop time of each, the ratios b/a and c/a (the target: a 100-seed
``simulate`` loop within 1.3x the sum of its runs) and the framework's cost per call,
(b - a)/N and (c - a)/N. For reference it also times one Hydra composition and validation
(``load_config``: what every ``simulate`` call cost before configs were memoised), the
cache's check of the config files and the copy of a config each run gets.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ROOT, fmt_time, measured, time_calls, write_json  # noqa: E402


def loops(n: int) -> dict:
    """The three seed loops, each a function timing one loop over seeds ``0 .. n-1``."""
    import sim
    from sim.api import load_config, run

    cfg = load_config([])
    scenario = sim.load()

    def runs_alone() -> None:
        for s in range(n):
            run(replace(cfg, seed=s), keep_model=False)

    def scenario_run() -> None:
        for s in range(n):
            scenario.run(s, keep_model=False)

    def simulate() -> None:
        for s in range(n):
            sim.simulate(seed=s)

    return {"runs_alone": runs_alone, "scenario_run": scenario_run, "simulate": simulate}


def parts() -> dict:
    """The framework's pieces, timed alone (seconds per call)."""
    from sim.api import load_config
    from sim.config_cache import copy_config, fingerprint

    cfg = load_config([])
    return {
        "compose_and_validate": measured(time_calls(lambda: load_config([]), 5)),
        "fingerprint": measured(time_calls(fingerprint, 200)),
        "copy_config": measured(time_calls(lambda: copy_config(cfg), 200)),
    }


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=100, help="seeds per loop (default 100)")
    p.add_argument("--blocks", type=int, default=3, help="timed loops of each way (default 3)")
    p.add_argument(
        "--out",
        type=Path,
        default=ROOT / "benchmarks" / "out" / "seed_loop.json",
        help="JSON file to write (default benchmarks/out/seed_loop.json)",
    )
    args = p.parse_args(argv)
    if args.seeds < 1 or args.blocks < 1:
        p.error("--seeds and --blocks must be at least 1")

    ways = loops(args.seeds)
    for warm in loops(2).values():  # warm-up: imports, caches, the memoised config
        warm()
    times: dict[str, list[float]] = {name: [] for name in ways}
    names = list(ways)
    for block in range(args.blocks):
        for name in names[block % 3 :] + names[: block % 3]:
            start = time.perf_counter()
            ways[name]()
            times[name].append(time.perf_counter() - start)
            print(f"block {block + 1}: {name:<13} {fmt_time(times[name][-1])}", flush=True)

    out = {name: measured(t) for name, t in times.items()}
    a = out["runs_alone"]["median"]
    result = {
        "seeds": args.seeds,
        "blocks": args.blocks,
        "loops_s": out,
        "ratio": {k: out[k]["median"] / a for k in ("scenario_run", "simulate")},
        "framework_ms_per_call": {
            k: (out[k]["median"] - a) / args.seeds * 1e3 for k in ("scenario_run", "simulate")
        },
        "run_ms": a / args.seeds * 1e3,
        "parts_s": parts(),
    }
    print(f"\n{args.seeds} seeds, median of {args.blocks} loops each")
    print(f"  a. runs alone        {fmt_time(a)}  ({result['run_ms']:.2f} ms a run)")
    for key, label in (("scenario_run", "b. Scenario.run"), ("simulate", "c. sim.simulate")):
        print(
            f"  {label:<18}  {fmt_time(out[key]['median'])}  ratio {result['ratio'][key]:.3f}"
            f"  framework {result['framework_ms_per_call'][key]:+.3f} ms a call"
        )
    print("framework pieces, median per call:")
    for key, value in result["parts_s"].items():
        print(f"  {key:<22} {fmt_time(value['median'])}")
    write_json(args.out, result)
    print(f"wrote {args.out}")
    return result


if __name__ == "__main__":
    main()
