"""The plain-text summary of a calibration: generations, posterior, predictive checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from experiments.abc.options import Calibration

NARROWED = 0.5
"""A key is called *identified* when its 90 % posterior interval is narrower than this share of
its prior range (the patterns, not the prior, pin it)."""


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of ``values`` under ``weights`` (midpoint interpolation)."""
    order = np.argsort(values)
    v, w = values[order], weights[order] / weights.sum()
    cum = np.cumsum(w) - 0.5 * w
    return float(np.interp(q, cum, v))


def posterior_table(post: pd.DataFrame, priors: pd.DataFrame) -> pd.DataFrame:
    """Per key: prior range, posterior mean and 90 % interval, width ÷ prior width, identified."""
    w = post["weight"].to_numpy(dtype=float)
    rows = []
    for p in priors.itertuples():
        x = post[p.key].to_numpy(dtype=float)
        lo, hi = weighted_quantile(x, w, 0.05), weighted_quantile(x, w, 0.95)
        width = (hi - lo) / (p.high - p.low)
        rows.append(
            {
                "key": p.key,
                "prior": f"[{p.low:g}, {p.high:g}]",
                "mean": float(np.sum(w * x) / w.sum()),
                "q05": lo,
                "q95": hi,
                "width_share": width,
                "identified": width < NARROWED,
            }
        )
    return pd.DataFrame(rows)


def text_table(table: pd.DataFrame, formats: dict[str, str] | None = None) -> str:
    """``table`` as aligned plain text, with ``{column: format spec}`` for numbers."""
    shown = table.copy()
    for column, spec in (formats or {}).items():
        shown[column] = [format(v, spec) for v in shown[column]]
    return shown.to_string(index=False)


def summary_text(
    calibration: Calibration,
    info: dict[str, Any],
    gens: pd.DataFrame,
    post: pd.DataFrame,
    priors: pd.DataFrame,
    checks: pd.DataFrame | None,
) -> str:
    """Everything a user reads first, as plain text."""
    lines = [
        f"Calibration of {calibration.case}: ABC-SMC, {len(post)} particles, "
        f"{len(gens)} generations, {int(gens['simulations'].sum()):,} parameter sets tried "
        f"({int(gens['model_runs'].sum()):,} model runs, {calibration.abc.replicates} per set), "
        f"{info.get('seconds', 0.0):.0f} s (abc.jobs={calibration.abc.jobs}), seed {calibration.abc.seed}",
        f"Results: {calibration.abc.out}",
        "",
        "Generations (epsilon: the tolerance; ESS: effective sample size of the weights)",
        text_table(
            gens[["generation", "epsilon", "simulations", "model_runs", "acceptance_rate", "ess"]],
            {"epsilon": ".3f", "acceptance_rate": ".3f", "ess": ".0f"},
        ),
        "",
        f"Posterior (weighted; identified = 90 % interval narrower than {NARROWED:.0%} of the prior)",
    ]
    table = posterior_table(post, priors)
    lines.append(
        text_table(
            table.assign(identified=table["identified"].map({True: "yes", False: "no"})),
            {"mean": ".3g", "q05": ".3g", "q95": ".3g", "width_share": ".2f"},
        )
    )
    if checks is not None:
        n = calibration.abc.predictive_draws
        lines += [
            "",
            f"Posterior predictive check ({n} draws, fresh seeds; control = "
            f"{calibration.spec.control}, the same draws and seeds)",
        ]
        shown = checks.assign(
            holds=(100 * checks["holds"]).round(0),
            holds_in_control=(100 * checks["holds_in_control"]).round(0),
            reproduced=checks["reproduced"].map({True: "yes", False: "NO"}),
            control_fails=[
                "—" if not c else ("yes" if f else "NO")
                for c, f in zip(checks["turnover_caused"], checks["control_fails"], strict=True)
            ],
        )[["number", "pattern", "holds", "reproduced", "holds_in_control", "control_fails"]]
        shown.columns = ["#", "pattern", "holds %", ">= 80 %", "control %", "control fails >= 80 %"]
        lines.append(text_table(shown))
    return "\n".join(lines)
