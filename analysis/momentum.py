"""The run figure: total and per-pillar momentum with turnovers and cuts marked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sim.schemas import as_datetime

PILLAR_LABELS = {
    "momentum_governance": "Governance & public services",
    "momentum_research": "Research & development",
    "momentum_skills": "Capacity, skills & education",
    "momentum_data": "Data infrastructure",
    "momentum_ethics": "Ethics & regulation",
}


def plot_momentum(ts: pd.DataFrame, summary: dict[str, Any], path: str | Path) -> Path:
    """Draw total momentum (top) and momentum per pillar (bottom) over time.

    Turnovers are marked with dashed vertical lines and the funding cut with a
    shaded span from its start.

    Args:
        ts: The monthly time series of one run.
        summary: The run's summary (for ``turnovers`` and ``funding_cut_start``).
        path: Where to write the PNG.

    Returns:
        The path written.

    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(style="whitegrid", palette="colorblind", context="notebook")
    dates = as_datetime(ts["date"])
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True, height_ratios=[1, 1.2])
    top.plot(dates, ts["momentum"], color="black", lw=2, label="Total momentum")
    top.set_ylabel("Momentum")
    long = ts.melt(id_vars="date", value_vars=list(PILLAR_LABELS), var_name="pillar")
    long["date"] = as_datetime(long["date"])
    long["pillar"] = long["pillar"].map(PILLAR_LABELS)
    sns.lineplot(data=long, x="date", y="value", hue="pillar", ax=bottom, lw=1.6)
    bottom.set_ylabel("Momentum per pillar")
    bottom.set_xlabel("")
    bottom.legend(title=None, fontsize=8, loc="upper left", frameon=True)
    end = dates.iloc[-1]
    for ax in (top, bottom):
        for i, t in enumerate(summary.get("turnovers", [])):
            x = pd.Timestamp(t)
            ax.axvline(x, color="firebrick", ls="--", lw=1.2, label="Turnover" if i == 0 else None)
        cut = summary.get("funding_cut_start")
        if cut:
            ax.axvspan(pd.Timestamp(cut), end, color="firebrick", alpha=0.06, label="Funding cut")
    top.legend(loc="upper left", fontsize=8, frameon=True)
    title = f"Scenario {summary.get('scenario', '')}, seed {summary.get('seed', '')}"
    ci = summary.get("continuity_index")
    if ci is not None:
        title += f" — continuity index {ci:.2f}"
    top.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120, format="png")
    plt.close(fig)
    return Path(path)
