"""The continuity heatmap: a metric's mean over seeds for every pair of values of two swept keys."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.labels import pretty_key
from analysis.theme import DIVERGING, SEQUENTIAL, new_figure, save_figure

METRIC_LABELS = {
    "continuity_index": "continuity index (momentum 24 months after T0 / the month before)",
    "momentum_final": "final momentum",
    "min_momentum_ratio": "lowest momentum after T0 / momentum before",
    "nonstate_share": "share of momentum carried by non-state actors",
    "survived": "share of runs in which the strategy survived",
}
"""Plain-language names of the summary metrics a report shows."""


def heatmap_table(runs: pd.DataFrame, x: str, y: str, value: str) -> pd.DataFrame:
    """Mean of ``value`` over the successful runs of each (y, x) cell: rows y, columns x."""
    ok = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    table = ok.groupby([y, x], sort=True)[value].mean().unstack(x)
    return table.sort_index().sort_index(axis=1)


def plot_heatmap(
    runs: pd.DataFrame, x: str, y: str, stem: str | Path, value: str = "continuity_index"
) -> list[Path]:
    """Heatmap of the mean ``value`` over seeds, ``x`` across and ``y`` down.

    A continuity index is drawn on a diverging scale centred on 1 (momentum kept); other
    metrics on a sequential scale. Cells are annotated when the grid is small enough to read.
    Keys other than ``x`` and ``y`` that vary are averaged over (said in the title).

    Returns:
        The files written.
    """
    import seaborn as sns

    table = heatmap_table(runs, x, y, value)
    fig, ax = new_figure(figsize=(max(6.0, 0.55 * table.shape[1] + 3), 0.45 * len(table) + 2.5))
    centred = value == "continuity_index"
    span = float(np.nanmax(np.abs(table.to_numpy() - 1.0))) if centred else None
    sns.heatmap(
        table,
        ax=ax,
        cmap=DIVERGING if centred else SEQUENTIAL,
        vmin=1.0 - span if centred else None,
        vmax=1.0 + span if centred else None,
        annot=table.size <= 400,
        fmt=".2f",
        annot_kws={"fontsize": 7},
        cbar_kws={"label": METRIC_LABELS.get(value, value).split(" (")[0]},
        linewidths=0.3,
    )
    ax.set_xlabel(pretty_key(x))
    ax.set_ylabel(pretty_key(y))
    ax.set_xticklabels([_tick(t.get_text()) for t in ax.get_xticklabels()], rotation=45, ha="right")
    ax.set_yticklabels([_tick(t.get_text()) for t in ax.get_yticklabels()], rotation=0)
    n = runs.groupby([y, x]).size().median()
    ax.set_title(
        f"Mean {METRIC_LABELS.get(value, value)}\nover {n:.0f} seeds per cell", fontsize=10
    )
    fig.tight_layout()
    return save_figure(fig, stem)


def _tick(text: str) -> str:
    try:
        return f"{float(text):.2f}"
    except ValueError:
        return text


def describe_heatmap(table: pd.DataFrame, x: str, y: str, value: str) -> list[str]:
    """Where the metric is highest and lowest, and how it moves along each key."""
    name = METRIC_LABELS.get(value, value).split(" (")[0]
    stacked = table.stack()
    best, worst = stacked.idxmax(), stacked.idxmin()
    lines = [
        f"The {name} is highest ({stacked.max():.2f}) with {pretty_key(y)} = {best[0]} and "
        f"{pretty_key(x)} = {best[1]}, lowest ({stacked.min():.2f}) with {pretty_key(y)} = "
        f"{worst[0]} and {pretty_key(x)} = {worst[1]}."
    ]
    for key, axis in ((x, 1), (y, 0)):
        diffs = np.diff(table.to_numpy(), axis=axis)
        diffs = diffs[np.isfinite(diffs)]
        if diffs.size == 0:
            continue
        if (diffs <= 1e-9).all():
            trend = f"falls steadily as {pretty_key(key)} increases"
        elif (diffs >= -1e-9).all():
            trend = f"rises steadily as {pretty_key(key)} increases"
        else:
            share = (diffs < 0).mean()
            trend = f"falls in {share:.0%} of the steps as {pretty_key(key)} increases"
        lines.append(f"Holding the other key fixed, it {trend}.")
    if value == "continuity_index":
        kept = (stacked >= 1).mean()
        lines.append(
            f"In {kept:.0%} of the cells the strategy has at least as much momentum two years "
            "after the turnover as the month before."
        )
    return lines
