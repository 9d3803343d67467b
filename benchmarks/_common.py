"""Shared helpers of the benchmark scripts: timing, synthetic models, JSON output.

Every number the benchmarks report is a median of repeated measurements; the repeats are kept
(``{"median": ..., "repeats": [...]}``) so ``results.json`` shows the spread.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 10_000)
MEAN_DEGREE = 10
SEED = 42


def measured(times: list[float]) -> dict[str, Any]:
    """A measurement: its median and every repeat."""
    return {"median": statistics.median(times), "repeats": [float(t) for t in times]}


def time_calls(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall time of ``repeat`` calls of ``fn`` (seconds each)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def synthetic_config(n: int, seed: int = SEED):
    """The config of a synthetic network of ``n`` agents with mean degree 10."""
    from sim.api import load_config

    return load_config(
        ["network=synthetic", f"network.n_agents={n}", f"network.mean_degree={MEAN_DEGREE}"],
        seed=seed,
    )


def build_model(cfg) -> tuple[Any, float, float]:
    """Build a model in two timed parts: (model, network generation s, model set-up s).

    The network is generated with its own generator seeded like the model's, then handed to
    ``ContinuityModel(cfg, network=...)``; the sum of both parts is the build time of
    ``ContinuityModel(cfg)``.
    """
    import numpy as np

    from sim.model import ContinuityModel, build_network

    start = time.perf_counter()
    network = build_network(cfg, np.random.default_rng(cfg.seed))
    mid = time.perf_counter()
    model = ContinuityModel(cfg, network=network)
    return model, mid - start, time.perf_counter() - mid


def warm_up(model, extra: int = 2) -> int:
    """Step until every coalition is active (a typical month), then ``extra`` more; return steps.

    Before its founding month a coalition does nothing, so earlier months are cheaper than the
    rest of the run; the timed steps start after it.
    """
    founded = [c.founded for c in model.coalitions if c.founded is not None]
    steps = max(0, max(founded, default=model.month) - model.month + 1) + extra
    for _ in range(steps):
        model.step()
    return steps


def steps_left(model) -> int:
    """Months left before the scenario's end (the recorder holds one row per month)."""
    return model.calendar.end - model.month + 1


def parser(description: str) -> argparse.ArgumentParser:
    """The common command line: ``--quick`` and ``--out FILE``."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="1k and 10k agents, fewer repeats")
    p.add_argument("--out", type=Path, help="write the measurements to this JSON file")
    return p


def write_json(path: Path | None, data: dict[str, Any]) -> None:
    """Write ``data`` as indented JSON (if a path is given)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def fmt_time(seconds: float) -> str:
    """A duration with a sensible unit."""
    if seconds < 1e-6:
        return f"{seconds * 1e9:.1f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (``/proc/PID/status``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


@contextlib.contextmanager
def served_app(prefix: str, timeout: float = 180.0) -> Iterator[tuple[Any, str]]:
    """Start ``continuity app`` in a process of its own; yield it and its URL once it listens.

    The app's output goes to a temporary file (a pipe nobody reads would stop the server once
    full). It waits for the port, not the page: every page request opens a dashboard.
    """
    import socket
    import subprocess
    import sys
    import tempfile

    port = free_port()
    log = tempfile.TemporaryFile(mode="w+", prefix=f"{prefix}-", suffix=".log")
    proc = subprocess.Popen(
        [sys.executable, "-m", "experiments.app", "--port", str(port), "--no-show"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + timeout  # the port opens once the app's caches are warm
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"the app did not start:\n{log.read()[-2000:]}") from None
                time.sleep(0.5)
        yield proc, f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()
