"""Momentum over time, total and per pillar, with uncertainty bands and the shocks marked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.theme import MARK_COLOUR, mark_events, new_figure, save_figure

PILLARS = {
    "momentum": "Total momentum",
    "momentum_governance": "Governance & public services",
    "momentum_research": "Research & development",
    "momentum_skills": "Capacity, skills & education",
    "momentum_data": "Data infrastructure",
    "momentum_ethics": "Ethics & regulation",
}
"""Momentum variables of the time series and their titles (total first)."""

BAND = (0.05, 0.95)
"""The band drawn around each group's median: the 5th to 95th percentile across its runs."""


def band_table(ts: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
    """Median and 5–95 % band of each variable per group and month, across runs.

    Args:
        ts: Long monthly table with ``run_id, month, variable, value``.
        groups: ``run_id`` → group name (every run in one group ``"all runs"`` if None).

    Returns:
        Columns ``group, variable, month, median, low, high, runs``.
    """
    df = ts[["run_id", "month", "variable", "value"]].copy()
    df["group"] = df["run_id"].map(groups) if groups is not None else "all runs"
    df = df.dropna(subset=["group"])
    g = df.groupby(["group", "variable", "month"], sort=True, observed=True)["value"]
    out = g.quantile([0.5, *BAND]).unstack()
    out.columns = ["median", "low", "high"]
    out["runs"] = g.size()
    return out.reset_index()


def plot_trajectories(
    ts: pd.DataFrame,
    stem: str | Path,
    *,
    groups: pd.Series | None = None,
    order: list[str] | None = None,
    turnovers: dict[str, list[str]] | None = None,
    cut_start: str | None = None,
    title: str | None = None,
) -> list[Path]:
    """Total momentum (large panel) and the five pillars (small panels) over time.

    Each group is a median line with a 5–95 % band across its runs (no band for a single
    run). Turnovers are dashed lines (in the group's colour when groups differ), the funding
    cut a shaded span from its start.

    Args:
        ts: Long monthly table (``run_id, month, variable, value``) with the momentum variables.
        stem: Output path without suffix (writes ``.png`` and ``.svg``).
        groups: ``run_id`` → group label; runs not mapped are left out.
        order: Group order (default: sorted).
        turnovers: Group label → its turnover months, to mark.
        cut_start: Month the funding cut starts, if common to all groups.
        title: Figure title.

    Returns:
        The files written.
    """
    bands = band_table(ts[ts["variable"].isin(PILLARS)], groups)
    order = order or sorted(bands["group"].unique())
    fig = _figure()
    axes = fig.axes
    import seaborn as sns

    colours = dict(zip(order, sns.color_palette("colorblind", len(order)), strict=True))
    end = bands["month"].max()
    for ax, (var, name) in zip(axes, PILLARS.items(), strict=True):
        for group in order:
            b = bands[(bands["group"] == group) & (bands["variable"] == var)]
            if b.empty:
                continue
            ax.plot(b["month"], b["median"], color=colours[group], lw=1.8, label=group)
            if b["runs"].max() > 1:
                ax.fill_between(b["month"], b["low"], b["high"], color=colours[group], alpha=0.2)
        _mark(ax, turnovers or {}, colours, cut_start, end)
        ax.set_title(name, fontsize=10 if var != "momentum" else 12)
        ax.set_xlabel("")
        ax.set_ylabel("Momentum" if var == "momentum" else "")
    axes[0].set_ylabel("Total momentum (index)")
    axes[0].legend(loc="lower right", fontsize=8, frameon=True)
    runs = int(bands["runs"].max())
    note = f"lines: median of {runs} runs; bands: 5–95 % of runs" if runs > 1 else "one run"
    fig.suptitle(f"{title or 'Momentum of the strategy'} ({note})", fontsize=12)
    return save_figure(fig, stem)


def _figure():
    """A 3 × 3 grid: total momentum in the top-left 2 × 2 block, the five pillars around it."""
    fig, _ = new_figure(1, 1, figsize=(13, 8))
    fig.clear()
    grid = fig.add_gridspec(3, 3, hspace=0.45, wspace=0.25)
    main = fig.add_subplot(grid[0:2, 0:2])
    small = [fig.add_subplot(grid[i, j], sharex=main) for i, j in ((0, 2), (1, 2))]
    small += [fig.add_subplot(grid[2, j], sharex=main) for j in range(3)]
    for ax in small + [main]:
        ax.tick_params(labelsize=8)
    return fig


def _mark(ax, turnovers, colours, cut_start, end) -> None:
    distinct = {tuple(v) for v in turnovers.values()}
    if len(distinct) <= 1:
        mark_events(ax, list(next(iter(distinct), ())), cut_start, end)
        return
    for group, months in turnovers.items():
        if months and group in colours:
            ax.axvline(pd.Timestamp(months[0]), color=colours[group], ls="--", lw=1.1)
    if cut_start:
        ax.axvspan(pd.Timestamp(cut_start), end, color=MARK_COLOUR, alpha=0.08)


def describe_trajectories(
    bands: pd.DataFrame, reference: str | dict[str, str | None] | None
) -> list[str]:
    """Plain-language reading: what rose and what fell around the reference month (T0).

    Args:
        bands: Output of :func:`band_table` (one group or several).
        reference: T0 as ``YYYY-MM`` (the first turnover), or one per group, or None.
    """
    lines = []
    for group, b in bands.groupby("group", sort=False):
        ref = reference.get(group) if isinstance(reference, dict) else reference
        if not ref:
            continue
        t0 = pd.Timestamp(ref)
        before = _at(b, t0 - pd.DateOffset(months=1))
        after = _at(b, t0 + pd.DateOffset(months=24))
        end = b[b["month"] == b["month"].max()].set_index("variable")["median"]
        if before is None or after is None:
            continue
        change = after / before.replace(0, np.nan) - 1
        change = change[change.index.isin(PILLARS) & (change.index != "momentum")]
        total = after.get("momentum", np.nan) / before.get("momentum", np.nan) - 1
        rose = [PILLARS[v] for v, c in change.items() if c > 0.02]
        fell = [PILLARS[v] for v, c in change.items() if c < -0.02]
        text = (
            f"{group}: two years after the turnover of {ref}, total momentum is "
            f"{_pct(total)} its level the month before"
        )
        if fell:
            text += f"; it fell in {_join(fell)}"
        if rose:
            text += f"{' and rose' if fell else '; it rose'} in {_join(rose)}"
        final = end.get("momentum", np.nan) / before.get("momentum", np.nan) - 1
        lines.append(text + f". By {b['month'].max():%Y-%m} it is {_pct(final)} that level.")
    return lines


def _at(b: pd.DataFrame, month: pd.Timestamp) -> pd.Series | None:
    row = b[b["month"] == month]
    return None if row.empty else row.set_index("variable")["median"]


def _pct(change: float) -> str:
    if not np.isfinite(change):
        return "not comparable to"
    if abs(change) < 0.005:
        return "level with"
    return f"{abs(change):.0%} {'above' if change > 0 else 'below'}"


def _join(items: list[str]) -> str:
    items = [i.lower() for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
