"""Small synthetic result tables, shaped like a sweep's, for the analysis tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.theme import CONTRIBUTION_TYPES
from analysis.trajectories import PILLARS

MONTHS = pd.period_range("2017-01", "2022-12", freq="M").strftime("%Y-%m").tolist()


def sweep_runs(tactics: list[str] | None = None, reps: int = 4, seed: int = 0) -> pd.DataFrame:
    """A grid sweep over cut × turnover (and tactics, if given), ``reps`` paired seeds each."""
    rng = np.random.default_rng(seed)
    rows = []
    cuts, firsts = [0.0, 0.5, 1.0], ["2018-06", "2018-12", "2019-06"]
    for point, (cut, first, tac) in enumerate(
        (c, f, t) for c in cuts for f in firsts for t in (tactics or ["none"])
    ):
        boost = 0.1 * len(tac.split("+")) if tac != "none" else 0.0
        for r in range(reps):
            ci = 1.2 - 0.4 * cut - 0.1 * firsts.index(first) + boost + rng.normal(0, 0.01)
            rows.append(
                {
                    "run_id": len(rows),
                    "point_id": point,
                    "replication": r,
                    "seed": r,
                    "shocks.funding_cut.size": cut,
                    "shocks.turnover.first": first,
                    "tactics": tac,
                    "label": f"shocks.funding_cut.size={cut}, shocks.turnover.first={first}",
                    "status": "ok",
                    "continuity_index": ci,
                    "survived": bool(ci > 0.7),
                    "momentum_final": 200 * ci,
                    "reference_date": first,
                    "turnovers": first,
                    "funding_cut_start": first,
                }
            )
    return pd.DataFrame(rows)


def long_series(run_ids: list[int], seed: int = 0) -> pd.DataFrame:
    """Monthly momentum, pillars and contributions for each run, long format."""
    rng = np.random.default_rng(seed)
    frames = []
    t = np.arange(len(MONTHS))
    for run_id in run_ids:
        level = 100 + 50 * np.tanh(t / 12) + rng.normal(0, 2, len(t))
        values = {"momentum": level}
        for i, p in enumerate(list(PILLARS)[1:]):
            values[p] = level * (0.1 + 0.05 * i)
        for i, c in enumerate(CONTRIBUTION_TYPES):
            values[c] = level * (i + 1) / 28
        for var, v in values.items():
            frames.append(
                pd.DataFrame(
                    {"run_id": run_id, "date": MONTHS, "variable": var, "value": v, "step": t}
                )
            )
    df = pd.concat(frames, ignore_index=True)
    df["month"] = pd.to_datetime(df["date"], format="%Y-%m")
    return df
