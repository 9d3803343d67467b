"""Time one default Mexico run: in-process after import, and the CLI as a user types it.

Run: .venv/bin/python benchmarks/one_run.py  (prints medians of repeated runs)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    from sim.api import load_config, run

    cfg = load_config()
    run(cfg)  # warm-up: lazy imports
    in_process = median_time(lambda: run(cfg), repeat=20)
    compose = median_time(load_config, repeat=5)
    exe = Path(sys.executable).with_name("continuity")
    with tempfile.TemporaryDirectory() as tmp:
        cli = median_time(
            lambda: subprocess.run(
                [str(exe), "run", f"hydra.run.dir={tmp}/run"], check=True, capture_output=True
            ),
            repeat=3,
        )
    print(
        f"default Mexico run, in process after import : {in_process * 1000:8.1f} ms (median of 20)"
    )
    print(f"compose + validate the config               : {compose * 1000:8.1f} ms (median of 5)")
    print(f"'continuity run' end to end (with figure)   : {cli:8.2f} s  (median of 3)")


if __name__ == "__main__":
    main()
