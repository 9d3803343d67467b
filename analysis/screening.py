"""Screening tables: Morris rankings and Sobol' indices with intervals, and the noise rule.

:mod:`analysis.sensitivity` computes the indices of one output; this module turns them into the
tables docs/sensitivity.md quotes, for several outputs of one sweep:

* :func:`morris_ranking`: parameters by Morris ``mu_star`` with its bootstrap interval, ``sigma``,
  and the spread of ``mu_star`` over the seeds analysed one at a time (:func:`seed_spread`);
* :func:`sobol_table`: ``S1`` and ``ST`` with intervals and the interaction ``ST - S1`` with an
  interval of its own (the same bootstrap resamples, so the difference's spread is measured);
* :func:`verdict`: the noise rule. An index that is negative, or whose interval includes 0, is
  *noise* ("not distinguishable from 0"); ``ST - S1`` is called an interaction only if its
  interval excludes 0.

``python -m analysis.screening DIR`` prints the tables of a ``morris`` or ``sobol`` sweep for
:data:`OUTPUTS` (and writes them as CSV and Markdown with ``--out STEM``). It reads results;
it never runs the model.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.sensitivity import (
    SensitivityError,
    _plan_inputs,
    _problem,
    morris_indices,
    point_means,
    salib_sobol,
    short_parameter,
)

OUTPUTS = {
    "continuity_index": "continuity index M(T0+24)/M(T0−1)",
    "momentum_late": "late momentum (mean T0+66..T0+72)",
    "coalition_members_t24": "coalition members at T0+24",
    "min_momentum_ratio": "lowest momentum after T0 / M(T0−1)",
    "survived": "survival (share of seeds)",
}
"""The outputs screened, with their labels (columns of a sweep's ``runs.parquet``)."""

NOISE = "noise"
"""Verdict of an index that is negative or whose interval includes 0."""
CLEAR = "clear"
"""Verdict of an index whose interval lies above 0."""
INFLUENTIAL = 0.2
"""A parameter is influential on an output if its ``mu_star`` is at least this share of the
largest one and its interval lies above 0 (the rule that chose ``conf/experiment/sobol_top``)."""
SOBOL_INDICES = ("S1", "ST", "interaction")
"""The Sobol' columns judged by the noise rule (``interaction`` = ``ST - S1``)."""


def verdict(value: float, conf: float) -> str:
    """``'noise'`` if ``value`` is negative, not finite or its interval includes 0, else ``'clear'``.

    Args:
        value: The index (``mu_star``, ``S1``, ``ST`` or ``ST - S1``).
        conf: Half-width of its confidence interval (NaN counts as an unknown, i.e. noise).
    """
    if not np.isfinite(value) or not np.isfinite(conf) or value < 0 or value - conf <= 0:
        return NOISE
    return CLEAR


def add_verdicts(table: pd.DataFrame, indices: tuple[str, ...] = SOBOL_INDICES) -> pd.DataFrame:
    """``table`` with a ``<index>_verdict`` column (:func:`verdict`) for each of ``indices``.

    Args:
        table: One row per parameter with columns ``<index>`` and ``<index>_conf``.
        indices: The indices to judge (default ``S1``, ``ST`` and ``interaction``).
    """
    table = table.copy()
    for index in indices:
        table[f"{index}_verdict"] = [
            verdict(v, c) for v, c in zip(table[index], table[f"{index}_conf"], strict=True)
        ]
    return table


# --------------------------------------------------------------------------------------------
# Morris


def seed_spread(plan: dict[str, Any], runs: pd.DataFrame, output: str) -> pd.DataFrame:
    """``mu_star`` of each replication analysed alone: its minimum and maximum per parameter.

    With paired seeds every replication is a whole Morris sample, so the spread says how much
    the ranking owes to the seeds. Replications with a failed run are skipped.

    Returns:
        Columns ``parameter``, ``mu_star_seed_min``, ``mu_star_seed_max`` (NaN if no
        replication could be analysed alone).
    """
    problem = _problem(plan)
    x = _plan_inputs(plan, problem["names"])
    design = plan["design"]
    n = len(plan["points"])
    values = []
    for _, one in runs.groupby("replication"):
        try:
            y = point_means(one, output, n)
            table = morris_indices(problem, x, y, levels=int(design.get("levels", 4)))
        except SensitivityError:
            continue
        values.append(table["mu_star"].to_numpy())
    names = problem["names"]
    if not values:
        nan = np.full(len(names), np.nan)
        return pd.DataFrame({"parameter": names, "mu_star_seed_min": nan, "mu_star_seed_max": nan})
    stacked = np.vstack(values)
    return pd.DataFrame(
        {
            "parameter": names,
            "mu_star_seed_min": stacked.min(axis=0),
            "mu_star_seed_max": stacked.max(axis=0),
        }
    )


def morris_ranking(indices: pd.DataFrame, spread: pd.DataFrame | None = None) -> pd.DataFrame:
    """Parameters ranked by ``mu_star`` (largest first) with interval, verdict and share.

    Args:
        indices: Output of :func:`analysis.sensitivity.morris_indices`.
        spread: Optional output of :func:`seed_spread`, joined by parameter.

    Returns:
        Columns ``rank``, ``parameter``, ``mu_star``, ``mu_star_conf``, ``low``, ``high``,
        ``sigma``, ``mu``, ``relative`` (``mu_star`` / the largest), ``verdict`` and
        ``influential`` (:data:`INFLUENTIAL`), then the spread's columns if given.
    """
    ranked = indices.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
    top = float(ranked["mu_star"].max()) if len(ranked) else 0.0
    table = pd.DataFrame(
        {
            "rank": np.arange(1, len(ranked) + 1),
            "parameter": ranked["parameter"],
            "mu_star": ranked["mu_star"],
            "mu_star_conf": ranked["mu_star_conf"],
            "low": ranked["mu_star"] - ranked["mu_star_conf"],
            "high": ranked["mu_star"] + ranked["mu_star_conf"],
            "sigma": ranked["sigma"],
            "mu": ranked["mu"],
            "relative": ranked["mu_star"] / top if top > 0 else np.nan,
            "verdict": [
                verdict(v, c)
                for v, c in zip(ranked["mu_star"], ranked["mu_star_conf"], strict=True)
            ],
        }
    )
    table["influential"] = (table["verdict"] == CLEAR) & (table["relative"] >= INFLUENTIAL)
    if spread is not None:
        table = table.merge(spread, on="parameter", how="left")
    table.attrs.update(indices.attrs)
    return table


# --------------------------------------------------------------------------------------------
# Sobol'


def sobol_table(
    problem: dict[str, Any],
    y: np.ndarray,
    *,
    seed: int = 0,
    num_resamples: int = 1000,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """``S1``, ``ST`` and ``ST - S1`` with bootstrap intervals and verdicts, largest ST first.

    The interaction's interval comes from the same bootstrap resamples as ``S1`` and ``ST``
    (SALib draws one set of resampled rows for both), so it accounts for their correlation.

    Args:
        problem: SALib problem (``num_vars``, ``names``, ``bounds``).
        y: One output per point of a Sobol' sample drawn without second-order indices.
        seed: Seed of the bootstrap.
        num_resamples: Bootstrap resamples.
        conf_level: Confidence level of the intervals.

    Returns:
        One row per parameter: ``parameter``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf``,
        ``interaction``, ``interaction_conf``, ``S1_verdict``, ``ST_verdict`` and
        ``interaction_verdict``; the confidence level in ``attrs['conf_level']``.
    """
    from scipy.stats import norm

    names = list(problem["names"])
    result = salib_sobol(
        problem,
        y,
        second_order=False,
        seed=seed,
        num_resamples=num_resamples,
        conf_level=conf_level,
        keep_resamples=True,
    )
    z = norm.ppf(0.5 + conf_level / 2)
    gap = np.asarray(result["ST_conf_all"]) - np.asarray(result["S1_conf_all"])
    table = pd.DataFrame(
        {
            "parameter": names,
            "S1": np.asarray(result["S1"], float),
            "S1_conf": np.asarray(result["S1_conf"], float),
            "ST": np.asarray(result["ST"], float),
            "ST_conf": np.asarray(result["ST_conf"], float),
            "interaction": np.asarray(result["ST"], float) - np.asarray(result["S1"], float),
            "interaction_conf": z * np.nanstd(gap, axis=0, ddof=1),
        }
    )
    table = (
        add_verdicts(table).sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)
    )
    table.attrs["conf_level"] = conf_level
    return table


# --------------------------------------------------------------------------------------------
# A sweep -> tables


def load_sweep(sweep_dir: str | Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """A sweep's plan (``sweep.json``) and runs (``runs.parquet``)."""
    sweep_dir = Path(sweep_dir)
    plan = json.loads((sweep_dir / "sweep.json").read_text())
    return plan, pd.read_parquet(sweep_dir / "runs.parquet")


def noise_share(plan: dict[str, Any], runs: pd.DataFrame, output: str) -> float:
    """Seed noise left in the point means, as a share of their variance.

    The mean over points of (within-point variance / replications), over the variance of the
    point means: 0 = no seed noise; near 1 = the means are mostly noise.
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    values = ok[output].astype(float)
    groups = values.groupby(ok["point_id"])
    means = groups.mean()
    within = float((groups.var(ddof=1) / groups.count()).mean())
    between = float(means.var(ddof=1))
    return within / between if between > 0 else float("nan")


def screen(sweep_dir: str | Path, outputs: dict[str, str] | None = None) -> dict[str, Any]:
    """The table of each output of a ``morris`` or ``sobol`` sweep (a message if it has none).

    Returns:
        Output name → its table (:func:`morris_ranking` or :func:`sobol_table`), or the reason
        it cannot be analysed (e.g. constant at every point).
    """
    plan, runs = load_sweep(sweep_dir)
    kind = plan["design"]["kind"]
    if kind not in ("morris", "sobol"):
        raise SensitivityError(f"design kind {kind!r} has no screening indices")
    problem = _problem(plan)
    n = len(plan["points"])
    seed = int(plan["design"].get("seed", 0))
    tables: dict[str, Any] = {}
    for output in outputs or OUTPUTS:
        try:
            y = point_means(runs, output, n)
            if kind == "morris":
                x = _plan_inputs(plan, problem["names"])
                levels = int(plan["design"].get("levels", 4))
                indices = morris_indices(problem, x, y, levels=levels, seed=seed)
                table = morris_ranking(indices, seed_spread(plan, runs, output))
            else:
                table = sobol_table(problem, y, seed=seed)
            table.attrs["noise_share"] = noise_share(plan, runs, output)
            tables[output] = table
        except SensitivityError as exc:
            tables[output] = str(exc)
    return tables


def _fmt(value: float) -> str:
    return "n/a" if not np.isfinite(value) else f"{value:.3g}".replace("-", "−")


def markdown(table: pd.DataFrame, top: int | None = None) -> list[str]:
    """A Markdown table of a Morris ranking or a Sobol' table (``top`` rows, default all)."""
    rows = table.head(top) if top else table
    if "mu_star" in table.columns:
        header = ["rank", "parameter", "μ* [95 % CI]", "σ", "μ", "μ* / max", "seeds alone", ""]
        lines = [
            [
                str(r.rank),
                f"`{short_parameter(r.parameter)}`",
                f"{_fmt(r.mu_star)} [{_fmt(r.low)}, {_fmt(r.high)}]",
                _fmt(r.sigma),
                _fmt(r.mu),
                f"{r.relative:.2f}",
                f"{_fmt(getattr(r, 'mu_star_seed_min', np.nan))}–"
                f"{_fmt(getattr(r, 'mu_star_seed_max', np.nan))}",
                "noise" if r.verdict == NOISE else ("influential" if r.influential else ""),
            ]
            for r in rows.itertuples()
        ]
    else:
        header = ["parameter", "S1 [95 % CI]", "ST [95 % CI]", "ST − S1 [95 % CI]", "reading"]
        lines = [
            [
                f"`{short_parameter(r.parameter)}`",
                _interval(r.S1, r.S1_conf, r.S1_verdict),
                _interval(r.ST, r.ST_conf, r.ST_verdict),
                _interval(r.interaction, r.interaction_conf, r.interaction_verdict),
                _reading(r),
            ]
            for r in rows.itertuples()
        ]
    if "mu_star" in table.columns:
        rule = ["---:", "---", "---:", "---:", "---:", "---:", "---:", "---"]
    else:
        rule = ["---", "---:", "---:", "---:", "---"]
    return ["| " + " | ".join(c) + " |" for c in (header, rule, *lines)]


def _interval(value: float, conf: float, flag: str) -> str:
    text = f"{_fmt(value)} [{_fmt(value - conf)}, {_fmt(value + conf)}]"
    return f"{text} (noise)" if flag == NOISE else text


def _reading(r: Any) -> str:
    """One phrase per Sobol' row: what the intervals allow one to say."""
    if r.ST_verdict == NOISE:
        return "not distinguishable from 0"
    words = "acts alone" if r.S1_verdict == CLEAR else "no first-order effect distinguishable"
    if r.interaction_verdict == CLEAR:
        return f"{words}; interactions (ST − S1 > 0)"
    return f"{words}; no interaction distinguishable"


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.screening DIR [--out STEM] [--top N]``: print (and save) the tables."""
    parser = argparse.ArgumentParser(prog="python -m analysis.screening", description=__doc__)
    parser.add_argument("sweep_dir")
    parser.add_argument(
        "--out", help="write STEM_<output>.csv and a Markdown table (STEM with the suffix .md)"
    )
    parser.add_argument("--top", type=int, default=None, help="rows per Markdown table")
    args = parser.parse_args(argv)
    tables = screen(args.sweep_dir)
    lines: list[str] = []
    for output, table in tables.items():
        lines += ["", f"### {OUTPUTS.get(output, output)} (`{output}`)", ""]
        if isinstance(table, str):
            lines.append(f"Not analysed: {table}.")
            continue
        share = table.attrs.get("noise_share", float("nan"))
        noise = (
            f"Seed noise left in the point means: {_fmt(share)} of their variance."
            if np.isfinite(share)
            else "One seed per point: seed noise is inside the indices and their intervals."
        )
        lines += [
            noise,
            "",
            *markdown(table, args.top),
        ]
        if args.out:
            table.to_csv(f"{args.out}_{output}.csv", index=False)
    text = "\n".join(lines) + "\n"
    if args.out:
        Path(f"{args.out}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
