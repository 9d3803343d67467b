"""One look for every figure: the seaborn theme, colour-blind-safe colours, PNG + SVG output.

Every figure function in ``analysis/`` calls :func:`new_figure` (or :func:`apply_theme` before
``plt.subplots``) and ends with :func:`save_figure`, which writes ``STEM.png`` and ``STEM.svg`` and
closes the figure. Matplotlib runs on the non-interactive Agg backend, so figures draw on a
machine with no screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.config import ACTOR_KEYS

PALETTE = "colorblind"
"""seaborn's colour-blind-safe qualitative palette (Okabe–Ito-like), used for every category."""

SEQUENTIAL = "viridis"
"""Perceptually uniform, colour-blind-safe colour map for ordered values (commitment)."""

DIVERGING = "vlag"
"""Diverging colour map for values around a reference (heatmaps centred on 1)."""

MARK_COLOUR = "#555555"
"""Colour of event markers (turnovers, funding cuts): neutral, so it never clashes with data."""

ACTOR_TYPES = ACTOR_KEYS
"""Actor types in the model's fixed order, so each keeps its colour in every figure."""

ACTOR_LABELS = {
    "administration": "Federal administration",
    "state": "States",
    "senate": "Senate",
    "coalition": "Coalitions",
    "dpa": "Data-protection authority",
    "company": "Companies",
    "organization": "Organisations",
    "international": "International bodies",
}
"""Plain-language name of each actor type."""

CONTRIBUTION_TYPES = {
    "contribution_federal": "administration",
    "contribution_states": "state",
    "contribution_senate": "senate",
    "contribution_coalitions": "coalition",
    "contribution_dpa": "dpa",
    "contribution_companies": "company",
    "contribution_organizations": "organization",
}
"""Time-series column of each actor type's momentum contribution."""


def apply_theme() -> None:
    """Select the Agg backend and set the shared seaborn theme."""
    import matplotlib

    matplotlib.use("Agg")
    import seaborn as sns

    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")
    matplotlib.rcParams["svg.hashsalt"] = "continuity"  # stable ids: same data, same SVG
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable and editable


def actor_colours() -> dict[str, Any]:
    """Actor type → colour, the same in every figure."""
    import seaborn as sns

    palette = sns.color_palette(PALETTE, 10)
    picks = (0, 1, 2, 3, 4, 5, 9, 8)  # skips the pink and grey that sit too close to purple
    return {t: palette[i] for t, i in zip(ACTOR_TYPES, picks, strict=True)}


def new_figure(nrows: int = 1, ncols: int = 1, **kwargs: Any) -> tuple[Any, Any]:
    """``plt.subplots`` under the shared theme."""
    apply_theme()
    import matplotlib.pyplot as plt

    return plt.subplots(nrows, ncols, **kwargs)


def save_figure(fig: Any, stem: str | Path) -> list[Path]:
    """Write ``STEM.png`` (150 dpi) and ``STEM.svg``, close the figure and return both paths.

    Each file is written to a temporary name and renamed, so a crash leaves no half-written
    figure.
    """
    import matplotlib.pyplot as plt

    from sim.api import atomic_write

    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for suffix, dpi in ((".png", 150), (".svg", None)):
            path = stem.with_name(stem.name + suffix)
            fmt = suffix[1:]
            written.append(
                atomic_write(path, lambda p, f=fmt, d=dpi: fig.savefig(p, format=f, dpi=d))
            )
    finally:
        plt.close(fig)
    return written


def mark_events(ax: Any, turnovers: list[str], cut_start: str | None, end: Any) -> None:
    """Dashed lines at turnovers, a light span from the funding cut's start to ``end``."""
    import pandas as pd

    for i, t in enumerate(turnovers):
        ax.axvline(
            pd.Timestamp(t),
            color=MARK_COLOUR,
            ls="--",
            lw=1.1,
            label="Turnover" if i == 0 else None,
        )
    if cut_start:
        ax.axvspan(pd.Timestamp(cut_start), end, color=MARK_COLOUR, alpha=0.08, label="Funding cut")
