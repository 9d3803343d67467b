"""Figures of a calibration, read from its directory (never runs the model).

- ``marginals``: each key's weighted posterior histogram over its prior range (the prior is the
  flat line);
- ``pairs``: pair plot of the most narrowed keys (a weighted resample of the posterior);
- ``generations``: tolerance, acceptance rate and effective sample size per generation;
- ``predictive``: per pattern, the share of posterior predictive draws in which it holds (and,
  for turnover-caused patterns, in the negative control), with the 80 % line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.theme import new_figure, save_figure

PAIRS = 6
"""Keys in the pair plot (the most narrowed)."""


def _short(key: str) -> str:
    return key.removeprefix("params.")


def marginals(post: pd.DataFrame, priors: pd.DataFrame, stem: Path) -> list[Path]:
    """A small-multiple of weighted histograms, one per calibrated key."""
    n = len(priors)
    cols = 4
    rows = int(np.ceil(n / cols))
    fig, axes = new_figure(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False)
    w = post["weight"].to_numpy(dtype=float)
    for ax, p in zip(list(axes.flat)[:n], priors.itertuples(), strict=True):
        bins = np.linspace(p.low, p.high, 21)
        ax.hist(post[p.key], bins=bins, weights=w, density=True, alpha=0.8)
        ax.axhline(1.0 / (p.high - p.low), color="#555555", lw=1, ls="--")
        ax.set_title(_short(p.key), fontsize=9)
        ax.set_yticks([])
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle("Posterior (bars) against the uniform prior (dashed)")
    fig.tight_layout()
    return save_figure(fig, stem)


def pairs(post: pd.DataFrame, priors: pd.DataFrame, stem: Path, seed: int = 0) -> list[Path]:
    """Pair plot of the keys the data narrow most (a weighted resample of 1,000 particles)."""
    import seaborn as sns

    from analysis.theme import apply_theme

    apply_theme()
    w = post["weight"].to_numpy(dtype=float)
    width = {
        p.key: np.subtract(*np.percentile(post[p.key], [95, 5])) / (p.high - p.low)
        for p in priors.itertuples()
    }
    keys = sorted(width, key=width.get)[: min(PAIRS, len(width))]
    rng = np.random.default_rng(seed)
    sample = post.iloc[rng.choice(len(post), size=1000, p=w / w.sum())][keys]
    grid = sns.pairplot(
        sample.rename(columns=_short),
        corner=True,
        height=1.8,
        diag_kind="hist",
        plot_kws={"s": 6, "alpha": 0.3, "linewidth": 0},
    )
    grid.figure.suptitle("Posterior pairs: the most narrowed keys", y=1.01)
    return save_figure(grid.figure, stem)


def generations(gens: pd.DataFrame, stem: Path) -> list[Path]:
    """Tolerance, acceptance rate and ESS per generation."""
    fig, axes = new_figure(1, 3, figsize=(11, 3))
    for ax, column, title in zip(
        axes,
        ("epsilon", "acceptance_rate", "ess"),
        ("tolerance (distance)", "acceptance rate", "effective sample size"),
        strict=True,
    ):
        ax.plot(gens["generation"], gens[column], marker="o")
        ax.set_title(title)
        ax.set_xlabel("generation")
    axes[2].axhline(gens["particles"].max(), color="#555555", lw=1, ls="--")
    fig.tight_layout()
    return save_figure(fig, stem)


def predictive(checks: pd.DataFrame, stem: Path) -> list[Path]:
    """Per pattern, share of draws holding: scenario and (turnover-caused) negative control."""
    fig, ax = new_figure(figsize=(8, 0.45 * len(checks) + 1.2))
    labels = [f"{n} {p}" for n, p in zip(checks["number"], checks["pattern"], strict=True)]
    y = np.arange(len(checks))
    ax.barh(y + 0.2, 100 * checks["holds"], height=0.4, label="scenario")
    control = np.where(checks["turnover_caused"], 100 * checks["holds_in_control"], np.nan)
    ax.barh(y - 0.2, control, height=0.4, label="negative control (turnover-caused)")
    ax.axvline(80, color="#555555", lw=1, ls="--")
    ax.axvline(20, color="#555555", lw=1, ls=":")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of posterior predictive draws in which the pattern holds")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return save_figure(fig, stem)


def draw_all(directory: Path) -> list[Path]:
    """Every figure of the calibration in ``directory`` into ``directory/figures``."""
    out = directory / "figures"
    out.mkdir(exist_ok=True)
    post = pd.read_parquet(directory / "posterior.parquet")
    priors = pd.read_parquet(directory / "priors.parquet")
    gens = pd.read_parquet(directory / "generations.parquet")
    paths = marginals(post, priors, out / "marginals")
    paths += pairs(post, priors, out / "pairs")
    paths += generations(gens, out / "generations")
    shares = directory / "predictive_shares.parquet"
    if shares.is_file():
        paths += predictive(pd.read_parquet(shares), out / "predictive")
    return paths
