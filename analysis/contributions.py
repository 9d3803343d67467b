"""Who carries the strategy: each actor type's share of momentum over time."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.theme import (
    ACTOR_LABELS,
    CONTRIBUTION_TYPES,
    actor_colours,
    mark_events,
    new_figure,
    save_figure,
)


def contribution_table(ts: pd.DataFrame) -> pd.DataFrame:
    """Mean momentum contributed by each actor type per month, across runs.

    Args:
        ts: Long monthly table (``run_id, month, variable, value``) with ``contribution_*``.

    Returns:
        One row per month, one column per actor type (in :data:`CONTRIBUTION_TYPES` order).
    """
    df = ts[ts["variable"].isin(CONTRIBUTION_TYPES)]
    table = df.groupby(["month", "variable"], observed=True)["value"].mean().unstack("variable")
    table = table[[c for c in CONTRIBUTION_TYPES if c in table.columns]]
    return table.rename(columns=CONTRIBUTION_TYPES)


def plot_contributions(
    table: pd.DataFrame,
    stem: str | Path,
    *,
    turnovers: list[str] | None = None,
    cut_start: str | None = None,
    runs: int = 1,
) -> list[Path]:
    """Stacked areas of momentum by actor type (top) and the same as shares of the total (bottom).

    Returns:
        The files written.
    """
    colours = actor_colours()
    fig, (top, bottom) = new_figure(2, 1, figsize=(11.5, 7.5), sharex=True, height_ratios=[1, 1])
    shares = table.div(table.sum(axis=1).where(lambda s: s > 0), axis=0)
    labels = [ACTOR_LABELS[t] for t in table.columns]
    cols = [colours[t] for t in table.columns]
    top.stackplot(table.index, table.T.to_numpy(), labels=labels, colors=cols, alpha=0.85)
    bottom.stackplot(shares.index, shares.T.to_numpy(), colors=cols, alpha=0.85)
    end = table.index.max()
    for ax in (top, bottom):
        mark_events(ax, turnovers or [], cut_start, end)
        ax.margins(x=0)
    top.set_ylabel("Momentum by actor type")
    bottom.set_ylabel("Share of total momentum")
    bottom.set_ylim(0, 1)
    bottom.yaxis.set_major_formatter(_percent())
    bottom.set_xlabel("")
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    where = f"mean of {runs} runs" if runs > 1 else "one run"
    top.set_title(f"Who carries the strategy ({where})")
    fig.tight_layout()
    return save_figure(fig, stem)


def _percent():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0)


def describe_contributions(table: pd.DataFrame, reference: str | None) -> list[str]:
    """Who carried the strategy before the turnover, and who carries it two years after and at the end."""
    if not reference or table.empty:
        return []
    t0 = pd.Timestamp(reference)
    shares = table.div(table.sum(axis=1), axis=0)
    moments = {
        "the month before the turnover": t0 - pd.DateOffset(months=1),
        "two years after": t0 + pd.DateOffset(months=24),
        f"at the end ({table.index.max():%Y-%m})": table.index.max(),
    }
    lines = []
    for words, month in moments.items():
        if month not in shares.index:
            continue
        row = shares.loc[month].sort_values(ascending=False)
        top = ", ".join(f"{ACTOR_LABELS[t].lower()} {v:.0%}" for t, v in row.head(3).items())
        lines.append(f"Largest shares of momentum {words}: {top}.")
    before, end = t0 - pd.DateOffset(months=1), table.index.max()
    if before in table.index:
        change = table.loc[end] - table.loc[before]
        gained = change.idxmax()
        lost = change.idxmin()
        lines.append(
            f"From the turnover to the end, {ACTOR_LABELS[gained].lower()} added the most momentum "
            f"({change[gained]:+.0f}) and the {ACTOR_LABELS[lost].lower()} lost the most "
            f"({change[lost]:+.0f})."
        )
    return lines
