"""The sweep targets of ``make bench`` (benchmarks/run_all.py) read sweep_overhead.py's results."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.run_all import Table, sweep_targets  # noqa: E402


def _size(n: int, rate_2: float, share_2: float) -> dict:
    sweep = {
        "wall_s": n / rate_2,
        "runs_per_s": rate_2,
        "framework_share_vs_plain_loop": share_2 + 0.05,
        "framework_share_vs_own_simulation_time": share_2,
    }
    return {
        "plain_loop_runs_per_s": 120.0,
        "plain_loop_2_processes_runs_per_s": 200.0,
        "sweep_1_worker": {**sweep, "runs_per_s": rate_2 / 2, "wall_s": 2 * n / rate_2},
        "sweep_2_workers": sweep,
    }


def _targets(overhead: dict) -> dict[str, bool | None]:
    table = Table()
    sweep_targets(table, overhead)
    return {row["target"]: row["met"] for row in table.targets}


def test_the_three_sweep_targets_are_judged_from_the_two_worker_sweeps():
    load = {"before": 0.5, "after": 1.0}  # what run_part adds to every part's results
    both = {"100": _size(100, 11.0, 0.82), "2000": _size(2000, 127.0, 0.45)}
    met = _targets({**both, "load_average_1min": load})
    assert met == {
        "2,000-run sweep, 2 workers, end to end": False,
        "100-run sweep, 2 workers: framework share of wall time": False,
        "2,000-run sweep, 2 workers: framework share of wall time": False,
    }
    met = _targets({"100": _size(100, 80.0, 0.2), "2000": _size(2000, 210.0, 0.08)})
    assert set(met.values()) == {True}


def test_a_size_not_measured_leaves_its_targets_not_measured():
    met = _targets({"100": _size(100, 11.0, 0.1)})  # --quick: 100 runs only
    assert met["100-run sweep, 2 workers: framework share of wall time"] is True
    assert met["2,000-run sweep, 2 workers, end to end"] is None
    assert met["2,000-run sweep, 2 workers: framework share of wall time"] is None


def test_the_table_shows_every_sweep_with_its_rate_and_share():
    table = Table()
    sweep_targets(table, {"2000": _size(2000, 127.0, 0.45)})
    shown = {r[0].strip(): r[1] for r in table.rows}
    assert shown["2,000 runs: sweep, 2 workers"].startswith("127.0 runs/s (15.7 s); framework 45%")
    assert shown["2,000 runs: sweep, 1 worker"].startswith("63.5 runs/s")
    assert shown["2,000 runs: plain loop, 1 / 2 processes"] == "120.0 / 200.0 runs/s"
