"""The report's sections: each decides whether the data fit it, then draws and reads its figure.

A section builder takes the :class:`~analysis.results.Results`, the output directory and the
report options, and returns a :class:`Section` (figures + plain-language reading) or raises
:class:`Skip` with the reason the data do not fit it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.heatmap import (
    METRIC_LABELS,
    describe_heatmap,
    heatmap_table,
    plot_heatmap,
)
from analysis.labels import pretty_key, tactic_words
from analysis.results import Results, common_value, varying_keys

MAX_GRID_LEVELS = 30
"""A swept key with at most this many values counts as a grid axis (for the heatmap)."""


class Skip(Exception):
    """The data do not fit a section; the message says why, in plain words."""


@dataclass
class Section:
    """One part of the report."""

    key: str
    title: str
    figures: list[Path] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    caption: str = ""


@dataclass
class Options:
    """What the user chose: the metric to compare and the collapse rule for discovery."""

    value: str = "continuity_index"
    outcome: str | None = None


# --------------------------------------------------------------------------- overview
def overview(res: Results, out: Path, opt: Options) -> Section:
    """What was run, and the headline numbers."""
    ok = res.ok_runs
    text = []
    if res.kind == "sweep":
        d = res.plan["design"]
        keys = ", ".join(pretty_key(k) for k in d["parameters"]) or "no parameter"
        text.append(
            f"A {d['kind']} design over {keys}: {len(res.plan['points'])} parameter combinations "
            f"× {d['replications']} seeds = {len(res.runs)} runs; {len(ok)} finished"
            + (f", {len(res.runs) - len(ok)} failed." if len(ok) < len(res.runs) else ".")
        )
    else:
        text.append(f"One run, seed {ok['seed'].iloc[0]}, tactics: {ok['tactics'].iloc[0]}.")
    v = ok[opt.value].astype(float)
    name = METRIC_LABELS.get(opt.value, opt.value)
    if len(v) > 1:
        lo, hi = np.percentile(v, [5, 95])
        text.append(f"Median {name}: {v.median():.2f} (5–95 % of runs: {lo:.2f} to {hi:.2f}).")
        text.append(res.uncertainty.replace("Intervals include", "Ranges and intervals include"))
    else:
        text.append(f"The {name} is {v.iloc[0]:.2f}.")
        particle = ok["posterior_particle"].iloc[0] if "posterior_particle" in ok else None
        if particle is not None and particle == particle:
            text.append(f"Its behavioural parameters are posterior particle {int(particle)}.")
    if "survived" in ok.columns:
        text.append(
            f"The strategy survived (its final momentum stayed above the survival threshold, a "
            f"share of its pre-turnover level) in {ok['survived'].mean():.0%} of runs."
        )
    return Section("overview", TITLES["overview"], text=text)


# --------------------------------------------------------------------------- trajectories
def _turnovers(runs: pd.DataFrame) -> list[str]:
    value = common_value(runs, "turnovers")
    return [t for t in str(value).split(",") if t] if value else []


def trajectory_groups(res: Results, opt: Options) -> tuple[pd.Series, list[str], str]:
    """Pick the groups to draw: ``run_id → label``, their order, and a caption."""
    ok = res.ok_runs
    keys = varying_keys(res)
    if res.kind == "run" or not keys:
        label = "this run" if res.kind == "run" else "all runs"
        return pd.Series(label, index=ok["run_id"]), [label], ""
    if "tactics" in keys and (ok["tactics"] == "none").any():
        from analysis.tactic_effects import tactic_effects

        eff = tactic_effects(ok, opt.value, paired=res.plan["design"].get("paired", False))
        picks = ["none"]
        picks += list(eff[eff["tactic_count"] == 1]["tactics"].head(1))
        picks += list(eff[eff["tactic_count"] > 1]["tactics"].head(1))
        names = {p: _tactic_words(p) for p in picks}
        sel = ok[ok["tactics"].isin(picks)]
        groups = sel.set_index("run_id")["tactics"].map(names)
        caption = "The baseline, the best single tactic and the best combination."
        return groups, [names[p] for p in picks], caption
    means = ok.groupby("point_id")[opt.value].mean().sort_values()
    chosen = {
        means.index[-1]: "most favourable",
        means.index[len(means) // 2]: "median",
        means.index[0]: "least favourable",
    }
    labels = ok.drop_duplicates("point_id").set_index("point_id")["label"]
    names = {p: f"{w} combination" for p, w in chosen.items()}
    sel = ok[ok["point_id"].isin(chosen)]
    groups = sel.set_index("run_id")["point_id"].map(names)
    metric = METRIC_LABELS.get(opt.value, opt.value).split(" (")[0]
    caption = (
        f"The parameter combinations with the highest, the median and the lowest mean {metric}: "
    )
    caption += "; ".join(f"{names[p]}: {_short_label(labels[p])}" for p in chosen) + "."
    return groups, list(names.values()), caption


def _tactic_words(tactics: str) -> str:
    return "baseline (no tactic)" if tactics == "none" else tactic_words(tactics)


def _short_label(label: str) -> str:
    parts = []
    for item in str(label).split(", "):
        key, _, value = item.partition("=")
        parts.append(f"{pretty_key(key)} {value}")
    return ", ".join(parts)


def trajectories(res: Results, out: Path, opt: Options) -> Section:
    """Momentum over time, total and per pillar, with bands over seeds."""
    from analysis.trajectories import PILLARS, band_table, describe_trajectories, plot_trajectories

    if not res.has_timeseries:
        raise Skip("no monthly time series was stored (sweep.timeseries=false)")
    groups, order, caption = trajectory_groups(res, opt)
    ts = res.series(list(PILLARS))
    ts = ts[ts["run_id"].isin(groups.index)]
    ok = res.ok_runs.set_index("run_id")
    marks = {g: _turnovers(ok.loc[ids.index].reset_index()) for g, ids in groups.groupby(groups)}
    runs = ok.loc[groups.index].reset_index()
    figures = plot_trajectories(
        ts,
        out / "trajectories",
        groups=groups,
        order=order,
        turnovers=marks,
        cut_start=common_value(runs, "funding_cut_start"),
    )
    references = {
        g: common_value(ok.loc[ids.index].reset_index(), "reference_date")
        for g, ids in groups.groupby(groups)
    }
    text = describe_trajectories(band_table(ts, groups), references)
    if res.kind == "run":
        text.append(
            "One run has no uncertainty band: sweep seeds with "
            "'continuity sweep experiment=replications' to see the spread."
        )
    return Section("trajectories", TITLES["trajectories"], figures, text, caption)


# --------------------------------------------------------------------------- contributions
def contributions(res: Results, out: Path, opt: Options) -> Section:
    """Who carries the strategy: momentum by actor type over time."""
    from analysis.contributions import (
        contribution_table,
        describe_contributions,
        plot_contributions,
    )
    from analysis.theme import CONTRIBUTION_TYPES

    if not res.has_timeseries:
        raise Skip("no monthly time series was stored (sweep.timeseries=false)")
    ok = res.ok_runs
    caption = ""
    if "tactics" in varying_keys(res) and (ok["tactics"] == "none").any():
        ok, caption = ok[ok["tactics"] == "none"], "Baseline runs (no tactic in force)."
    reference = _main_reference(res, ok)
    if reference is not None and ok["reference_date"].nunique() > 1:
        ok = ok[ok["reference_date"] == reference]
        caption += f" Runs whose first turnover is {reference} ({len(ok)} runs)."
    ts = res.series(list(CONTRIBUTION_TYPES))
    table = contribution_table(ts[ts["run_id"].isin(ok["run_id"])])
    figures = plot_contributions(
        table,
        out / "contributions",
        turnovers=_turnovers(ok),
        cut_start=common_value(ok, "funding_cut_start"),
        runs=len(ok),
    )
    text = describe_contributions(table, reference)
    return Section("contributions", TITLES["contributions"], figures, text, caption.strip())


def _main_reference(res: Results, runs: pd.DataFrame) -> str | None:
    """The most common T0; ties go to the scenario's own reference date, else the earliest."""
    if "reference_date" not in runs.columns or runs["reference_date"].isna().all():
        return None
    counts = runs["reference_date"].value_counts()
    tied = sorted(counts[counts == counts.max()].index)
    own = (res.plan or {}).get("bases", [{}])[0].get("scenario", {}).get("reference_date")
    return own if own in tied else tied[0]


# --------------------------------------------------------------------------- heatmap
def heatmap(res: Results, out: Path, opt: Options) -> Section:
    """The continuity heatmap over the two swept keys of a grid."""
    if res.kind != "sweep":
        raise Skip("needs a sweep over two keys (this is a single run)")
    keys = [k for k in varying_keys(res) if k != "tactics"]
    kind = res.plan["design"]["kind"]
    if kind != "grid":
        raise Skip(f"needs two swept keys on a grid; this {kind} design samples continuous values")
    grid = [k for k in keys if res.ok_runs[k].nunique() <= MAX_GRID_LEVELS]
    if len(grid) < 2:
        varied = ", ".join(map(pretty_key, varying_keys(res))) or "nothing"
        raise Skip(
            f"needs two swept keys on a grid (besides the tactics); this grid varies {varied}"
        )
    x, y = sorted(grid[:2], key=lambda k: -res.ok_runs[k].nunique())
    figures = plot_heatmap(res.ok_runs, x, y, out / "heatmap", value=opt.value)
    text = describe_heatmap(heatmap_table(res.ok_runs, x, y, opt.value), x, y, opt.value)
    others = [k for k in keys if k not in (x, y)]
    caption = f"Averaged over {', '.join(map(pretty_key, others))}." if others else ""
    return Section("heatmap", TITLES["heatmap"], figures, text, caption)


# --------------------------------------------------------------------------- tactics
def tactics(res: Results, out: Path, opt: Options) -> Section:
    """Each tactic set's effect against the baseline, paired by seed."""
    from analysis.tactic_effects import describe_tactic_effects, plot_tactic_effects, tactic_effects

    if "tactics" not in varying_keys(res):
        raise Skip("the sweep does not vary the tactics")
    if not (res.ok_runs["tactics"] == "none").any():
        raise Skip("no baseline runs (tactics=none) to compare against")
    paired = bool(res.plan["design"].get("paired", False))
    eff = tactic_effects(res.ok_runs, opt.value, paired=paired)
    figures = plot_tactic_effects(eff, out / "tactics", value=opt.value)
    text = describe_tactic_effects(eff, opt.value)
    caption = "Effects are differences from the baseline over the same seeds. " if paired else ""
    caption += res.uncertainty
    return Section("tactics", TITLES["tactics"], figures, text, caption)


# --------------------------------------------------------------------------- sensitivity
def sensitivity(res: Results, out: Path, opt: Options) -> Section:
    """Sobol' or Morris indices of the swept parameters (SALib)."""
    from analysis import sensitivity as sa

    if res.kind != "sweep" or res.plan["design"]["kind"] not in ("sobol", "morris"):
        kind = res.plan["design"]["kind"] if res.kind == "sweep" else "a single run"
        raise Skip(f"needs a Sobol' or Morris design (this is {kind})")
    try:
        kind, indices = sa.analyse_sweep(res.plan, res.runs, opt.value)
    except sa.SensitivityError as exc:
        raise Skip(str(exc)) from None
    label = METRIC_LABELS.get(opt.value, opt.value).split(" (")[0]
    if kind == "sobol":
        figures = sa.plot_sobol(indices, out / "sensitivity", output_label=label)
        text = sa.describe_sobol(indices, label)
    else:
        from analysis.screening import morris_ranking
        from analysis.screening_figure import plot_ranking

        ranking = morris_ranking(indices)
        figures = plot_ranking(ranking, out / "sensitivity_ranking", output_label=label)
        figures += sa.plot_morris(indices, out / "sensitivity", output_label=label)
        text = sa.describe_morris(indices, label)
        ranking.to_csv(out / "sensitivity_ranking.csv", index=False)
    indices.to_csv(out / "sensitivity.csv", index=False)
    caption = "Indices with 95 % bootstrap intervals; the table is in sensitivity.csv."
    return Section("sensitivity", TITLES["sensitivity"], figures, text, caption)


# --------------------------------------------------------------------------- discovery
def discovery(res: Results, out: Path, opt: Options) -> Section:
    """Scenario discovery: the ranges that separate collapse from survival."""
    from analysis import discovery as sd

    keys = varying_keys(res)
    if res.kind != "sweep" or not keys:
        raise Skip("needs a sweep that varies at least one key")
    ok = res.ok_runs
    text = []
    if opt.outcome:
        outcome = sd.parse_outcome(opt.outcome)
    else:
        outcome = sd.parse_outcome("survived")
        collapsed = int(outcome.collapsed(ok).sum())
        if min(collapsed, len(ok) - collapsed) < 5:
            text.append(
                f"The strategy survived in {len(ok) - collapsed} of {len(ok)} runs, too few "
                "collapses to separate; this section looks instead at runs whose momentum two "
                "years after the turnover is below its level the month before "
                "(continuity index below 1). Choose another rule with outcome=..."
            )
            outcome = sd.parse_outcome("continuity_index<1")
    try:
        found = sd.discover(ok, keys, outcome)
    except sd.DiscoveryError as exc:
        raise Skip(str(exc)) from None
    figures = sd.plot_discovery(ok, found, out / "discovery")
    text += sd.describe_discovery(found)
    caption = "A shallow decision tree (scikit-learn) read as boxes of parameter ranges."
    return Section("discovery", TITLES["discovery"], figures, text, caption)


# --------------------------------------------------------------------------- network
def network(res: Results, out: Path, opt: Options) -> Section:
    """The stakeholder network coloured by actor type and commitment."""
    from analysis.network_figure import describe_network, plot_network

    if res.nodes is None:
        raise Skip(
            "no network tables in the directory (network_nodes.parquet, network_edges.parquet); "
            "results made before they were written need a new run"
        )
    figures = plot_network(res.nodes, res.edges, out / "network")
    caption = "The first run's network." if res.kind == "sweep" else ""
    text = describe_network(res.nodes, res.edges)
    return Section("network", TITLES["network"], figures, text, caption)


BUILDERS = {
    "overview": overview,
    "trajectories": trajectories,
    "contributions": contributions,
    "heatmap": heatmap,
    "tactics": tactics,
    "sensitivity": sensitivity,
    "discovery": discovery,
    "network": network,
}
"""Every section, in report order."""

TITLES = {
    "overview": "What was run",
    "trajectories": "Momentum over time",
    "contributions": "Who carries the strategy",
    "heatmap": "Where the strategy keeps its momentum",
    "tactics": "Which tactics buy continuity",
    "sensitivity": "Which parameters drive continuity",
    "discovery": "When does the strategy lose ground?",
    "network": "The stakeholder network",
}
"""Section titles, also used for skipped sections."""
