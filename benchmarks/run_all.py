"""Run every benchmark, print one table with the issue's targets, write results and figure.

    python benchmarks/run_all.py [--quick] [--skip-sweep] [--out-dir DIR]
    python -m benchmarks.run_all ...

Each part runs in its own subprocess (so one part's memory and caches do not colour the
next) and writes its measurements as JSON to a temporary directory; this script merges them
with the machine's description into ``DIR/results.json`` and draws ``DIR/scaling.png`` and
``.svg`` (DIR: ``benchmarks/`` for a full run, ``benchmarks/out/quick/`` with ``--quick``, so a
smoke test never overwrites the committed results). Every number is a median of repeats; ratios
are of medians measured in the same process. About 6-10 minutes on 2 cores, of which the sweep
framework part (``benchmarks/sweep_overhead.py``: 100- and 2,000-run sweeps) is 2-4 (``--quick``:
2 min; ``--skip-sweep`` leaves both sweep parts out).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ROOT, fmt_time  # noqa: E402

PARTS = {
    "step_cost": "benchmarks.step_cost",
    "array_limit": "benchmarks.array_limit",
    "memory": "benchmarks.memory",
    "one_run": "benchmarks.one_run",
    "seed_loop": "benchmarks.seed_loop",
    "sweep": "benchmarks.sweep_throughput",
    "sweep_overhead": "benchmarks.sweep_overhead",
}
SWEEP_PARTS = ("sweep", "sweep_overhead")
"""The parts ``--skip-sweep`` leaves out."""
KEY_VALUE_ARGS = {"sweep_overhead"}
"""Parts whose output file is given as ``out=FILE`` rather than ``--out FILE``."""
GIB = 2**30
SLOPE_RANGE = (0.9, 1.15)


def machine() -> dict:
    """The machine and software the numbers were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": version("numpy"),
        "scipy": version("scipy"),
        "mesa": version("mesa"),
        "networkx": version("networkx"),
        "git_commit": commit,
        "git_uncommitted_changes": bool(dirty),  # measured on the working tree, not the commit
    }


def run_part(name: str, quick: bool, tmp: Path) -> tuple[dict, float]:
    """Run one benchmark module in a subprocess; its JSON and its wall time."""
    out = tmp / f"{name}.json"
    where = [f"out={out}"] if name in KEY_VALUE_ARGS else ["--out", str(out)]
    cmd = [sys.executable, "-m", PARTS[name], *where] + (["--quick"] if quick else [])
    print(f"\n== {name}: {' '.join(cmd[1:3])}", flush=True)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    wall = time.perf_counter() - start
    data = json.loads(out.read_text())
    data["load_average_1min"] = {"before": load, "after": os.getloadavg()[0]}
    return data, wall


def slope(sizes: dict, lo: int = 10_000) -> float | None:
    """Log–log slope of the median step time vs edges over the sizes ≥ ``lo`` (None if < 2)."""
    rows = [r for r in sizes.values() if r["agents"] >= lo]
    if len(rows) < 2:
        return None
    e = np.log([r["edges"] for r in rows])
    t = np.log([r["step_s"]["median"] for r in rows])
    return float(np.polyfit(e, t, 1)[0])


class Table:
    """Rows of (quantity, value, target, status) and targets for results.json."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.targets: list[dict] = []

    def add(self, what: str, value: str, target: str = "", met: bool | None = None) -> None:
        """Add a row; with a target, record it as met/not met (None: not measured)."""
        status = "" if not target else {True: "met", False: "NOT MET", None: "not measured"}[met]
        self.rows.append((what, value, target, status))

    def target(self, what: str, value, shown: str, target: str, met: bool | None) -> None:
        """Add a target row and keep it for results.json."""
        self.add(what, shown, target, met)
        self.targets.append({"target": what.strip(), "value": value, "wanted": target, "met": met})

    def section(self, title: str) -> None:
        """A section heading."""
        self.rows.append((title, "", "", ""))

    def print(self) -> None:
        """Print the table."""
        rows = [r for r in self.rows if any(r[1:])]  # section headings may overhang
        w = [max(len(r[i]) for r in rows) for i in range(4)]
        header = ("Quantity", "Median", "Target", "Status")
        w = [max(a, len(b)) for a, b in zip(w, header, strict=True)]
        line = "  ".join(f"{{:{n}}}" for n in w)
        print(line.format(*header))
        print("  ".join("-" * n for n in w))
        for r in self.rows:
            if not any(r[1:]):
                print(f"{r[0]}")
            else:
                print(line.format(*r))


def build_table(res: dict, quick: bool) -> Table:
    """The summary table, with each issue target marked."""
    t = Table()
    sc, al = res["step_cost"]["sizes"], res["array_limit"]["sizes"]
    t.section("Step cost (synthetic network, mean degree 10; default Mexico scenario)")
    for r in sc.values():
        n = r["agents"]
        t.add(
            f"  {n:>9,} agents, {r['edges']:>9,} edges: step",
            f"{fmt_time(r['step_s']['median'])}; "
            f"{r['per_agent_step_s']['median'] * 1e9:.0f} ns/agent, "
            f"{r['per_edge_step_s']['median'] * 1e9:.0f} ns/edge",
        )
        t.add(
            "      build: network + model set-up",
            f"{r['build_s']['median']:.2f} s = {r['network_generation_s']['median']:.2f} + "
            f"{r['model_setup_s']['median']:.2f} s",
        )
    for r in sc.values():
        if "mesa_reference" in r:
            m, n = r["mesa_reference"], r["agents"]
            t.add(
                f"  Mesa Virus-on-a-Network, {n:,}: step (build)",
                f"{fmt_time(m['step_s']['median'])}; "
                f"{m['per_agent_step_s']['median'] * 1e9:.0f} ns/agent ({m['build_s']:.2f} s)",
            )
            ratio = r["mesa_over_ours"]
            if n == 10_000:
                t.target(
                    "  Mesa reference / ours per agent-step, 10,000",
                    ratio,
                    f"{ratio:.0f}x",
                    ">= 50x",
                    ratio >= 50,
                )
            else:
                t.add(f"  Mesa reference / ours per agent-step, {n:,}", f"{ratio:.0f}x")
    big = sc.get("1000000")
    t.target(
        "  Step at 1M agents",
        big and big["step_s"]["median"],
        fmt_time(big["step_s"]["median"]) if big else "-",
        "<= 1 s",
        None if big is None else big["step_s"]["median"] <= 1.0,
    )
    s = slope(sc)
    lo, hi = SLOPE_RANGE
    t.target(
        "  Log-log slope of step time vs edges, 10k-1M",
        s,
        "-" if s is None or big is None else f"{s:.2f}",
        f"{lo}-{hi}",
        None if s is None or big is None else lo <= s <= hi,
    )
    ordered = sorted((r for r in sc.values() if r["agents"] >= 10_000), key=lambda r: r["agents"])
    for a, b in zip(ordered, ordered[1:], strict=False):
        pair = slope({"a": a, "b": b})
        t.add(f"    slope {a['agents']:,} -> {b['agents']:,} agents", f"{pair:.2f}")
    t.section("Array limit (bare numpy/scipy.sparse, same O(N) update; see array_limit.py)")
    for r in al.values():
        n, ratio = r["agents"], r["model_over_bare"]
        shown = (
            f"{fmt_time(r['model_step_s']['median'])} / {fmt_time(r['bare_step_s']['median'])}"
            f" = {ratio:.2f}x"
        )
        if n == 10_000:
            t.target("  Model step / bare, 10,000", ratio, shown, "<= 2x", ratio <= 2)
        else:
            t.add(f"  Model step / bare, {n:,}", shown)
    t.section("Memory (fresh process: build + warm-up + 5 steps)")
    for r in res["memory"]["sizes"].values():
        t.add(
            f"  {r['agents']:>9,} agents: peak RSS; per agent, per edge",
            f"{r['peak_rss_bytes']['median'] / 2**20:.0f} MiB; "
            f"{r['bytes_per_agent']['median']:.0f} B, {r['bytes_per_edge']['median']:.0f} B",
        )
    mem = res["memory"]["sizes"].get("1000000")
    peak = mem and mem["peak_rss_bytes"]["median"]
    t.target(
        "  Peak RSS at 1M agents",
        peak,
        f"{peak / GIB:.2f} GiB" if peak else "-",
        "<= 2 GB",
        None if peak is None else peak <= 2e9,
    )
    one = res["one_run"]
    t.section("One default Mexico run (168 months, 360 agents)")
    run_s = one["run_in_process_s"]["median"]
    t.target("  In process, after import", run_s, fmt_time(run_s), "<= 5 ms", run_s <= 0.005)
    eng = one.get("engines")
    if eng:
        months_c = eng["months_compiled"]["median"]
        t.target(
            "  Months: numpy reference / compiled",
            eng["months_ratio"],
            f"{fmt_time(eng['months_numpy']['median'])} / {fmt_time(months_c)} = "
            f"{eng['months_ratio']:.1f}x",
            ">= 10x",
            eng["months_ratio"] >= 10,
        )
        t.add(
            "  Whole run (build, months, table, summary): numpy / compiled",
            f"{fmt_time(eng['run_numpy']['median'])} / {fmt_time(eng['run_compiled']['median'])}"
            f" = {eng['run_ratio']:.1f}x",
        )
    cw = one.get("cli_cold_warm")
    if cw:
        t.add(
            "  'continuity run', empty kernel cache / warm",
            f"{cw['cold_s']:.1f} s / {cw['warm_s']:.1f} s",
        )
    t.add("  load_config() (compose + validate)", fmt_time(one["load_config_s"]["median"]))
    t.add(
        "  'continuity run': first line / exit",
        f"{fmt_time(one['cli_time_to_first_line_s']['median'])} / "
        f"{fmt_time(one['cli_wall_s']['median'])}",
    )
    for name, m in one["imports_s"].items():
        t.add(f"  fresh python: {name}", fmt_time(m["median"]))
    if "seed_loop" in res:
        sl = res["seed_loop"]
        t.section(f"Seed loop in Python ({sl['seeds']} seeds, runs of {sl['run_ms']:.1f} ms)")
        ratio = sl["ratio"]["simulate"]
        t.target(
            "  sim.simulate loop / its runs alone",
            ratio,
            f"{ratio:.2f}x (+{sl['framework_ms_per_call']['simulate']:.2f} ms a call)",
            "<= 1.3x",
            ratio <= 1.3,
        )
        t.add(
            "  sim.load(...).run loop / its runs alone",
            f"{sl['ratio']['scenario_run']:.2f}x "
            f"(+{sl['framework_ms_per_call']['scenario_run']:.2f} ms a call)",
        )
    if "sweep" in res:
        sw = res["sweep"]
        t.section(f"Sweep throughput ({sw['runs']} runs, {sw['runs_per_job']} per job)")
        for key, label in (("1_worker", "1 worker"), ("2_workers", "2 workers (joblib)")):
            r = sw[key]
            t.add(
                f"  {label}",
                f"{r['runs_per_s']['median']:.1f} runs/s ({r['wall_s']['median']:.1f} s)",
            )
    if "sweep_overhead" in res:
        sweep_targets(t, res["sweep_overhead"])
    if quick:
        t.section("(--quick: 1k and 10k agents only, fewer repeats; not the committed results)")
    return t


FRAMEWORK_TARGETS = {100: 0.25, 2000: 0.10}
"""Wanted framework share of a sweep's wall time with 2 workers, by number of runs."""
RUNS_PER_S_TARGET = (2000, 200.0)
"""A 2,000-run sweep on 2 workers should make at least 200 runs/s end to end."""


def sweep_targets(t: Table, overhead: dict) -> None:
    """Rows of ``benchmarks/sweep_overhead.py``: each sweep, and the sweep targets.

    The framework share is ``1 - simulation time inside the jobs / (workers x wall)``: the part
    of the workers' time not spent simulating (immune to the machine's speed drifting between
    the sweep and its plain loop; the share against the plain loop is shown beside it). A size
    the run did not measure (``--quick``: 100 runs only) leaves its targets "not measured".
    """
    t.section("Sweep framework (default Mexico, 'continuity sweep' as typed; sweep_overhead.py)")
    sizes = {n: r for n, r in overhead.items() if n.isdigit()}  # not run_part's load average
    for n, r in sizes.items():
        t.add(
            f"  {int(n):,} runs: plain loop, 1 / 2 processes",
            f"{r['plain_loop_runs_per_s']:.1f} / {r['plain_loop_2_processes_runs_per_s']:.1f} runs/s",
        )
        for key, label in (("sweep_1_worker", "1 worker"), ("sweep_2_workers", "2 workers")):
            c = r[key]
            t.add(
                f"  {int(n):,} runs: sweep, {label}",
                f"{c['runs_per_s']:.1f} runs/s ({c['wall_s']:.1f} s); framework "
                f"{c['framework_share_vs_own_simulation_time']:.0%} "
                f"({c['framework_share_vs_plain_loop']:.0%} vs the plain loop)",
            )
    runs, wanted = RUNS_PER_S_TARGET
    two = overhead.get(str(runs), {}).get("sweep_2_workers")
    rate = two and two["runs_per_s"]
    t.target(
        f"  {runs:,}-run sweep, 2 workers, end to end",
        rate,
        f"{rate:.1f} runs/s" if rate else "-",
        f">= {wanted:.0f} runs/s",
        None if rate is None else rate >= wanted,
    )
    for n, limit in FRAMEWORK_TARGETS.items():
        two = overhead.get(str(n), {}).get("sweep_2_workers")
        share = two and two["framework_share_vs_own_simulation_time"]
        t.target(
            f"  {n:,}-run sweep, 2 workers: framework share of wall time",
            share,
            f"{share:.0%}" if share is not None and two else "-",
            f"< {limit:.0%}",
            None if not two else share < limit,
        )


def main(argv: list[str] | None = None) -> dict:
    """Run the parts, print the table, write results.json and the figure."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1k and 10k agents, fewer repeats")
    p.add_argument(
        "--skip-sweep", action="store_true", help="leave out the sweep throughput and framework"
    )
    p.add_argument("--out-dir", type=Path, help="where results.json and scaling.* go")
    args = p.parse_args(argv)
    out_dir = args.out_dir or ROOT / "benchmarks" / ("out/quick" if args.quick else "")
    start = time.perf_counter()
    res: dict = {"machine": machine(), "quick": args.quick, "part_wall_s": {}}
    res["machine"]["load_average_1min_start"] = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for name in PARTS:
            if name in SWEEP_PARTS and args.skip_sweep:
                continue
            res[name], res["part_wall_s"][name] = run_part(name, args.quick, Path(tmp))
    table = build_table(res, args.quick)
    res["targets"] = table.targets
    from benchmarks.scaling_figure import plot

    out_dir.mkdir(parents=True, exist_ok=True)
    figures = plot(res, out_dir / "scaling")
    res["total_wall_s"] = time.perf_counter() - start
    m = res["machine"]
    m["load_average_1min_end"] = os.getloadavg()[0]
    print(
        f"\n== Results ({m['cpu_count']} cores, {m['cpu']}; Python {m['python']}, numpy "
        f"{m['numpy']}, scipy {m['scipy']}, Mesa {m['mesa']}; {m['date']}; load average "
        f"{m['load_average_1min_start']:.1f} at start, {m['load_average_1min_end']:.1f} at end)\n"
    )
    table.print()
    path = out_dir / "results.json"
    path.write_text(json.dumps(res, indent=2) + "\n")
    print(f"\nwritten: {path}, {', '.join(str(f) for f in figures)}")
    print(f"total wall time: {res['total_wall_s']:.0f} s")
    return res


if __name__ == "__main__":
    main()
