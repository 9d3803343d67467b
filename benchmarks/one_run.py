"""Time one default Mexico run: in-process after import, the CLI as a user types it, imports.

    python benchmarks/one_run.py [--quick] [--out FILE]

1. ``sim.api.run(cfg)`` of the default config in this process after imports and a warm-up run
   (median of 20), and ``load_config()`` (compose + validate, median of 5);
2. ``continuity run hydra.run.dir=TMP`` in a subprocess whose stdout is a terminal (a pty, so
   output is line-buffered as for a user): time until the first line appears and until exit
   (median of 5);
3. import costs in fresh interpreters (``python -c "import X"``, median of 5 each, also net of
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
    first_s, exit_s = cli(2 if quick else 5)
    imports = import_costs(2 if quick else 5)
    print("one default Mexico run (168 months, 360 agents)")
    print(
        f"  in process after import    : {fmt_time(run_s['median']):>9}  (median of {len(run_s['repeats'])})"
    )
    print(f"  compose + validate config  : {fmt_time(compose_s['median']):>9}  (median of 5)")
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
        "load_config_s": compose_s,
        "cli_time_to_first_line_s": first_s,
        "cli_wall_s": exit_s,
        "imports_s": imports,
    }
    write_json(args.out, results)
    return results


if __name__ == "__main__":
    main()
