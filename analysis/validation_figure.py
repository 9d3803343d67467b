"""The validation figure: total momentum of the baseline and each counterfactual across seeds."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim.schemas import as_datetime

BASELINE = "baseline"
BAND = (0.05, 0.95)


def _bands(trajectories: pd.DataFrame) -> pd.DataFrame:
    """Median and 5–95 % quantiles of momentum per variant and month."""
    grouped = trajectories.groupby(["variant", "date"], sort=False)["momentum"]
    bands = grouped.quantile([0.5, *BAND]).unstack()
    bands.columns = ["median", "low", "high"]
    bands = bands.reset_index()
    bands["date"] = as_datetime(bands["date"])
    return bands


def plot_validation(
    trajectories: pd.DataFrame,
    t0: str,
    path: str | Path,
    turnovers: Sequence[str] = (),
) -> Path:
    """Draw total momentum over time: a median line and a 5–95 % band across seeds per variant.

    The baseline is drawn in black, each counterfactual in its own colour; the turnover at T0 is
    a labelled dashed line, and every other turnover within the data's range a lighter one.

    Args:
        trajectories: Long table with columns ``variant``, ``seed``, ``date`` (``YYYY-MM``) and
            ``momentum``; the variant ``baseline`` is drawn first if present.
        t0: The turnover the patterns are measured from (``YYYY-MM``).
        path: Where to write the PNG.
        turnovers: Turnover dates (``YYYY-MM``) to mark besides ``t0``.

    Returns:
        The path written.

    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    bands = _bands(trajectories)
    variants = list(dict.fromkeys(trajectories["variant"]))
    if BASELINE in variants:
        variants.remove(BASELINE)
        variants.insert(0, BASELINE)
    palette = iter(sns.color_palette("colorblind"))
    n_seeds = trajectories["seed"].nunique()

    fig, ax = plt.subplots(figsize=(10, 5.5))
    for variant in variants:
        part = bands[bands["variant"] == variant]
        color = "black" if variant == BASELINE else next(palette)
        base = variant == BASELINE
        ax.plot(
            part["date"],
            part["median"],
            color=color,
            lw=2.2 if base else 1.6,
            zorder=4 if base else 3,  # the baseline stays visible where the variants coincide
            label=f"{variant.replace('_', ' ')} (median)",
        )
        ax.fill_between(
            part["date"],
            part["low"],
            part["high"],
            color=color,
            alpha=0.18 if base else 0.14,
            lw=0,
        )

    first, last = bands["date"].min(), bands["date"].max()
    ax.axvline(pd.Timestamp(t0), color="firebrick", ls="--", lw=1.4, label=f"Turnover T0 ({t0})")
    for date in sorted(set(turnovers) - {t0}):
        x = pd.Timestamp(date)
        if first <= x <= last:
            ax.axvline(
                x, color="firebrick", ls="--", lw=1.0, alpha=0.55, label=f"Turnover ({date})"
            )

    ax.set_xlabel("Month")
    ax.set_ylabel("Total momentum")
    ax.set_title(
        f"Total momentum across {n_seeds} seeds: median and "
        f"{100 * BAND[0]:.0f}–{100 * BAND[1]:.0f} % band of each variant"
    )
    ax.legend(loc="upper left", fontsize=8, frameon=True)
    fig.tight_layout()
    fig.savefig(path, dpi=120, format="png")
    plt.close(fig)
    return Path(path)
