"""Per agent-step cost of ``ContinuityModel.step`` and of Mesa's Virus-on-a-Network example.

    python benchmarks/step_cost.py [--quick] [--out FILE]

Our model on synthetic networks of 1k, 10k, 100k and 1M agents (mean degree 10, default Mexico
scenario and parameters): build time (network generation and model set-up, reported apart),
then the steps after a warm-up (every coalition founded), one timing per ``model.step()``; the
cost per agent-step is the median step time / N. Mesa's own example ``VirusOnNetwork``
(``num_nodes`` = 1k and 10k, ``avg_node_degree=10``, other arguments at their defaults) is
stepped in the same process, alternating with our model at the same size in blocks of 5 steps,
so the ratio Mesa / ours is measured under the same machine load. Its build (``nx.erdos_renyi_graph``,
O(n²)) is timed but not part of the step cost.
"""

from __future__ import annotations

import gc
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (  # noqa: E402
    QUICK_SIZES,
    SEED,
    SIZES,
    build_model,
    fmt_time,
    measured,
    parser,
    steps_left,
    synthetic_config,
    time_calls,
    warm_up,
    write_json,
)

MESA_SIZES = (1_000, 10_000)
STEPS = {1_000: 60, 10_000: 60, 100_000: 30, 1_000_000: 20}
BUILDS = {1_000: 5, 10_000: 5, 100_000: 3, 1_000_000: 2}
MESA_STEPS = {1_000: 40, 10_000: 20}
BLOCK = 5  # steps of one model, then of the other: same machine load, each with warm caches


def mesa_reference(n: int):
    """Mesa's Virus-on-a-Network example with ``n`` nodes, mean degree 10 (its build time too).

    Its network comes from ``nx.erdos_renyi_graph`` without a seed, which draws from Python's
    global ``random``: seeding that makes the benchmark's network reproducible.
    """
    from mesa.examples.basic.virus_on_network.model import VirusOnNetwork

    random.seed(SEED)
    start = time.perf_counter()
    model = VirusOnNetwork(num_nodes=n, avg_node_degree=10, seed=SEED)
    return model, time.perf_counter() - start


def measure_size(n: int, quick: bool) -> dict:
    """Build, warm up and time the steps of our model (and Mesa's example) at ``n`` agents."""
    start = time.perf_counter()
    cfg = synthetic_config(n)
    compose = time.perf_counter() - start
    net_times, setup_times = [], []
    for _ in range(1 if quick else BUILDS[n]):
        model = None
        gc.collect()
        model, net_s, setup_s = build_model(cfg)
        net_times.append(net_s)
        setup_times.append(setup_s)
    edges = model.adjacency.nnz // 2
    warm = warm_up(model)
    repeat = min(STEPS[n] // (2 if quick else 1), steps_left(model))
    out = {
        "agents": n,
        "edges": edges,
        "config_compose_s": compose,
        "network_generation_s": measured(net_times),
        "model_setup_s": measured(setup_times),
        "build_s": measured([a + b for a, b in zip(net_times, setup_times, strict=True)]),
        "warm_up_steps": warm,
    }
    if n in MESA_SIZES:
        ref, ref_build = mesa_reference(n)
        ref.step()  # warm-up
        model.step()
        ours, theirs = [], []
        for _ in range(MESA_STEPS[n] // (2 if quick else 1) // BLOCK):  # alternate blocks
            ours += time_calls(model.step, BLOCK)
            theirs += time_calls(ref.step, BLOCK)
        ours += time_calls(model.step, max(0, min(repeat - len(ours), steps_left(model))))
        out["mesa_reference"] = {
            "model": "mesa.examples.basic.virus_on_network VirusOnNetwork",
            "args": {"num_nodes": n, "avg_node_degree": 10, "seed": SEED},
            "edges": ref.grid.G.number_of_edges(),
            "build_s": ref_build,
            "step_s": measured(theirs),
            "per_agent_step_s": measured([t / n for t in theirs]),
        }
    else:
        ours = time_calls(model.step, repeat)
    out["step_s"] = measured(ours)
    out["per_agent_step_s"] = measured([t / n for t in ours])
    out["per_edge_step_s"] = measured([t / edges for t in ours])
    if "mesa_reference" in out:
        out["mesa_over_ours"] = out["mesa_reference"]["step_s"]["median"] / out["step_s"]["median"]
    return out


def main(argv: list[str] | None = None) -> dict:
    """Measure every size; print one line per size; return (and write) the measurements."""
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    sizes = QUICK_SIZES if args.quick else SIZES
    results = {"sizes": {}}
    print("per agent-step cost of model.step (synthetic network, mean degree 10)")
    for n in sizes:
        r = measure_size(n, args.quick)
        results["sizes"][str(n)] = r
        line = (
            f"  {n:>9,} agents {r['edges']:>10,} edges  build {r['build_s']['median']:6.2f} s "
            f"(network {r['network_generation_s']['median']:.2f} s)  step "
            f"{fmt_time(r['step_s']['median']):>9}  {r['per_agent_step_s']['median'] * 1e9:6.0f} "
            f"ns/agent-step  (median of {len(r['step_s']['repeats'])})"
        )
        print(line)
        if "mesa_reference" in r:
            m = r["mesa_reference"]
            print(
                f"  {'':>9}  Mesa VirusOnNetwork: build {m['build_s']:6.2f} s  step "
                f"{fmt_time(m['step_s']['median']):>9}  "
                f"{m['per_agent_step_s']['median'] * 1e9:6.0f} ns/agent-step  "
                f"-> Mesa / ours = {r['mesa_over_ours']:.0f}x"
            )
    write_json(args.out, results)
    return results


if __name__ == "__main__":
    main()
