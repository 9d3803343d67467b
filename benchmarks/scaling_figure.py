"""The scaling figure: cost per agent-step vs number of agents, log–log.

    python benchmarks/scaling_figure.py [RESULTS_JSON] [STEM]

Reads ``benchmarks/results.json`` (written by ``benchmarks/run_all.py``) and writes
``benchmarks/scaling.png`` and ``.svg``: our model's step, the bare-array limit and Mesa's
Virus-on-a-Network example, each point the median of its repeats with its interquartile range.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ROOT  # noqa: E402


def _series(sizes: dict, pick) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(agents, median, [q1 - median, q3 - median]) of the per agent-step cost."""
    xs, med, spread = [], [], []
    for r in sizes.values():
        m = pick(r)
        if m is None:
            continue
        reps = np.asarray(m["repeats"])
        q1, q3 = np.percentile(reps, [25, 75])
        xs.append(r["agents"])
        med.append(m["median"])
        spread.append((m["median"] - q1, q3 - m["median"]))
    order = np.argsort(xs)
    return np.asarray(xs)[order], np.asarray(med)[order], np.asarray(spread)[order].T


def plot(results: dict, stem: Path) -> list[Path]:
    """Draw the figure from the merged results; return the files written."""
    from analysis.theme import new_figure, save_figure

    fig, ax = new_figure(figsize=(6.4, 5.2))
    steps = results["step_cost"]["sizes"]
    lines = [
        (
            "Mesa Virus-on-a-Network (agents stepped in Python)",
            steps,
            "o",
            lambda r: r.get("mesa_reference", {}).get("per_agent_step_s"),
        ),
        ("Continuity: ContinuityModel.step", steps, "s", lambda r: r["per_agent_step_s"]),
        (
            "Bare numpy/scipy, same O(N) update",
            results["array_limit"]["sizes"],
            "^",
            lambda r: r["bare_per_agent_step_s"],
        ),
    ]
    for label, sizes, marker, pick in lines:
        x, y, err = _series(sizes, pick)
        if x.size:
            ax.errorbar(x, y, yerr=err, marker=marker, capsize=3, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("Agents (synthetic network, mean degree 10)")
    ax.set_ylabel("Wall time per agent-step (s)")
    machine = results.get("machine", {})
    ax.set_title(
        f"Cost per agent-step (flat = linear in agents; median, bars: interquartile range)\n"
        f"{machine.get('cpu_count', '?')} cores, Python {machine.get('python', '?')}, "
        f"{machine.get('date', '')[:10]}",
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1)
    fig.tight_layout()
    return save_figure(fig, stem)


def main(argv: list[str] | None = None) -> None:
    """Draw the figure from a results file."""
    argv = sys.argv[1:] if argv is None else argv
    source = Path(argv[0]) if argv else ROOT / "benchmarks" / "results.json"
    stem = Path(argv[1]) if len(argv) > 1 else ROOT / "benchmarks" / "scaling"
    for path in plot(json.loads(source.read_text()), stem):
        print(f"written: {path}")


if __name__ == "__main__":
    main()
