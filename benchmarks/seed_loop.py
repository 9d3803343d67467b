"""What a notebook seed loop costs beyond its runs: ``sim.load(...).run`` and ``sim.simulate``.

    python benchmarks/seed_loop.py [--seeds 100] [--repeats 3] [--block 5] [--out FILE]

In one process, after a warm-up, a loop over ``--seeds`` seeds of the default Mexico scenario
is timed three ways:

a. **runs alone**: ``sim.api.run(replace(cfg, seed=s), keep_model=False)`` on one config;
b. ``scenario.run(s, keep_model=False)`` on ``scenario = sim.load()``;
c. ``sim.simulate(seed=s)`` (memoised config; it keeps the model, as it always has).

The ways alternate in blocks of ``--block`` seeds (the order rotates each block), so all three
meet the same machine load; a way's loop time is the sum of its blocks, and the loop is
repeated ``--repeats`` times (medians reported). It prints the ratios b/a and c/a (the target:
a 100-seed ``simulate`` loop within 1.3x the sum of its runs) and the framework's cost per
call, (b - a)/N and (c - a)/N.

On a busy machine those differences of long loops are noisy, so the framework is also timed
alone: b and c with the model run replaced by a stub (what a call costs besides its run). For
reference it times one Hydra composition and validation (``load_config``: what every
``simulate`` call cost before configs were memoised), the cache's check of the config files
and the copy of a config each run gets.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path
from unittest import mock

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ROOT, fmt_time, measured, time_calls, write_json  # noqa: E402

WAYS = ("runs_alone", "scenario_run", "simulate")


def calls() -> dict:
    """One call of each way, as a function of the seed."""
    import sim
    from sim.api import load_config, run

    cfg = load_config([])
    scenario = sim.load()
    return {
        "runs_alone": lambda s: run(replace(cfg, seed=s), keep_model=False),
        "scenario_run": lambda s: scenario.run(s, keep_model=False),
        "simulate": lambda s: sim.simulate(seed=s),
    }


def loop_times(ways: dict, seeds: int, block: int) -> dict[str, float]:
    """One loop over ``seeds`` seeds of every way, interleaved in blocks: seconds per way."""
    total = dict.fromkeys(WAYS, 0.0)
    for k, first in enumerate(range(0, seeds, block)):
        order = WAYS[k % 3 :] + WAYS[: k % 3]
        for name in order:
            call = ways[name]
            start = time.perf_counter()
            for s in range(first, min(first + block, seeds)):
                call(s)
            total[name] += time.perf_counter() - start
    return total


def framework_alone(ways: dict, seeds: int) -> dict[str, dict]:
    """Seconds per call of b and c with the model run stubbed out (the framework alone)."""
    import sim.api
    import sim.scenario

    def stub(cfg, keep_model=True):
        return cfg

    out = {}
    with mock.patch.object(sim.api, "run", stub), mock.patch.object(sim.scenario, "run", stub):
        for name in ("scenario_run", "simulate"):
            call = ways[name]
            out[name] = measured(time_calls(lambda c=call: [c(s) for s in range(seeds)], 5))
            out[name] = {k: _per(v, seeds) for k, v in out[name].items()}
    return out


def _per(value, n: int):
    return [v / n for v in value] if isinstance(value, list) else value / n


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
    p.add_argument("--repeats", type=int, default=3, help="timed loops of each way (default 3)")
    p.add_argument("--block", type=int, default=5, help="seeds per block (default 5)")
    p.add_argument("--quick", action="store_true", help="30 seeds, 2 loops (make bench-quick)")
    p.add_argument(
        "--out",
        type=Path,
        default=ROOT / "benchmarks" / "out" / "seed_loop.json",
        help="JSON file to write (default benchmarks/out/seed_loop.json)",
    )
    args = p.parse_args(argv)
    if args.quick:
        args.seeds, args.repeats = min(args.seeds, 30), min(args.repeats, 2)
    if min(args.seeds, args.repeats, args.block) < 1:
        p.error("--seeds, --repeats and --block must be at least 1")

    ways = calls()
    loop_times(ways, 3, 1)  # warm-up: imports, caches, the memoised config
    times: dict[str, list[float]] = {name: [] for name in WAYS}
    for r in range(args.repeats):
        for name, t in loop_times(ways, args.seeds, args.block).items():
            times[name].append(t)
        shown = ", ".join(f"{n} {fmt_time(times[n][-1])}" for n in WAYS)
        print(f"loop {r + 1}: {shown}", flush=True)

    out = {name: measured(t) for name, t in times.items()}
    a = out["runs_alone"]["median"]
    result = {
        "seeds": args.seeds,
        "repeats": args.repeats,
        "block": args.block,
        "loops_s": out,
        "run_ms": a / args.seeds * 1e3,
        "ratio": {k: out[k]["median"] / a for k in WAYS[1:]},
        "framework_ms_per_call": {k: (out[k]["median"] - a) / args.seeds * 1e3 for k in WAYS[1:]},
        "framework_alone_s_per_call": framework_alone(ways, args.seeds),
        "parts_s": parts(),
    }
    alone = result["framework_alone_s_per_call"]
    print(f"\n{args.seeds} seeds, median of {args.repeats} loops each")
    print(f"  a. runs alone       {fmt_time(a)}  ({result['run_ms']:.2f} ms a run)")
    for key, label in (("scenario_run", "b. Scenario.run"), ("simulate", "c. sim.simulate")):
        print(
            f"  {label:<18} {fmt_time(out[key]['median'])}  ratio {result['ratio'][key]:.3f}"
            f"  (b|c - a)/N {result['framework_ms_per_call'][key]:+.3f} ms"
            f"  framework alone {fmt_time(alone[key]['median'])} a call"
        )
    print("framework pieces, median per call:")
    for key, value in result["parts_s"].items():
        print(f"  {key:<22} {fmt_time(value['median'])}")
    write_json(args.out, result)
    print(f"wrote {args.out}")
    return result


if __name__ == "__main__":
    main()
