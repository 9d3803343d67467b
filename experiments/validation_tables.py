"""The tables of ``continuity validate``: pattern shares, negative controls, paired differences.

A pattern passes when it holds in at least ``threshold`` of the baseline seeds. A turnover-caused
pattern's negative control passes when the pattern fails in at least ``control_threshold`` of the
control seeds (the same scenario without the turnover and cut, on the same seeds).

Counterfactuals are compared with the baseline run on the same seed (common random numbers):
per seed, difference = counterfactual − baseline; over seeds, the mean difference with a 95 %
Student-t interval (n − 1 degrees of freedom). Seeds where either run has no value of the metric
(e.g. a null continuity index) are left out of that metric's comparison.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy import stats

if TYPE_CHECKING:  # pragma: no cover
    from experiments.pattern_spec import PatternSpec
    from experiments.validate import Validation


@dataclass(frozen=True)
class Expectation:
    """Which way a counterfactual should move which metric, and whether it is required."""

    metric: str
    direction: Literal["lower", "higher"]
    required: bool = True


COUNTERFACTUALS: dict[str, Expectation] = {
    "no_coalition": Expectation("momentum_late", "lower"),
    "law_before_turnover": Expectation("continuity_index", "higher"),
    "deep_cut": Expectation("continuity_index", "lower"),
    "no_turnover": Expectation("continuity_index", "higher", required=False),
}
"""The counterfactuals of ``conf/counterfactual/`` and their expected direction
(docs/validation.md; ``no_turnover`` is shown for reference). The counterfactuals do not decide
the exit code."""

BASELINE = "baseline"
"""The variant name of the scenario without a counterfactual."""

METRICS = ("momentum_late", "continuity_index")
"""The metrics compared between counterfactual and baseline (``momentum_late``: the spec's
window of mean momentum, T0+66..T0+72 for Mexico)."""

_FORMATS = {"momentum_late": ".1f", "momentum_2024": ".1f", "continuity_index": ".3f"}


def mean_interval(values: Sequence[float] | np.ndarray, level: float = 0.95) -> tuple[float, ...]:
    """Mean with a Student-t confidence interval (``scipy.stats.ttest_1samp``).

    Args:
        values: The sample (NaN entries are dropped).
        level: Confidence level of the two-sided interval.

    Returns:
        ``(mean, low, high)``; the interval is NaN with fewer than two values, all three are NaN
        with none; a sample without spread has a zero-width interval.

    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(x.mean())
    if n == 1:
        return (mean, math.nan, math.nan)
    if np.all(x == x[0]):
        return (mean, mean, mean)
    low, high = stats.ttest_1samp(x, 0.0).confidence_interval(level)
    return (mean, float(low), float(high))


def pattern_table(
    pattern_runs: pd.DataFrame,
    spec: PatternSpec,
    threshold: float,
    control_threshold: float = 0.8,
) -> pd.DataFrame:
    """Share of baseline seeds in which each pattern holds, and of control seeds.

    Args:
        pattern_runs: One row per variant × seed × pattern: ``variant``, ``seed``, ``pattern``,
            ``held``; variants ``baseline`` and the spec's control.
        spec: The case's patterns (their order, text and cause).
        threshold: The share of baseline seeds every pattern must reach.
        control_threshold: The share of control seeds in which every turnover-caused pattern
            must fail.

    Returns:
        One row per pattern of the spec, in order: ``number``, ``name``, ``text``,
        ``turnover_caused``, ``held``, ``n``, ``share``, ``passed`` (baseline), then
        ``control_held``, ``control_n``, ``control_share`` (the share of control seeds in which
        the pattern holds) and ``control_passed`` (the pattern fails in ≥ ``control_threshold``
        of them; missing for a pattern that is not turnover-caused or without control runs).

    """
    rows = []
    for p in spec.patterns:
        mine = pattern_runs[pattern_runs["pattern"] == p.name]
        held = mine.loc[mine["variant"] == BASELINE, "held"]
        n, k = len(held), int(held.sum())
        share = k / n if n else math.nan
        control = mine.loc[mine["variant"] == spec.control, "held"]
        cn, ck = len(control), int(control.sum())
        cshare = ck / cn if cn else math.nan
        cpassed = None
        if p.turnover_caused and cn:
            cpassed = bool(1.0 - cshare >= control_threshold - 1e-12)
        rows.append(
            {"number": p.number, "name": p.name, "text": p.text}
            | {"turnover_caused": p.turnover_caused, "held": k, "n": n, "share": share}
            | {"passed": bool(n and share >= threshold - 1e-12)}
            | {"control_held": ck, "control_n": cn, "control_share": cshare}
            | {"control_passed": cpassed}
        )
    table = pd.DataFrame(rows)
    table["control_passed"] = table["control_passed"].astype("boolean")
    return table


def compare(runs: pd.DataFrame, counterfactuals: Sequence[str], baseline: str) -> pd.DataFrame:
    """Paired differences counterfactual − baseline of each metric, by seed.

    Args:
        runs: One row per variant × seed with the :data:`METRICS`.
        counterfactuals: The counterfactual variants to compare, in order.
        baseline: The baseline's variant name.

    Returns:
        One row per counterfactual × metric: ``counterfactual``, ``metric``, ``baseline_mean``,
        ``counterfactual_mean``, ``difference`` (mean paired difference), ``ci_low``,
        ``ci_high`` (95 %), ``n`` (seeds paired), ``expected`` (``lower``/``higher`` for the
        metric the counterfactual is about, else missing) and ``holds`` (the interval lies
        entirely on the expected side of zero; missing where nothing is expected).

    """
    base = runs[runs["variant"] == baseline].set_index("seed")
    rows = []
    for name in counterfactuals:
        other = runs[runs["variant"] == name].set_index("seed")
        expectation = COUNTERFACTUALS.get(name)
        for metric in METRICS:
            diff = (other[metric] - base[metric]).dropna()
            mean, low, high = mean_interval(diff.to_numpy())
            expected = (
                expectation.direction if expectation and expectation.metric == metric else None
            )
            holds = None
            if expected is not None:
                holds = bool(high < 0) if expected == "lower" else bool(low > 0)
            rows.append(
                {
                    "counterfactual": name,
                    "metric": metric,
                    "baseline_mean": _mean(base[metric]),
                    "counterfactual_mean": _mean(other[metric]),
                    "difference": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "n": len(diff),
                    "expected": expected,
                    "holds": holds,
                }
            )
    columns = ["counterfactual", "metric", "baseline_mean", "counterfactual_mean", "difference"]
    columns += ["ci_low", "ci_high", "n", "expected", "holds"]
    return pd.DataFrame(rows, columns=columns)


def _mean(values: pd.Series) -> float:
    x = values.to_numpy(dtype=float)
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else math.nan


# --------------------------------------------------------------------------- rendering
def _pct(share: float) -> str:
    return f"{100 * share:.0f} %"


def _number(value: float, fmt: str) -> str:
    return "n/a" if not np.isfinite(value) else format(value, fmt).replace("-", "−")


def _interval(row: pd.Series, metric: str) -> str:
    fmt = _FORMATS.get(metric, ".3g")
    low, high = row["ci_low"], row["ci_high"]
    band = f"[{_number(low, fmt)}, {_number(high, fmt)}]" if np.isfinite(low) else "[n/a]"
    return f"{_number(row['difference'], fmt)} {band}"


def pattern_rows(v: Validation) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the pattern table, as text cells.

    Columns: the baseline's share and verdict, then the negative control's share of seeds in
    which the pattern (wrongly) holds and its verdict (only for turnover-caused patterns).
    """
    control = v.spec.control
    header = ["#", "pattern (docs/validation.md)", "holds in", "share"]
    header += [f"≥ {_pct(v.options.threshold)}", f"holds in {control}"]
    header += [f"fails in ≥ {_pct(v.options.control_threshold)}"]
    rows = []
    for r in v.patterns.itertuples():
        cells = [str(r.number), r.text + (" ‡" if r.turnover_caused else "")]
        cells += [f"{r.held}/{r.n}", f"{r.share:.2f}", "pass" if r.passed else "FAIL"]
        cells += [f"{r.control_held}/{r.control_n}" if r.control_n else "—"]
        cells += ["—" if pd.isna(r.control_passed) else ("pass" if r.control_passed else "FAIL")]
        rows.append(cells)
    return header, rows


def counterfactual_rows(v: Validation) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the counterfactual table, as text cells."""
    header = ["counterfactual", "expected", *(f"Δ {m} [95 % CI]" for m in METRICS), "as expected"]
    rows = []
    for name in v.options.counterfactuals:
        part = v.comparisons[v.comparisons["counterfactual"] == name].set_index("metric")
        expectation = COUNTERFACTUALS.get(name)
        expected, verdict = "—", "—"
        if expectation is not None:
            mark = "" if expectation.required else " †"
            expected = f"{expectation.metric} {expectation.direction}{mark}"
            verdict = "yes" if part.loc[expectation.metric, "holds"] else "no"
        cells = [_interval(part.loc[m], m) for m in METRICS]
        rows.append([name, expected, *cells, verdict])
    return header, rows


def baseline_line(v: Validation) -> str:
    """The baseline means of the metrics, for scale."""
    base = v.runs[v.runs["variant"] == BASELINE]
    parts = [f"{m} {_number(_mean(base[m]), _FORMATS[m])}" for m in METRICS]
    return f"Baseline means over {len(base)} seeds: " + ", ".join(parts)


def verdict(v: Validation) -> str:
    """One line: patterns, negative controls, and how many counterfactuals move as expected."""
    failed, control = v.failed, v.control_failed
    parts = []
    if failed.empty:
        parts.append(
            f"all {len(v.patterns)} patterns hold in ≥ {_pct(v.options.threshold)} of seeds"
        )
    else:
        names = ", ".join(f"{r.number} ({r.name})" for r in failed.itertuples())
        parts.append(f"patterns {names} hold in fewer than {_pct(v.options.threshold)} of seeds")
    caused = int(v.patterns["turnover_caused"].sum())
    if control.empty:
        parts.append(
            f"all {caused} {_caused_word(v)} patterns fail without {v.spec.control_removes} "
            f"({v.spec.control}) in ≥ {_pct(v.options.control_threshold)} of seeds"
        )
    else:
        names = ", ".join(f"{r.number} ({r.name})" for r in control.itertuples())
        parts.append(
            f"negative controls {names} fail in fewer than "
            f"{_pct(v.options.control_threshold)} of the {v.spec.control} seeds"
        )
    line = ("PASS: " if v.exit_code == 0 else "FAIL: ") + "; ".join(parts)
    judged = v.comparisons.dropna(subset=["expected"])
    if len(judged):
        line += f"; counterfactuals as expected: {int(judged['holds'].sum())} of {len(judged)}"
    return line + "."


def _footnotes(v: Validation) -> list[str]:
    late = v.spec.metrics.get("momentum_late")
    notes = [
        "Δ = counterfactual − baseline on the same seed: mean over seeds, 95 % t-interval.",
        f"momentum_late = mean monthly total momentum over {late}; "
        "continuity_index = M(T0+24)/M(T0−1).",
        "as expected = the interval lies entirely on the expected side of zero.",
        v.uncertainty,
    ]
    if any(
        not COUNTERFACTUALS[n].required for n in v.options.counterfactuals if n in COUNTERFACTUALS
    ):
        notes.append("† shown for reference; not a required direction (docs/validation.md).")
    return notes


def _parameters(v: Validation) -> str:
    """Where the behavioural parameters come from: the config, or posterior draws."""
    if v.posterior is None:
        return "fixed (the config's values)"
    draws = v.runs["posterior_particle"].nunique()
    return (
        f"drawn from the posterior `{v.posterior}` (`params=posterior`, docs/posterior.md): "
        f"{draws} distinct particles, one per seed, the same in every variant"
    )


def _spec_path(v: Validation) -> str:
    """The spec's path from the configuration root it lives in (e.g. conf/patterns/mexico.yaml)."""
    parts = v.spec.path.parts
    if "conf" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("conf") :])
    return f"patterns/{v.spec.path.name}"


def _caused_word(v: Validation) -> str:
    """How the patterns the control must fail are called: turnover-caused, or control-checked."""
    return "turnover-caused" if v.spec.control == "no_turnover" else "control-checked"


def _pattern_notes(v: Validation) -> list[str]:
    return [
        f"‡ {_caused_word(v)}: the negative control ({v.spec.control}: the same scenario without "
        f"{v.spec.control_removes}, same seeds) must fail it in "
        f"≥ {_pct(v.options.control_threshold)} of seeds; 'holds in {v.spec.control}' counts the "
        "seeds in which it wrongly holds without its cause.",
        "Windows are months from T0 (the first turnover at or after the launch) or from the "
        "launch.",
    ]


def _aligned(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(c) for c in col) for col in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        out = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _seeds(v: Validation) -> str:
    seeds = v.options.seed_list
    return f"{len(seeds)} seeds ({seeds[0]}..{seeds[-1]})"


def format_text(v: Validation) -> str:
    """The terminal report: both tables aligned, the verdict and the output directory."""
    lines = [f"Continuity validation — case {v.spec.case}, {_seeds(v)}, T0 {v.t0}", ""]
    header, rows = pattern_rows(v)
    lines += ["Patterns (share of seeds in which each holds) and negative controls"]
    lines += [*_aligned(header, rows, {0, 2, 3, 5}), *_pattern_notes(v)]
    if v.options.counterfactuals:
        header, rows = counterfactual_rows(v)
        lines += ["", "Counterfactuals against the baseline (paired by seed)"]
        lines += [*_aligned(header, rows, {2, 3}), baseline_line(v), *_footnotes(v)]
    lines += ["", verdict(v), f"Results in {v.options.out}: {', '.join(p.name for p in v.files)}"]
    return "\n".join(lines)


def _markdown(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    rule = ["---:" if i in right else "---" for i in range(len(header))]
    return ["| " + " | ".join(cells) + " |" for cells in (header, rule, *rows)]


def format_markdown(v: Validation) -> str:
    """``validation.md``: settings, both tables, the figure and the verdict."""
    overrides = ", ".join(f"`{o}`" for o in v.options.overrides) or "none"
    lines = [
        f"# Validation of the {v.spec.case} case",
        "",
        f"- Seeds: {_seeds(v)}, the same for every variant (common random numbers)",
        f"- Config overrides (every variant): {overrides}",
        f"- Counterfactuals: {', '.join(v.options.counterfactuals) or 'none'}",
        f"- Threshold: every pattern in ≥ {_pct(v.options.threshold)} of seeds; T0 = {v.t0}",
        f"- Negative control: `{v.spec.control}` (without {v.spec.control_removes}); every "
        f"{_caused_word(v)} pattern must fail in "
        f"≥ {_pct(v.options.control_threshold)} of its seeds",
        f"- Pattern spec: `{_spec_path(v)}` (docs/validation.md, docs/cases.md)",
        f"- Parameters: {_parameters(v)}",
        "",
        "## Patterns and negative controls",
        "",
    ]
    header, rows = pattern_rows(v)
    lines += [*_markdown(header, rows, {0, 2, 3, 5}), ""]
    lines += [f"{n}  " for n in _pattern_notes(v)]
    if v.options.counterfactuals:
        header, rows = counterfactual_rows(v)
        lines += ["", "## Counterfactuals against the baseline", ""]
        lines += [*_markdown(header, rows, {2, 3}), "", baseline_line(v) + ".", ""]
        lines += [f"{n}  " for n in _footnotes(v)]
    lines += ["", "![Momentum: baseline and counterfactuals](validation.png)", ""]
    lines += [f"**Verdict:** {verdict(v)}", ""]
    return "\n".join(lines)
