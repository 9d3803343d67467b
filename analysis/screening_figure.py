"""The Morris ranking figure: the parameters with the largest ``mu_star`` and their intervals.

With dozens of parameters the σ–μ* scatter of :func:`analysis.sensitivity.plot_morris` is
crowded; this bar chart ranks them instead. Bars whose interval includes 0 (the noise rule of
:mod:`analysis.screening`) are drawn in grey and marked "noise".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.screening import NOISE
from analysis.sensitivity import short_parameter

TOP = 20
"""Parameters shown in the ranking figure."""


def plot_ranking(
    ranking: pd.DataFrame, stem: str | Path, output_label: str = "continuity index", top: int = TOP
) -> list[Path]:
    """Horizontal bars of ``mu_star`` with their confidence intervals, largest first.

    Args:
        ranking: Output of :func:`analysis.screening.morris_ranking`.
        stem: Path without suffix; ``STEM.png`` and ``STEM.svg`` are written.
        output_label: The analysed output in words, for the axis label.
        top: How many parameters to show.

    Returns:
        The paths written.
    """
    import seaborn as sns

    from analysis.theme import MARK_COLOUR, PALETTE, new_figure, save_figure

    shown = ranking.head(top).copy()
    shown["label"] = shown["parameter"].map(short_parameter)
    shown["reading"] = shown["verdict"].map(
        lambda v: "not distinguishable from 0" if v == NOISE else "interval above 0"
    )
    colours = {
        "interval above 0": sns.color_palette(PALETTE)[0],
        "not distinguishable from 0": "#aaaaaa",
    }
    fig, ax = new_figure(figsize=(8, 1.2 + 0.32 * len(shown)))
    sns.barplot(
        data=shown,
        x="mu_star",
        y="label",
        hue="reading",
        hue_order=[k for k in colours if k in set(shown["reading"])],
        palette=colours,
        orient="h",
        dodge=False,
        errorbar=None,
        ax=ax,
    )
    ax.errorbar(
        shown["mu_star"],
        range(len(shown)),
        xerr=shown["mu_star_conf"].fillna(0.0),
        fmt="none",
        ecolor="#222222",
        capsize=2,
    )
    ax.axvline(0, color=MARK_COLOUR, lw=0.8)
    level = f"{100 * ranking.attrs.get('conf_level', 0.95):g} %"
    ax.set_xlabel(f"Morris μ* of the {output_label} ({level} bootstrap CI)")
    ax.set_ylabel("Parameter")
    n = len(ranking)
    ax.set_title(f"The {len(shown)} most influential of {n} parameters", loc="left", fontsize=10)
    ax.legend(title=None, loc="lower right", frameon=False, fontsize=8)
    fig.tight_layout()
    return save_figure(fig, stem)
