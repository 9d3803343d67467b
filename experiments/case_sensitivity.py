"""Is the cross-case result knife-edge? One-at-a-time ± changes against every case's outcome.

``python -m experiments.case_sensitivity [seeds=12] [factor=0.1] [jobs=2] [out=FILE]`` sets each
behavioural parameter of :data:`PARAMETERS` to (1 − factor) and (1 + factor) times its value (in
its allowed range), all else as shipped, and reports, per case, the share of seeds in which the
observed outcome (pattern ``federal_outcome``) is reproduced. A parameter whose ± change flips a
case below 80 % is one the cross-case result rests on (docs/cases.md).
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pandas as pd

from experiments.pattern_spec import load_spec
from experiments.validate import _execute
from experiments.validate_cases import OUTCOME_PATTERN, outcome_cases
from sim.errors import InputError

PARAMETERS = (
    "params.anchors.decree.review_survival",
    "params.anchors.decree.priority_floor",
    "params.anchors.decree.budget_floor",
    "params.anchors.decree.branding_relief",
    "params.anchors.plan.review_survival",
    "params.anchors.plan.priority_floor",
    "params.anchors.plan.budget_floor",
    "params.anchors.plan.branding_relief",
    "params.turnover.inheritance",
    "params.turnover.branding_penalty",
    "params.turnover.baseline_priority",
    "params.turnover.salience_weight",
    "params.turnover.relaunch_threshold",
    "params.federal.adjust_rate",
    "params.federal.budget_adjust",
)
"""The behavioural parameters the outcome of a change of government reads most directly."""


def _value(key: str) -> float:
    from sim.api import compose

    node = compose([])
    for part in key.split("."):
        node = node[part]
    return float(node)


def outcome_shares(overrides: list[str], seeds: int, jobs: int) -> dict[str, float]:
    """Per case, the share of ``seeds`` baseline runs reproducing the observed outcome."""
    from sim.api import load_config

    shares = {}
    tasks = []
    for case in outcome_cases():
        spec = load_spec(case)
        base = load_config([f"case={case}", *overrides])
        for seed in range(seeds):
            cfg = copy.deepcopy(base)
            cfg.seed = seed
            tasks.append((case, cfg, spec, True))
    results = _execute(tasks, jobs, progress=False)
    rows = pd.DataFrame(
        [{"case": r["record"]["variant"], "held": r["patterns"][OUTCOME_PATTERN]} for r in results]
    )
    for case, part in rows.groupby("case", sort=False):
        shares[str(case)] = float(part["held"].mean())
    return shares


def sensitivity(seeds: int = 12, factor: float = 0.1, jobs: int = 2) -> pd.DataFrame:
    """One row per parameter × direction (and the shipped values): the share per case."""
    rows = [{"parameter": "(as shipped)", "value": float("nan")} | outcome_shares([], seeds, jobs)]
    print(rows[-1], file=sys.stderr, flush=True)
    for key in PARAMETERS:
        base = _value(key)
        for f in (1 - factor, 1 + factor):
            value = min(1.0, base * f) if "review_survival" in key else base * f
            shares = outcome_shares([f"{key}={value:.6g}"], seeds, jobs)
            rows.append({"parameter": f"{key} × {f:g}", "value": value} | shares)
            print(rows[-1], file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def format_table(table: pd.DataFrame) -> str:
    """A Markdown table: one row per parameter × factor, one column per case (share of seeds)."""
    cases = [c for c in table.columns if c not in ("parameter", "value")]
    lines = ["| parameter × factor | " + " | ".join(cases) + " |", "|---|" + "---:|" * len(cases)]
    for row in table.itertuples(index=False):
        shares = " | ".join(f"{100 * getattr(row, c):.0f} %" for c in cases)
        lines.append(f"| {row.parameter} | {shares} |")
    return "\n".join(lines)


def main(args: list[str]) -> int:
    """Parse ``key=value`` arguments, run, print a Markdown table (and write it to ``out``)."""
    values = {"seeds": "12", "factor": "0.1", "jobs": "2", "out": ""}
    for a in args:
        key, sep, text = a.partition("=")
        if not sep or key not in values:
            print(f"case_sensitivity: {a!r}: expected one of {', '.join(values)} as key=value")
            return 2
        values[key] = text
    try:
        table = sensitivity(int(values["seeds"]), float(values["factor"]), int(values["jobs"]))
    except (InputError, ValueError) as exc:
        print(f"case_sensitivity: {exc}", file=sys.stderr)
        return 2
    text = format_table(table)
    print(text)
    if values["out"]:
        Path(values["out"]).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
