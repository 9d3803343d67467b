"""Time one default Mexico run: in-process after import, the CLI as a user types it, imports.

    python benchmarks/one_run.py [--quick] [--out FILE]

1. ``sim.api.run(cfg)`` of the default config in this process after imports and a warm-up run
   (median of 20), and ``load_config()`` (compose + validate, median of 5);
   the compiled engine against the numpy reference rules of the same model, alternating in
   blocks: the months alone (``model.run()`` of a built model) and the whole ``sim.api.run``;
2. ``continuity run`` cold and warm: with an empty kernel cache (it compiles the model) and then
   with the cache it left (``CONTINUITY_CACHE_DIR`` pointed at a temporary folder);
3. ``continuity run hydra.run.dir=TMP`` in a subprocess whose stdout is a terminal (a pty, so
   output is line-buffered as for a user): time until the first line appears and until exit
   (median of 5);
4. import costs in fresh interpreters (``python -c "import X"``, median of 5 each, also net of
   a bare ``python -c pass``) and ``continuity run --help``.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ROOT, fmt_time, measured, parser, time_calls, write_json  # noqa: E402

CONTINUITY = str(Path(sys.executable).with_name("continuity"))
IMPORTS = ("mesa", "seaborn", "sim.api", "sim.model", "experiments.cli")


def in_process(repeat: int) -> tuple[dict, dict]:
    """Median time of ``run(load_config())`` after a warm-up, and of ``load_config()``."""
    from sim.api import load_config, run

    cfg = load_config()
    run(cfg)  # warm-up: lazy imports
    return measured(time_calls(lambda: run(cfg), repeat)), measured(time_calls(load_config, 5))


def engines(blocks: int) -> dict:
    """Compiled vs numpy, the months alone and the whole run, alternating blocks of 5 runs.

    Each block builds 5 models per engine (seeds 0-4, not timed) and times their ``run()``,
    then times 5 ``sim.api.run`` calls per engine; the ratios are of the medians.
    """
    from dataclasses import replace

    from sim.api import load_config
    from sim.model import ContinuityModel
    from sim.summary import summarize

    cfg = load_config()

    def whole(engine: str, seed: int) -> None:
        model = ContinuityModel(replace(cfg, seed=seed), engine=engine)
        model.run()
        summarize(model, model.recorder.frame())

    times: dict[str, list[float]] = {k: [] for k in ("months_numpy", "months_compiled")}
    times |= {"run_numpy": [], "run_compiled": []}
    for engine in ("numpy", "compiled"):  # warm-up: imports, the kernel cache
        whole(engine, 0)
    for _ in range(blocks):
        for engine in ("numpy", "compiled"):
            models = [ContinuityModel(replace(cfg, seed=s), engine=engine) for s in range(5)]
            for m in models:
                start = time.perf_counter()
                m.run()
                times[f"months_{engine}"].append(time.perf_counter() - start)
            for s in range(5):
                start = time.perf_counter()
                whole(engine, s)
                times[f"run_{engine}"].append(time.perf_counter() - start)
    out = {k: measured(v) for k, v in times.items()}
    out["months_ratio"] = out["months_numpy"]["median"] / out["months_compiled"]["median"]
    out["run_ratio"] = out["run_numpy"]["median"] / out["run_compiled"]["median"]
    return out


def cold_warm() -> dict:
    """``continuity run`` with an empty kernel cache, then again with the cache it wrote."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache:
        env = dict(os.environ, CONTINUITY_CACHE_DIR=cache)
        for label in ("cold", "warm"):
            with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
                start = time.perf_counter()
                proc = subprocess.run(
                    [CONTINUITY, "run", f"hydra.run.dir={tmp}"],
                    capture_output=True,
                    text=True,
                    env=env,
                    cwd=tmp,
                )
                out[f"{label}_s"] = time.perf_counter() - start
                if proc.returncode != 0:
                    sys.exit(f"continuity run failed ({proc.returncode}):\n{proc.stderr}")
                out[f"{label}_says_compiling"] = "compiling the model once" in proc.stderr
    return out


def cli_run(directory: Path) -> tuple[float, float]:
    """``continuity run`` with stdout on a pty: seconds to its first line and to its exit."""
    master, slave = pty.openpty()
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [CONTINUITY, "run", f"hydra.run.dir={directory}"],
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=err,
            cwd=directory.parent,
        )
        os.close(slave)
        first, seen = None, b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if first is None and b"\n" in seen:
                first = time.perf_counter() - start
        code = proc.wait()
        total = time.perf_counter() - start
        os.close(master)
        if code != 0:
            err.seek(0)
            sys.exit(f"continuity run failed ({code}):\n{seen.decode()}\n{err.read().decode()}")
    return (total if first is None else first), total


def cli(repeat: int) -> tuple[dict, dict]:
    """Time to first output and to exit of ``continuity run`` (medians of ``repeat``)."""
    firsts, totals = [], []
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        cli_run(Path(tmp) / "warm")  # warm-up: the OS file cache, .pyc files
        for k in range(repeat):
            first, total = cli_run(Path(tmp) / f"run{k}")
            firsts.append(first)
            totals.append(total)
    return measured(firsts), measured(totals)


def import_costs(repeat: int) -> dict:
    """Wall time of fresh interpreters importing each module, and of ``continuity run --help``."""
    commands = {"python -c pass": [sys.executable, "-c", "pass"]}
    commands |= {f"import {m}": [sys.executable, "-c", f"import {m}"] for m in IMPORTS}
    commands["continuity run --help"] = [CONTINUITY, "run", "--help"]
    times = {name: [] for name in commands}
    for _ in range(repeat):  # interleaved, so a slow moment hits every command alike
        for name, cmd in commands.items():
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
            times[name].append(time.perf_counter() - start)
    return {name: measured(t) for name, t in times.items()}


def main(argv: list[str] | None = None) -> dict:
    """Measure and print; return (and write) the measurements."""
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    quick = args.quick
    run_s, compose_s = in_process(5 if quick else 20)
    eng = engines(2 if quick else 6)
    cold = cold_warm()
    first_s, exit_s = cli(2 if quick else 5)
    imports = import_costs(2 if quick else 5)
    print("one default Mexico run (168 months, 360 agents)")
    print(
        f"  in process after import    : {fmt_time(run_s['median']):>9}  (median of {len(run_s['repeats'])})"
    )
    print(f"  compose + validate config  : {fmt_time(compose_s['median']):>9}  (median of 5)")
    print(
        f"  months alone, numpy / compiled: {fmt_time(eng['months_numpy']['median'])} / "
        f"{fmt_time(eng['months_compiled']['median'])} = {eng['months_ratio']:.1f}x"
    )
    print(
        f"  whole run (build, months, table, summary), numpy / compiled: "
        f"{fmt_time(eng['run_numpy']['median'])} / {fmt_time(eng['run_compiled']['median'])} "
        f"= {eng['run_ratio']:.1f}x"
    )
    print(
        f"  'continuity run', empty kernel cache / warm: {cold['cold_s']:.1f} s / "
        f"{cold['warm_s']:.1f} s (said 'compiling': {cold['cold_says_compiling']} / "
        f"{cold['warm_says_compiling']})"
    )
    print(
        f"  'continuity run' first line: {fmt_time(first_s['median']):>9}, exit "
        f"{fmt_time(exit_s['median'])}  (median of {len(exit_s['repeats'])})"
    )
    base = imports["python -c pass"]["median"]
    print("  fresh interpreter, wall time (net of 'python -c pass'):")
    for name, m in imports.items():
        print(f"    {name:24s} {fmt_time(m['median']):>9}  ({(m['median'] - base) * 1e3:+.0f} ms)")
    results = {
        "run_in_process_s": run_s,
        "engines": eng,
        "cli_cold_warm": cold,
        "load_config_s": compose_s,
        "cli_time_to_first_line_s": first_s,
        "cli_wall_s": exit_s,
        "imports_s": imports,
    }
    write_json(args.out, results)
    return results


if __name__ == "__main__":
    main()
