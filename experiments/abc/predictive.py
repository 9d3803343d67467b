"""Posterior predictive checks: do the posterior's parameter sets reproduce every pattern?

Particles are drawn from the posterior with their weights; each runs with a fresh seed (seeds
the calibration never used) in the case's scenario and in its negative control (the same
scenario without the turnover and its cut, the same seed and parameters). The table has one row
per draw, arm and pattern: whether the pattern holds. A pattern is reproduced when it holds in
at least 80 % of the draws; a turnover-caused pattern must also fail in at least 80 % of the
control's draws.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

import numpy as np
import pandas as pd

from experiments.abc.options import Calibration
from experiments.abc.simulator import with_values
from sim.config import Config

SEED_BASE = 1_000_000_000
"""Predictive runs use seeds from here on: a calibration's evaluations draw theirs below 2**31."""

_TASK: tuple[Calibration, Config, Config] | None = None


def control_config(calibration: Calibration) -> Config:
    """The negative control's config: the calibrated scenario with ``counterfactual=CONTROL``."""
    from sim.api import compose_collect
    from sim.config import validate
    from sim.errors import ConfigError

    overrides = [*calibration.overrides, f"counterfactual={calibration.spec.control}"]
    data, problems = compose_collect(overrides, "calibrate")
    if problems:
        raise ConfigError(problems)
    data.pop("calibration", None)
    data.pop("abc", None)
    return validate(data)


def draws(posterior: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """``n`` particles drawn with their weights (with replacement), each with a fresh seed."""
    rng = np.random.default_rng([seed, 0x9E37])
    weights = posterior["weight"].to_numpy(dtype=float)
    picked = rng.choice(len(posterior), size=n, p=weights / weights.sum())
    out = posterior.iloc[picked].reset_index(drop=True)
    out.insert(0, "draw", np.arange(n))
    out.insert(1, "seed", SEED_BASE + np.arange(n))
    return out


def _check(row: dict[str, Any]) -> list[dict[str, Any]]:
    from experiments.patterns import evaluate
    from sim.api import run

    calibration, base, control = _TASK  # type: ignore[misc]
    values = {k: row[k] for k in calibration.keys}
    rows = []
    for arm, cfg in (("scenario", base), ("control", control)):
        result = run(with_values(cfg, values, int(row["seed"])), keep_model=False)
        held = evaluate(
            result.timeseries, result.summary, calibration.spec, cfg.scenario.strategy_launch
        )
        for pattern, holds in held.items():
            rows.append(
                {
                    "draw": int(row["draw"]),
                    "particle": int(row["particle"]),
                    "arm": arm,
                    "pattern": pattern,
                    "holds": bool(holds),
                }
            )
    return rows


def predictive(calibration: Calibration, posterior: pd.DataFrame, jobs: int) -> pd.DataFrame:
    """Run the predictive draws (in ``jobs`` processes; the table does not depend on it)."""
    global _TASK
    n = calibration.abc.predictive_draws
    if n == 0:
        return pd.DataFrame(columns=["draw", "particle", "arm", "pattern", "holds"])
    _TASK = (calibration, calibration.config, control_config(calibration))
    rows = draws(posterior, n, calibration.abc.seed).to_dict("records")
    try:
        if jobs > 1:
            from experiments.abc.sampler import _quiet_worker

            pool = multiprocessing.get_context("fork").Pool(jobs, _quiet_worker)
            try:
                parts = pool.map(_check, rows, chunksize=max(1, n // (4 * jobs)))
                pool.close()
            finally:
                pool.terminate()
                pool.join()
        else:
            parts = [_check(r) for r in rows]
    finally:
        _TASK = None
    return pd.DataFrame([r for part in parts for r in part])


def shares(table: pd.DataFrame, calibration: Calibration) -> pd.DataFrame:
    """Per pattern: the share of draws in which it holds, in the scenario and in the control."""
    caused = {p.name: p.turnover_caused for p in calibration.spec.patterns}
    wide = table.pivot_table(index="pattern", columns="arm", values="holds", aggfunc="mean")
    out = pd.DataFrame(
        {
            "number": [p.number for p in calibration.spec.patterns],
            "pattern": [p.name for p in calibration.spec.patterns],
            "text": [p.text for p in calibration.spec.patterns],
            "turnover_caused": [caused[p.name] for p in calibration.spec.patterns],
        }
    )
    out["holds"] = out["pattern"].map(wide.get("scenario", pd.Series(dtype=float)))
    out["holds_in_control"] = out["pattern"].map(wide.get("control", pd.Series(dtype=float)))
    out["reproduced"] = out["holds"] >= 0.8
    out["control_fails"] = np.where(out["turnover_caused"], out["holds_in_control"] <= 0.2, np.nan)
    return out
