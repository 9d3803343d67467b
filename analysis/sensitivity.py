"""Global sensitivity analysis of a sweep: Sobol' and Morris indices, figures and plain words.

A ``sobol`` or ``morris`` sweep (see :mod:`experiments.design`) samples its design points in the
order SALib's analysers expect. :func:`analyse_sweep` averages one output over each point's
successful replications (:func:`point_means`) and hands the means to SALib:

* Sobol' (:func:`sobol_indices`) splits the output's variance between the parameters: ``S1`` is
  the share a parameter explains alone, ``ST`` the share including its interactions;
* Morris (:func:`morris_indices`) screens parameters by their elementary effects: ``mu_star`` is
  the mean absolute effect of moving a parameter, ``sigma`` the spread of that effect
  (interactions or non-linearity).

:func:`plot_sobol` and :func:`plot_morris` draw the tables, :func:`describe_sobol` and
:func:`describe_morris` put them in a few sentences. Matplotlib, seaborn and SALib are imported
only when needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

NEGLIGIBLE = 0.05
"""A parameter whose total Sobol' index is below this share of the variance barely matters."""

INTERACTION_GAP = 0.10
"""``ST - S1`` from which a parameter's interactions are worth naming."""

INTERACTIONS_SHARE = 0.20
"""Share of the variance left unexplained by the first-order indices (``1 - sum S1``) from
which interactions are said to matter."""

MORRIS_NEGLIGIBLE = 0.05
"""A parameter whose ``mu_star`` is below this fraction of the largest one barely matters."""

MORRIS_SPREAD = 0.5
"""``sigma / mu_star`` from which a parameter's effect is said to vary with the others."""

INDEX_LABELS = {"S1": "First order S1 (alone)", "ST": "Total ST (with interactions)"}
"""Legend label of each Sobol' index."""

MORRIS_LABELS = 15
"""The Morris scatter names at most this many points (those with the largest ``mu_star``)."""

MU_STAR_LABEL = "μ* (mean absolute elementary effect)"
SIGMA_LABEL = "σ (spread: interactions / non-linearity)"


class SensitivityError(ValueError):
    """A sweep's results cannot be analysed; the message says what is wrong, in one line."""


# --------------------------------------------------------------------------------------------
# Names


def short_parameter(name: str) -> str:
    """A config key without its leading ``params.`` (``coalition.recruit_rate``)."""
    return name.removeprefix("params.")


def pretty_parameter(name: str) -> str:
    """A config key in words: ``params.coalition.recruit_rate`` → ``coalition recruit rate``."""
    return short_parameter(name).replace(".", " ").replace("_", " ")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _percent(share: float) -> str:
    """A share of variance as a whole percentage, clipped to [0, 100] (estimates can overshoot)."""
    return f"{round(100 * min(max(share, 0.0), 1.0))} %"


# --------------------------------------------------------------------------------------------
# Sweep results -> one value per design point


def _numeric_output(runs: pd.DataFrame, output: str) -> pd.Series:
    """The ``output`` column as floats, or :class:`SensitivityError` if it is not numeric."""
    if output not in runs.columns:
        numeric = [c for c in runs.columns if pd.api.types.is_numeric_dtype(runs[c])]
        raise SensitivityError(
            f"output {output!r} is not a column of the runs; numeric columns: {', '.join(numeric)}"
        )
    column = runs[output]
    if pd.api.types.is_bool_dtype(column):
        return column.astype(float)
    if not pd.api.types.is_numeric_dtype(column):
        raise SensitivityError(f"output {output!r} is not numeric (dtype {column.dtype})")
    return column.astype(float)


def _successful(runs: pd.DataFrame) -> pd.Series:
    """Boolean mask of the successful runs (every run if there is no ``status`` column)."""
    if "status" in runs.columns:
        return runs["status"] == "ok"
    return pd.Series(True, index=runs.index)


def _list_points(points: Sequence[int], limit: int = 5) -> str:
    """``point 3``, ``points 3, 4 and 9``, ``points 3, 4, 5, 6, 7 and 12 more``."""
    points = [int(p) for p in points]
    if len(points) == 1:
        return f"point {points[0]}"
    if len(points) > limit:
        return f"points {', '.join(map(str, points[:limit]))} and {len(points) - limit} more"
    return f"points {_join([str(p) for p in points])}"


def point_means(runs: pd.DataFrame, output: str, n_points: int) -> np.ndarray:
    """Mean of ``output`` over each design point's successful replications.

    Args:
        runs: One row per run, with ``point_id``, the output column and (optionally) ``status``;
            only runs with ``status == 'ok'`` count.
        output: The metric to average (numeric or boolean).
        n_points: Number of design points; the result is ordered by point id 0 … n_points - 1.

    Returns:
        Array of ``n_points`` means, in design order.

    Raises:
        SensitivityError: The output column is missing or not numeric, a successful run has no
            value for it, a run belongs to no design point, or a point has no successful run.

    """
    if "point_id" not in runs.columns:
        raise SensitivityError("the runs have no 'point_id' column")
    values = _numeric_output(runs, output)
    ok = _successful(runs)
    point_id = runs["point_id"]
    stray = sorted(set(point_id[(point_id < 0) | (point_id >= n_points)]))
    if stray:
        raise SensitivityError(
            f"runs refer to {_list_points(stray)}, but the plan has {n_points} points (0…"
            f"{n_points - 1})"
        )
    missing = ok & values.isna()
    if missing.any():
        raise SensitivityError(
            f"output {output!r} is missing (NaN) in {int(missing.sum())} successful runs "
            f"(first at point {int(point_id[missing].min())}); choose an output every run reports"
        )
    means = values[ok].groupby(point_id[ok]).mean().reindex(range(n_points))
    empty = means.index[means.isna()].tolist()
    if empty:
        raise SensitivityError(
            f"{_list_points(empty)} {'has' if len(empty) == 1 else 'have'} no successful run; "
            "sensitivity indices need every design point"
        )
    return means.to_numpy(dtype=float)


# --------------------------------------------------------------------------------------------
# Indices


def _check_outputs(y: np.ndarray) -> np.ndarray:
    """``y`` as a 1-D float array of finite values, or :class:`SensitivityError`."""
    y = np.asarray(y, dtype=float)
    if y.ndim != 1:
        raise SensitivityError(f"outputs must be one value per design point, got shape {y.shape}")
    if not np.isfinite(y).all():
        raise SensitivityError(f"{int((~np.isfinite(y)).sum())} outputs are NaN or infinite")
    return y


def _check_varies(y: np.ndarray) -> None:
    if np.ptp(y) == 0:
        raise SensitivityError(f"output is constant ({y[0]:g}) at every point; nothing to explain")


def _check_conf_level(conf_level: float) -> None:
    if not 0 < conf_level < 1:
        raise SensitivityError(f"conf_level {conf_level} is not between 0 and 1 (e.g. 0.95)")


def _saltelli_base(num_vars: int, size: int, second_order: bool) -> int:
    """Base sample size N of a Saltelli sample of ``size`` points, or :class:`SensitivityError`."""
    per_base = 2 * num_vars + 2 if second_order else num_vars + 2
    formula = "N (2D + 2)" if second_order else "N (D + 2)"
    if size == 0 or size % per_base:
        hint = "" if second_order else " (or N (2D + 2) if sampled with second_order=True)"
        raise SensitivityError(
            f"Sobol' analysis needs {formula} = a multiple of {per_base} outputs for "
            f"D = {num_vars} parameters, got {size}{hint}"
        )
    return size // per_base


def _salib_sobol_seed(seed: int) -> int:
    """SALib's Sobol' analyser treats seed 0 as 'unseeded', so seeds are shifted by one."""
    return int(seed) + 1


def salib_sobol(
    problem: dict[str, Any],
    y: np.ndarray,
    *,
    second_order: bool,
    seed: int,
    num_resamples: int,
    conf_level: float,
    keep_resamples: bool = False,
) -> dict[str, Any]:
    """SALib's Sobol' analysis of checked outputs ``y``, seeded (the raw SALib result).

    Raises:
        SensitivityError: ``y`` does not fit the sample size, has non-finite values or is
            constant.
    """
    from SALib.analyze import sobol

    y = _check_outputs(y)
    _saltelli_base(len(problem["names"]), y.size, second_order)
    _check_varies(y)
    return sobol.analyze(
        problem,
        y,
        calc_second_order=second_order,
        num_resamples=num_resamples,
        conf_level=conf_level,
        keep_resamples=keep_resamples,
        print_to_console=False,
        seed=_salib_sobol_seed(seed),
    )


def sobol_indices(
    problem: dict[str, Any],
    y: np.ndarray,
    *,
    second_order: bool = False,
    seed: int = 0,
    num_resamples: int = 1000,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """First-order and total Sobol' indices of ``y`` with bootstrap confidence intervals.

    Args:
        problem: SALib problem (``num_vars``, ``names``, ``bounds``).
        y: One output per point of the Saltelli/Sobol' sample, in sampling order.
        second_order: Whether the sample was drawn with ``calc_second_order=True``.
        seed: Seed of the bootstrap resampling (the result is reproducible for a given seed).
        num_resamples: Bootstrap resamples for the confidence intervals.
        conf_level: Confidence level of the intervals.

    Returns:
        Tidy table with columns ``parameter``, ``index`` (``S1`` or ``ST``), ``value`` and
        ``conf`` (half-width of the interval), parameters in problem order; the confidence level
        is kept in ``attrs['conf_level']``.

    Raises:
        SensitivityError: ``y`` does not fit the sample size, has non-finite values or is
            constant, or ``conf_level`` is not in (0, 1).

    """
    _check_conf_level(conf_level)
    names = list(problem["names"])
    result = salib_sobol(
        problem,
        y,
        second_order=second_order,
        seed=seed,
        num_resamples=num_resamples,
        conf_level=conf_level,
    )
    rows = [
        {
            "parameter": name,
            "index": index,
            "value": float(result[index][i]),
            "conf": float(result[f"{index}_conf"][i]),
        }
        for i, name in enumerate(names)
        for index in ("S1", "ST")
    ]
    table = pd.DataFrame(rows, columns=["parameter", "index", "value", "conf"])
    table.attrs["conf_level"] = conf_level
    return table


def morris_indices(
    problem: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    *,
    levels: int = 4,
    seed: int = 0,
    num_resamples: int = 1000,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Morris screening measures of ``y``.

    Args:
        problem: SALib problem (``num_vars``, ``names``, ``bounds``).
        x: The Morris sample, one row per point, columns in problem order.
        y: One output per row of ``x``.
        levels: Grid levels the sample was drawn with.
        seed: Seed of the bootstrap resampling of ``mu_star_conf``.
        num_resamples: Bootstrap resamples.
        conf_level: Confidence level of ``mu_star_conf``.

    Returns:
        Table with columns ``parameter``, ``mu``, ``mu_star``, ``sigma`` and ``mu_star_conf``
        (half-width of the interval), parameters in problem order; the confidence level is kept
        in ``attrs['conf_level']``.

    Raises:
        SensitivityError: ``x`` and ``y`` do not form whole trajectories, ``y`` has non-finite
            values or is constant, or ``levels`` / ``conf_level`` are not allowed.

    """
    from SALib.analyze import morris

    y = _check_outputs(y)
    _check_conf_level(conf_level)
    names = list(problem["names"])
    x = np.asarray(x, dtype=float)
    if x.shape != (y.size, len(names)):
        raise SensitivityError(
            f"Morris inputs have shape {x.shape}; expected ({y.size}, {len(names)}): "
            "one row per output, one column per parameter"
        )
    if y.size == 0 or y.size % (len(names) + 1):
        raise SensitivityError(
            f"Morris analysis needs whole trajectories of D + 1 = {len(names) + 1} points, "
            f"got {y.size} outputs"
        )
    _check_varies(y)
    if levels < 2 or levels % 2:
        raise SensitivityError(f"levels {levels} is not allowed; expected an even integer >= 2")
    result = morris.analyze(
        problem,
        x,
        y,
        num_resamples=num_resamples,
        conf_level=conf_level,
        print_to_console=False,
        num_levels=levels,
        seed=seed,
    )
    columns = ["mu", "mu_star", "sigma", "mu_star_conf"]
    table = pd.DataFrame({"parameter": names, **{c: np.asarray(result[c], float) for c in columns}})
    table.attrs["conf_level"] = conf_level
    return table


def _plan_inputs(plan: dict[str, Any], names: Sequence[str]) -> np.ndarray:
    """The design points of ``plan`` as an array, columns in ``names`` order."""
    points = sorted(plan["points"], key=lambda p: p["point_id"])
    try:
        return np.array([[float(p["values"][n]) for n in names] for p in points])
    except KeyError as missing:
        raise SensitivityError(f"a design point has no value for parameter {missing}") from None


def _problem(plan: dict[str, Any]) -> dict[str, Any]:
    """The SALib problem of ``plan`` (stored, or rebuilt from the design's parameters)."""
    if plan.get("problem"):
        return plan["problem"]
    parameters = plan["design"]["parameters"]
    return {
        "num_vars": len(parameters),
        "names": list(parameters),
        "bounds": [list(map(float, v)) for v in parameters.values()],
    }


def analyse_sweep(
    plan: dict[str, Any], runs: pd.DataFrame, output: str = "continuity_index"
) -> tuple[str, pd.DataFrame]:
    """Sensitivity indices of ``output`` for a ``sobol`` or ``morris`` sweep.

    Args:
        plan: The sweep plan (contents of ``sweep.json``): ``design``, ``problem``, ``points``.
        runs: The sweep's runs (contents of ``runs.parquet``).
        output: The metric to analyse.

    Returns:
        ``('sobol', sobol_indices(...))`` or ``('morris', morris_indices(...))``.

    Raises:
        SensitivityError: The design has no sensitivity indices (grid, lhs) or the runs cannot
            be analysed (see :func:`point_means`).

    """
    design = plan.get("design") or {}
    kind = design.get("kind")
    if kind not in ("sobol", "morris"):
        raise SensitivityError(
            f"design kind {kind!r} has no variance-based indices; "
            "sweep with design.kind=sobol or morris"
        )
    problem = _problem(plan)
    y = point_means(runs, output, len(plan["points"]))
    seed = int(design.get("seed", 0))
    if kind == "sobol":
        second_order = bool(design.get("second_order", False))
        return kind, sobol_indices(problem, y, second_order=second_order, seed=seed)
    x = _plan_inputs(plan, problem["names"])
    return kind, morris_indices(problem, x, y, levels=int(design.get("levels", 4)), seed=seed)


# --------------------------------------------------------------------------------------------
# Figures


def _conf_percent(indices: pd.DataFrame) -> str:
    """The table's confidence level as ``95 %``."""
    return f"{100 * indices.attrs.get('conf_level', 0.95):g} %"


def _sobol_long(indices: pd.DataFrame) -> pd.DataFrame:
    """The Sobol' table for plotting: parameters by total index (largest first), short names."""
    total = indices[indices["index"] == "ST"].set_index("parameter")["value"]
    order = total.sort_values(ascending=False, kind="stable").index
    long = indices.assign(
        rank=indices["parameter"].map({p: i for i, p in enumerate(order)}),
        label=indices["parameter"].map(short_parameter),
        kind=indices["index"].map(INDEX_LABELS),
        conf=indices["conf"].fillna(0.0),
    )
    return long.sort_values(["rank", "index"], kind="stable").reset_index(drop=True)


def _legend_above(ax: Any) -> None:
    """The legend in one row just above the axes, where it cannot hide data."""
    ax.legend(
        title=None, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False, fontsize=9
    )


def _draw_sobol(ax: Any, indices: pd.DataFrame, output_label: str = "continuity index") -> None:
    """Horizontal S1/ST bars per parameter with their confidence intervals, on ``ax``."""
    import seaborn as sns

    from analysis.theme import MARK_COLOUR, PALETTE

    long = _sobol_long(indices)
    hue_order = [INDEX_LABELS[i] for i in ("S1", "ST")]
    sns.barplot(
        data=long,
        x="value",
        y="label",
        hue="kind",
        hue_order=hue_order,
        order=list(dict.fromkeys(long["label"])),
        orient="h",
        errorbar=None,
        palette=PALETTE,
        ax=ax,
    )
    bars = list(ax.containers)  # snapshot: errorbar() appends containers of its own
    for container, kind in zip(bars, hue_order, strict=True):
        rows = long[long["kind"] == kind]
        centres = [bar.get_y() + bar.get_height() / 2 for bar in container]
        ax.errorbar(
            rows["value"], centres, xerr=rows["conf"], fmt="none", ecolor="#222222", capsize=3
        )
    ax.axvline(0, color=MARK_COLOUR, lw=0.8)
    ax.set_xlabel(f"Sobol' index of the {output_label} (bars: {_conf_percent(indices)} CI)")
    ax.set_ylabel("Parameter")
    _legend_above(ax)


def plot_sobol(
    indices: pd.DataFrame, stem: str | Path, output_label: str = "continuity index"
) -> list[Path]:
    """Bar chart of first-order and total Sobol' indices, parameters by total index.

    Args:
        indices: Output of :func:`sobol_indices`.
        stem: Path without suffix; ``STEM.png`` and ``STEM.svg`` are written.
        output_label: The analysed output in words, for the axis label.

    Returns:
        The paths written.

    """
    from analysis.theme import new_figure, save_figure

    n_parameters = indices["parameter"].nunique()
    fig, ax = new_figure(figsize=(8, 1.4 + 0.6 * n_parameters))
    _draw_sobol(ax, indices, output_label)
    fig.tight_layout()
    return save_figure(fig, stem)


def _label_points(ax: Any, xs: Sequence[float], ys: Sequence[float], names: Sequence[str]) -> None:
    """Name each point, moving a label up (with a leader line) while it covers a point or label.

    Points in the right third of the axes get their label on their left, so it stays inside.
    """
    from matplotlib.transforms import Bbox

    from analysis.theme import MARK_COLOUR

    renderer = ax.figure.canvas.get_renderer()
    low, high = ax.get_xlim()
    centres = ax.transData.transform(np.column_stack([xs, ys]))
    taken = [Bbox.from_extents(x - 5, y - 5, x + 5, y + 5) for x, y in centres]
    box = {"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8}
    for i in sorted(range(len(names)), key=lambda i: (ys[i], xs[i])):
        left = xs[i] > low + 0.65 * (high - low)
        style = {"textcoords": "offset points", "fontsize": 8, "ha": "right" if left else "left"}
        offset = (-6 if left else 6, 4)
        label = ax.annotate(names[i], (xs[i], ys[i]), xytext=offset, bbox=box, **style)
        while offset[1] < 120 and any(label.get_window_extent(renderer).overlaps(t) for t in taken):
            offset = (offset[0], offset[1] + 8)
            label.xyann = offset
        if offset[1] > 4:
            label.remove()
            line = {
                "arrowstyle": "-",
                "color": MARK_COLOUR,
                "lw": 0.6,
                "shrinkA": 0,
                "relpos": (1.0, 0.0) if left else (0.0, 0.0),  # from the corner nearest the point
            }
            label = ax.annotate(
                names[i], (xs[i], ys[i]), xytext=offset, bbox=box, arrowprops=line, **style
            )
        taken.append(label.get_window_extent(renderer))


def _draw_morris(ax: Any, indices: pd.DataFrame, output_label: str = "continuity index") -> None:
    """Scatter of ``sigma`` against ``mu_star`` with names and the line σ = μ*, on ``ax``."""
    import seaborn as sns

    from analysis.theme import MARK_COLOUR, PALETTE

    colour = sns.color_palette(PALETTE)[0]
    conf = indices["mu_star_conf"].fillna(0.0)
    ax.errorbar(
        indices["mu_star"],
        indices["sigma"],
        xerr=conf,
        fmt="o",
        color=colour,
        ecolor=colour,
        capsize=3,
        label=f"Parameter (bars: {_conf_percent(indices)} CI of μ*)",
        zorder=3,
    )
    top = 1.1 * max(float((indices["mu_star"] + conf).max()), float(indices["sigma"].max()), 1e-12)
    ax.plot([0, top], [0, top], ls="--", color=MARK_COLOUR, lw=1, label="σ = μ*")
    ax.set_xlim(-0.02 * top, top)
    ax.set_ylim(-0.02 * top, top)
    ax.set_xlabel(MU_STAR_LABEL)
    ax.set_ylabel(SIGMA_LABEL)
    ax.set_title(f"Morris screening of the {output_label}", pad=24)
    _legend_above(ax)
    ax.figure.tight_layout()  # before labelling: the labels are placed in screen space
    named = indices.nlargest(MORRIS_LABELS, "mu_star", keep="first")
    names = [short_parameter(p) for p in named["parameter"]]
    _label_points(ax, named["mu_star"].tolist(), named["sigma"].tolist(), names)


def plot_morris(
    indices: pd.DataFrame, stem: str | Path, output_label: str = "continuity index"
) -> list[Path]:
    """Morris screening plot: ``sigma`` against ``mu_star``, the largest :data:`MORRIS_LABELS` named.

    Parameters far to the right matter most; those above the dashed line σ = μ* act mostly
    through interactions or non-linear effects.

    Args:
        indices: Output of :func:`morris_indices`.
        stem: Path without suffix; ``STEM.png`` and ``STEM.svg`` are written.
        output_label: The analysed output in words, for the title.

    Returns:
        The paths written.

    """
    from analysis.theme import new_figure, save_figure

    fig, ax = new_figure(figsize=(7.5, 6))
    _draw_morris(ax, indices, output_label)
    return save_figure(fig, stem)


# --------------------------------------------------------------------------------------------
# Plain words


def _sobol_wide(indices: pd.DataFrame) -> pd.DataFrame:
    """One row per parameter (largest total index first): S1, ST and their half-widths."""
    wide = indices.pivot(index="parameter", columns="index", values=["value", "conf"])
    wide.columns = [f"{i}{'_conf' if v == 'conf' else ''}" for v, i in wide.columns]
    return wide.sort_values("ST", ascending=False, kind="stable")


def _sobol_lead(name: str, row: pd.Series, output_label: str, level: str) -> str:
    low, high = row["S1"] - row["S1_conf"], row["S1"] + row["S1_conf"]
    return (
        f"{_capitalise(pretty_parameter(name))} drives the {output_label} most: alone it explains "
        f"{_percent(row['S1'])} of the variance ({level} CI {_percent(low)[:-2]}–"
        f"{_percent(high)}), {_percent(row['ST'])} with its interactions."
    )


def describe_sobol(indices: pd.DataFrame, output_label: str = "continuity index") -> list[str]:
    """Two to four plain-language sentences on a Sobol' table.

    The sentences name the most influential parameter (with its interval), the next ones, those
    that barely matter (total index below :data:`NEGLIGIBLE`) and whether interactions matter.

    Args:
        indices: Output of :func:`sobol_indices`.
        output_label: The analysed output in words.

    Returns:
        The sentences.

    """
    wide = _sobol_wide(indices)
    lead, rest = wide.index[0], wide.iloc[1:]
    sentences = [_sobol_lead(lead, wide.iloc[0], output_label, _conf_percent(indices))]
    next_up = rest[rest["ST"] >= NEGLIGIBLE].head(2)
    if len(next_up):
        parts = [f"{pretty_parameter(p)} ({_percent(r['ST'])})" for p, r in next_up.iterrows()]
        sentences.append(f"Next come {_join(parts)}, counting interactions.")
    minor = rest[rest["ST"] < NEGLIGIBLE].index
    if len(minor):
        verb = "barely matters" if len(minor) == 1 else "barely matter"
        sentences.append(
            f"{_capitalise(_join([pretty_parameter(p) for p in minor]))} {verb}: under "
            f"{_percent(NEGLIGIBLE)} of the variance even with interactions."
        )
    sentences.append(_sobol_interactions(wide))
    return sentences


def _sobol_interactions(wide: pd.DataFrame) -> str:
    """Whether interactions matter, from the sum of ``S1`` and the gaps ``ST - S1``.

    Interactions matter if the first-order indices leave :data:`INTERACTIONS_SHARE` of the
    variance unexplained or one parameter gains twice :data:`INTERACTION_GAP` with them;
    parameters gaining at least :data:`INTERACTION_GAP` are named.
    """
    alone = float(wide["S1"].clip(lower=0).sum())
    gains = (100 * (wide["ST"] - wide["S1"])).round().sort_values(ascending=False)
    strong = gains[gains >= 100 * INTERACTION_GAP]
    named = _join(
        [f"{pretty_parameter(p)} (+{g:.0f} percentage points)" for p, g in strong.items()]
    )
    verb, their = ("explains", "its") if len(strong) == 1 else ("explain", "their")
    unexplained = 1 - alone >= INTERACTIONS_SHARE
    if unexplained or (len(strong) and strong.iloc[0] >= 200 * INTERACTION_GAP):
        parts = []
        if len(strong):
            parts.append(f"{named} {verb} clearly more of the variance with {their} interactions")
        if unexplained:
            parts.append(f"the parameters alone account for only {_percent(alone)} of the variance")
        return f"Interactions matter: {'; '.join(parts)}."
    sentence = (
        f"Interactions play a minor role: the parameters alone account for {_percent(alone)} of "
        "the variance"
    )
    if len(strong):
        sentence += f"; only {named} {verb} noticeably more with {their} interactions"
    return sentence + "."


def _number(value: float, scale: float) -> str:
    """``value`` to three significant digits, or ``0`` if negligible next to ``scale``."""
    return f"{value:.3g}" if abs(value) > 1e-9 * abs(scale) else "0"


def _morris_lead(row: pd.Series, output_label: str, level: str) -> str:
    direction = ""
    if abs(row["mu"]) >= 0.9 * row["mu_star"] > 0:
        direction = f"; raising it {'raises' if row['mu'] > 0 else 'lowers'} the {output_label}"
    mu_star = row["mu_star"]
    return (
        f"{_capitalise(pretty_parameter(row['parameter']))} has the largest effect on the "
        f"{output_label}: moving it from the bottom to the top of its range shifts the "
        f"{output_label} by {_number(mu_star, mu_star)} on average (μ*; {level} CI "
        f"± {_number(row['mu_star_conf'], mu_star)}){direction}."
    )


def describe_morris(indices: pd.DataFrame, output_label: str = "continuity index") -> list[str]:
    """Two to four plain-language sentences on a Morris table.

    The sentences name the parameter with the largest mean absolute effect, the next ones,
    those that barely matter (μ* below :data:`MORRIS_NEGLIGIBLE` of the largest) and whether
    effects depend on the other parameters (σ above μ*).

    Args:
        indices: Output of :func:`morris_indices`.
        output_label: The analysed output in words.

    Returns:
        The sentences.

    """
    ranked = indices.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
    sentences = [_morris_lead(ranked.iloc[0], output_label, _conf_percent(indices))]
    floor = MORRIS_NEGLIGIBLE * ranked["mu_star"].iloc[0]
    rest = ranked.iloc[1:]
    next_up = rest[rest["mu_star"] >= floor].head(2)
    if len(next_up):
        parts = [
            f"{pretty_parameter(r.parameter)} (μ* {r.mu_star:.3g})" for r in next_up.itertuples()
        ]
        sentences.append(f"Next come {_join(parts)}.")
    minor = rest[rest["mu_star"] < floor]["parameter"]
    if len(minor):
        verb = "barely matters" if len(minor) == 1 else "barely matter"
        sentences.append(f"{_capitalise(_join([pretty_parameter(p) for p in minor]))} {verb}.")
    sentences.append(_morris_interactions(ranked[ranked["mu_star"] >= floor]))
    return sentences


def _effects_of(parameters: pd.Series) -> str:
    """``The effect of a`` or ``The effects of a and b``."""
    names = _join([pretty_parameter(p) for p in parameters])
    return f"The effect{'s' * (len(parameters) > 1)} of {names}"


def _morris_interactions(influential: pd.DataFrame) -> str:
    """How much the influential parameters' effects depend on the others (σ against μ*)."""
    ratio = influential["sigma"] / influential["mu_star"]
    strong = influential[ratio > 1]["parameter"]
    notable = influential[(ratio >= MORRIS_SPREAD) & (ratio <= 1)]["parameter"]
    if len(strong):
        verb = "depends" if len(strong) == 1 else "depend"
        return (
            f"{_effects_of(strong)} {verb} strongly on the other parameters (σ above μ*): "
            "interactions or non-linear effects dominate."
        )
    if len(notable):
        verb = "varies" if len(notable) == 1 else "vary"
        return (
            f"{_effects_of(notable)} {verb} noticeably with the other parameters (σ at least "
            f"{MORRIS_SPREAD:g} μ*): interactions or non-linear effects play a part."
        )
    return (
        f"Each influential parameter's effect is stable across the others (σ below {MORRIS_SPREAD:g}"
        " μ*), so interactions are modest."
    )
