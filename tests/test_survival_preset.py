"""The ``survival`` sweep preset contains both outcomes, and the deaths are where the model says.

Collapse must be reachable from the mechanisms (docs/calibration.md §1): with an organised
coalition the Mexico strategy survives the turnover and the cut; without a coalition and without an
institutional anchor, a deep cut kills it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def test_the_survival_preset_has_both_outcomes(tmp_path: Path) -> None:
    out = tmp_path / "survival"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "experiments.cli",
            "sweep",
            "experiment=survival",
            "design.replications=3",
            f"hydra.sweep.dir={out}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 2 * 3 * 3 * 3
    died = runs[~runs["survived"].astype(bool)]
    assert 0 < len(died) < len(runs)  # both outcomes
    assert not runs.loc[runs["scenario.coalitions_active"].astype(bool), "survived"].eq(False).any()
    unanchored = runs[
        ~runs["scenario.coalitions_active"].astype(bool)
        & (runs["counterfactual"] == "none")
        & (runs["shocks.funding_cut.size"] >= 0.8)
    ]
    assert not unanchored["survived"].astype(bool).any()  # no coalition, no anchor, deep cut
