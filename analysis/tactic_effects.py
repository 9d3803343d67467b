"""Tactic effects against the baseline: paired differences over seeds with 95 % intervals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.heatmap import METRIC_LABELS
from analysis.labels import tactic_words
from analysis.theme import MARK_COLOUR, new_figure, save_figure

BASELINE = "none"
"""The ``tactics`` value of the baseline (no tactic in force)."""


def tactic_effects(
    runs: pd.DataFrame, value: str = "continuity_index", key: str = "tactics", paired: bool = True
) -> pd.DataFrame:
    """Mean difference of ``value`` between each tactic set and the baseline, with a 95 % CI.

    With ``paired`` (the sweep gave replication r of every point the same seed), the effect
    is the mean of per-seed differences and the interval a t interval on them; otherwise a
    Welch interval on the difference of means.

    When the runs carry ``tactic_cost_per_year`` (staff-months a year, docs/tactics.md), the
    effect is also given per full-time person (12 staff-months a year): ``cost_per_year``,
    ``per_fte``, ``per_fte_low``, ``per_fte_high`` (NaN for a set that costs nothing).

    Returns:
        Columns ``tactics, n, mean, effect, low, high, tactic_count`` (and the cost columns),
        best effect first.

    Raises:
        ValueError: If there is no baseline run.
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    base = ok[ok[key] == BASELINE]
    if base.empty:
        raise ValueError(f"no baseline runs ({key}={BASELINE}) to compare tactics against")
    base_by_rep = base.set_index("replication")[value].astype(float)
    rows = []
    for name, grp in ok[ok[key] != BASELINE].groupby(key, sort=True):
        vals = grp.set_index("replication")[value].astype(float)
        if paired:
            d = (vals - base_by_rep).dropna().to_numpy()
            effect, half = d.mean(), _t_half(d.std(ddof=1), len(d), len(d) - 1)
        else:
            effect = vals.mean() - base_by_rep.mean()
            half = _welch_half(vals.to_numpy(), base_by_rep.to_numpy())
        row = {
            "tactics": name,
            "n": len(vals),
            "mean": vals.mean(),
            "effect": effect,
            "low": effect - half,
            "high": effect + half,
            "tactic_count": len(str(name).split("+")),
        }
        if "tactic_cost_per_year" in grp.columns:
            row.update(_per_fte(row, float(grp["tactic_cost_per_year"].median())))
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out.sort_values(["effect", "tactics"], ascending=[False, True]).reset_index(drop=True)


def _per_fte(row: dict, cost: float) -> dict[str, float]:
    """The effect and its interval per full-time person (12 staff-months a year)."""
    ftes = cost / 12.0 if np.isfinite(cost) and cost > 0 else float("nan")
    return {
        "cost_per_year": cost,
        "per_fte": row["effect"] / ftes,
        "per_fte_low": row["low"] / ftes,
        "per_fte_high": row["high"] / ftes,
    }


def _t_half(sd: float, n: int, dof: float) -> float:
    """Half-width of a 95 % t interval of a mean with standard deviation ``sd`` over ``n``."""
    return _t975(dof) * sd / np.sqrt(n) if n >= 2 and np.isfinite(sd) else float("nan")


def _welch_half(a: np.ndarray, b: np.ndarray) -> float:
    """Half-width of the 95 % Welch interval of ``mean(a) - mean(b)``."""
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    if va + vb == 0:
        return 0.0
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return _t975(dof) * float(np.sqrt(va + vb))


def _t975(dof: float) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.975, dof))


def plot_tactic_effects(
    effects: pd.DataFrame, stem: str | Path, value: str = "continuity_index"
) -> list[Path]:
    """Dot-and-whisker chart: each tactic set's effect against the baseline with its 95 % CI.

    Single tactics and combinations get different colours; the zero line is the baseline.

    Returns:
        The files written.
    """
    import seaborn as sns

    colours = sns.color_palette("colorblind", 3)
    fig, ax = new_figure(figsize=(10, 0.28 * len(effects) + 2.0))
    y = np.arange(len(effects))[::-1]
    for count, colour, label in ((1, colours[0], "one tactic"), (2, colours[1], "combination")):
        sel = (effects["tactic_count"] == 1) if count == 1 else (effects["tactic_count"] > 1)
        e = effects[sel]
        ax.errorbar(
            e["effect"],
            y[sel.to_numpy()],
            xerr=[e["effect"] - e["low"], e["high"] - e["effect"]],
            fmt="o",
            color=colour,
            ms=5,
            capsize=2,
            label=label,
        )
    ax.axvline(0, color=MARK_COLOUR, lw=1, ls="--", label="baseline (no tactic)")
    ax.set_yticks(y)
    ax.set_yticklabels([tactic_words(t) for t in effects["tactics"]])
    ax.set_ylim(-0.7, len(effects) - 0.3)
    name = METRIC_LABELS.get(value, value).split(" (")[0]
    ax.set_xlabel(f"Change in the {name} against the baseline\n(mean over paired seeds, 95 % CI)")
    ax.set_ylabel("Tactics in force")
    ax.legend(loc="lower right", fontsize=8, frameon=True)
    n = int(effects["n"].median()) if len(effects) else 0
    ax.set_title(f"Tactic effects, paired over {n} seeds", fontsize=11)
    fig.tight_layout()
    return save_figure(fig, stem)


def describe_tactic_effects(effects: pd.DataFrame, value: str = "continuity_index") -> list[str]:
    """Which tactic mattered most, which combination, and which did not help."""
    if effects.empty:
        return []
    name = METRIC_LABELS.get(value, value).split(" (")[0]

    def show(row: pd.Series) -> str:
        return (
            f"{tactic_words(row['tactics'])} ({row['effect']:+.3f}, "
            f"95 % CI {row['low']:+.3f} to {row['high']:+.3f})"
        )

    singles = effects[effects["tactic_count"] == 1]
    combos = effects[effects["tactic_count"] > 1]
    lines = []
    if not singles.empty:
        lines.append(f"The single tactic that raises the {name} most is {show(singles.iloc[0])}.")
    if not combos.empty:
        lines.append(f"The best combination is {show(combos.iloc[0])}.")
    if len(singles) > 1:
        lines.append(f"The single tactic that helps least is {show(singles.iloc[-1])}.")
    if "per_fte" in effects.columns and singles["per_fte"].notna().any():
        best = singles.loc[singles["per_fte"].idxmax()]
        lines.append(
            f"Per full-time person a year (12 staff-months), the single tactic that buys most is "
            f"{tactic_words(best['tactics'])} ({best['per_fte']:+.3f}, 95 % CI "
            f"{best['per_fte_low']:+.3f} to {best['per_fte_high']:+.3f}; it costs "
            f"{best['cost_per_year']:g} staff-months a year)."
        )
    unclear = effects[(effects["low"] <= 0) & (effects["high"] >= 0)]
    harmful = effects[effects["high"] < 0]
    if not unclear.empty:
        names = ", ".join(tactic_words(t) for t in unclear["tactics"])
        lines.append(f"No clear effect (interval includes zero): {names}.")
    if not harmful.empty:
        names = ", ".join(tactic_words(t) for t in harmful["tactics"])
        lines.append(f"Worse than doing nothing: {names}.")
    return lines
