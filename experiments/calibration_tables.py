"""The Markdown tables of ``python -m experiments.calibrate``: pattern shares, targets, sweep.

The input is one row per variant × seed with a bool column per pattern of the case's spec
(:mod:`experiments.pattern_spec`) and a column per target (:data:`TARGETS`). Targets are read in
months relative to T0 (the first turnover at or after the launch): for Mexico T0+24 = 2020-12,
T0+72 = 2024-12.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from experiments.pattern_windows import parse_point, parse_window
from experiments.patterns import NONSTATE, Run
from experiments.validate import window_mean

if TYPE_CHECKING:  # pragma: no cover
    from experiments.calibrate import Variant
    from experiments.pattern_spec import PatternSpec


@dataclass(frozen=True)
class Target:
    """A statistic of one run that the calibration watched, and the range the patterns want.

    Attributes:
        name: Column name.
        label: What it is (with the month it is read in).
        wanted: The range in words (pattern number), or "—" for a diagnostic.
        low: Lower bound of the wanted range (inclusive), if any.
        high: Upper bound (inclusive), if any.
        fmt: Number format.

    """

    name: str
    label: str
    wanted: str
    low: float | None = None
    high: float | None = None
    fmt: str = ".2f"

    @property
    def bounded(self) -> bool:
        """Whether the share of seeds in range is meaningful."""
        return self.low is not None or self.high is not None


TARGETS: tuple[Target, ...] = (
    Target("members_2020", "coalition members, T0+24", "100–130 (4)", 100, 130, ".1f"),
    Target("nonstate_before", "non-state share of momentum, mean T0−12..T0−1", "—"),
    Target("nonstate_after", "non-state share of momentum, mean T0+1..T0+24", "> 0.5 (5)", 0.5),
    Target("federal_share_t0", "federal share of momentum, T0−1", "—"),
    Target("collapse_lag", "months T0 → federal effort ≤ 30 % of peak", "≤ 5 (2)", 0, 5, ".1f"),
    Target("continuity_index", "continuity index M(T0+24)/M(T0−1)", "≥ 0.4 (3)", 0.4, None, ".3f"),
    Target("momentum_late", "mean momentum over T0+66..T0+72", "—", fmt=".1f"),
    Target("states_ever_2024", "states ever with an AI office, T0+72", "1–10 (6)", 1, 10, ".1f"),
    Target("bills_before_t0", "bills introduced before T0", "—", fmt=".1f"),
    Target("bills_t0_2024", "bills introduced T0..T0+72", "≥ 1 (7)", 1, fmt=".1f"),
    Target("law_by_2024", "an AI law in force by T0+72 (0/1)", "0 (7)", 0, 0),
    Target("guidance_t0_2024", "DPA guidance documents T0..T0+72", "≥ 2 (8)", 2, fmt=".1f"),
    Target("commitments", "international commitments made (of 3)", "3 (seed 000)", 3, 3),
)
"""The calibration targets; a number in brackets is the pattern the range comes from. (Column
names ending in 2020/2024 are those of earlier versions, now read at T0+24 / T0+72.)"""

_AT = {k: parse_point(k) for k in ("T0-1", "T0+24", "T0+72")}
_WINDOWS = {
    k: parse_window(k) for k in ("T0-12..T0-1", "T0+1..T0+24", "start..T0+72", "T0+66..T0+72")
}


def _nonstate_share(r: Run, key: str) -> float:
    window = _WINDOWS[key]
    total = r.values("momentum", window)
    nonstate = sum(r.values(c, window) for c in NONSTATE)
    ok = total > 0
    return float(np.mean(nonstate[ok] / total[ok])) if ok.any() else np.nan


def target_values(
    timeseries: pd.DataFrame, summary: dict[str, Any], launch: str | None = None
) -> dict[str, float]:
    """The calibration targets of one run (definitions in :data:`TARGETS`)."""
    r = Run(timeseries, summary, launch)
    before, late = r.t0 - 1, r.month(_AT["T0+72"])
    total_t0 = r.at("momentum", before)
    ci = summary.get("continuity_index")
    effort = r.column("federal_effort")
    peak = effort[: max(1, r.t0 - r.start)].max()
    low = np.flatnonzero(effort[r.t0 - r.start :] <= 0.3 * peak) if r.t0 >= r.start else []
    return {
        "members_2020": r.at("coalition_members", _AT["T0+24"]),
        "nonstate_before": _nonstate_share(r, "T0-12..T0-1"),
        "nonstate_after": _nonstate_share(r, "T0+1..T0+24"),
        "federal_share_t0": r.at("contribution_federal", before) / total_t0
        if total_t0 > 0
        else np.nan,
        "collapse_lag": float(low[0]) if len(low) else np.nan,
        "continuity_index": np.nan if ci is None else float(ci),
        "momentum_late": window_mean(timeseries, _WINDOWS["T0+66..T0+72"], r.anchors),
        "states_ever_2024": r.at("states_ever_ai_office", late),
        "bills_before_t0": r.at("bills_introduced", before),
        "bills_t0_2024": r.at("bills_introduced", late) - r.at("bills_introduced", before),
        "law_by_2024": float(r.values("law_in_force", _WINDOWS["start..T0+72"]).any()),
        "guidance_t0_2024": r.at("dpa_guidance", late) - r.at("dpa_guidance", before),
        "commitments": float(len(summary.get("international_commitments", []))),
    }


def markdown(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """A Markdown table (columns in ``right`` right-aligned)."""
    rule = ["---:" if i in right else "---" for i in range(len(header))]
    return ["| " + " | ".join(cells) + " |" for cells in (header, rule, *rows)]


def _num(value: float, fmt: str) -> str:
    return "n/a" if not np.isfinite(value) else format(value, fmt).replace("-", "−")


def in_range(values: pd.Series, target: Target) -> pd.Series:
    """Whether each value lies in the target's range."""
    ok = values.notna()
    if target.low is not None:
        ok &= values >= target.low
    if target.high is not None:
        ok &= values <= target.high
    return ok


def check_report(runs: pd.DataFrame, spec: PatternSpec) -> list[str]:
    """Pattern shares and target statistics of one variant (all rows of ``runs``)."""
    n = len(runs)
    rows = [
        [str(p.number), p.text, f"{int(runs[p.name].sum())}/{n}", f"{runs[p.name].mean():.2f}"]
        for p in spec.patterns
    ]
    lines = ["## Patterns (share of seeds in which each holds)", ""]
    lines += markdown(["#", "pattern (docs/validation.md)", "holds in", "share"], rows, {0, 2, 3})
    rows = []
    for t in TARGETS:
        x = runs[t.name].astype(float)
        share = f"{in_range(x, t).mean():.2f}" if t.bounded else "—"
        stats = (x.mean(), x.std(ddof=1), x.min(), x.max())
        rows.append([t.label, *(_num(v, t.fmt) for v in stats), t.wanted, share])
    header = ["target", "mean", "sd", "min", "max", "wanted (pattern)", "share in range"]
    lines += ["", "## Calibration targets (across seeds)", ""]
    lines += markdown(header, rows, {1, 2, 3, 4, 6})
    return lines


def _fails(shares: pd.Series, threshold: float) -> list[int]:
    return [i + 1 for i, name in enumerate(shares.index) if shares[name] < threshold - 1e-12]


def broken(shares: pd.Series, baseline: pd.Series, threshold: float) -> list[int]:
    """Patterns below ``threshold`` and at least :data:`DROP` below their baseline share.

    ``shares`` and ``baseline`` are indexed by pattern name in spec order; the result is the
    patterns' numbers (1-based positions).
    """
    return [
        n for n in _fails(shares, threshold) if shares.iloc[n - 1] <= baseline.iloc[n - 1] - DROP
    ]


DROP = 0.1
"""How far below its baseline share a failing pattern must fall to count against a variant."""


def sweep_report(
    runs: pd.DataFrame, variants: list[Variant], threshold: float, spec: PatternSpec
) -> list[str]:
    """Pattern shares per variant, then which patterns each parameter's moves break."""
    names = [p.name for p in spec.patterns]
    by = runs.groupby("variant", sort=False)
    shares = by[names].mean()
    means = by[["members_2020", "continuity_index"]].mean()
    base = shares.loc["baseline"]
    pct = f"{100 * threshold:.0f} %"
    rows = []
    for v in variants:
        s = shares.loc[v.label]
        fails = _fails(s, threshold) if v.key is None else broken(s, base, threshold)
        cells = [v.key or "baseline", "" if v.factor is None else f"×{v.factor:g}"]
        cells += ["default" if v.key is None else f"{v.value:g}"]
        cells += [f"{100 * s[name]:.0f}" for name in names]
        cells += [_num(means.loc[v.label, "members_2020"], ".1f")]
        cells += [_num(means.loc[v.label, "continuity_index"], ".3f")]
        rows.append([*cells, ", ".join(map(str, fails)) or "—"])
    numbers = [str(p.number) for p in spec.patterns]
    header = ["parameter", "×", "value", *numbers, "members T0+24", "CI", "fails"]
    lines = ["## Pattern shares (%) by variant, one parameter moved at a time", ""]
    lines += markdown(header, rows, set(range(2, 5 + len(numbers))))
    lines += ["", "## Identifiability: the patterns that fail when a parameter moves", ""]
    rows = []
    for key in dict.fromkeys(v.key for v in variants if v.key):
        moved = [v for v in variants if v.key == key]
        pins: set[int] = set()
        parts = []
        for v in moved:
            fails = broken(shares.loc[v.label], base, threshold)
            pins.update(fails)
            parts.append(f"×{v.factor:g} ({v.value:g}): {', '.join(map(str, fails)) or '—'}")
        verdict = f"pinned by {', '.join(map(str, sorted(pins)))}" if pins else "not pinned"
        rows.append([key, f"{moved[0].default:g}", "; ".join(parts), verdict])
    lines += markdown(["parameter", "default", "patterns failing", "verdict"], rows, {1})
    lines += [
        "",
        f"fails: patterns holding in fewer than {pct} of the seeds (for a variant: and in at "
        f"least {100 * DROP:.0f} points fewer than at the defaults). Pattern columns: % of seeds; "
        "members T0+24 = mean coalition members at T0+24; CI = mean continuity index. A factor "
        "clipped back to the default (or to a value already run) is not run.",
    ]
    return lines
