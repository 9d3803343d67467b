"""Scenario discovery: the simplest parameter ranges that separate collapse from survival.

Given a sweep's runs (``runs.parquet``: one row per run, one column per design parameter and
the run's metrics) and an outcome that marks some runs as "collapsed", a shallow decision tree
(scikit-learn, depth 1 to 3 chosen by cross-validation) splits the parameter space into boxes.
Every leaf the tree calls "collapse" is a box, reported with the two scenario-discovery
measures of Bryant & Lempert (2010):

* **coverage**: the share of all collapsed runs that fall in the box;
* **density**: the share of the runs in the box that collapsed.

Typical use::

    runs = pd.read_parquet("sweeps/turnover_x_cut/runs.parquet")
    outcome = parse_outcome("continuity_index<1")
    found = discover(runs, design_parameters(runs), outcome)
    for sentence in describe_discovery(found):
        print(sentence)
    plot_discovery(runs, found, "figures/discovery")
"""

from __future__ import annotations

import math
import operator
import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.labels import pretty_key as pretty_parameter
from sim.dates import format_month, parse_month

METRICS: tuple[str, ...] = (
    "continuity_index",
    "min_momentum_ratio",
    "min_momentum_after_turnover",
    "momentum_final",
    "momentum_before_turnover",
    "months_to_recover",
    "nonstate_share",
    "coalition_members_final",
    "states_with_ai_office_final",
    "international_commitments",
)
"""Numeric run metrics an outcome may compare against a threshold (``COLUMN<X``)."""

MIN_CLASS = 5
"""Fewest runs of each outcome (collapsed, not collapsed) discovery needs; also the 5 CV folds."""

MIN_RUNS = 20
"""Fewest successful runs discovery needs."""

CV_FOLDS = 5
"""Folds of the stratified cross-validation that picks the tree depth."""

_OPS: dict[str, tuple[Callable[[Any, Any], Any], str, str]] = {
    "<": (operator.lt, "below {t}", "at least {t}"),
    "<=": (operator.le, "at most {t}", "above {t}"),
    ">": (operator.gt, "above {t}", "at most {t}"),
    ">=": (operator.ge, "at least {t}", "below {t}"),
}
_COMPARISON = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(<=|>=|<|>)\s*(.*?)\s*$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_DISCRETE = 12
"""A feature with at most this many distinct values is drawn with jitter and value ticks."""


class DiscoveryError(ValueError):
    """A scenario-discovery request that cannot be answered (bad outcome, too few runs, ...)."""


# --- outcome -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """Which runs count as "collapsed".

    Attributes:
        column: The run metric read (``survived`` or a numeric metric).
        op: ``"not"`` (collapse = not survived) or one of ``<``, ``<=``, ``>``, ``>=``
            (collapse = ``column op threshold`` is true).
        threshold: The number compared against; ``None`` for survival.
        text: The outcome as written.
    """

    column: str
    op: str
    threshold: float | None
    text: str

    def collapsed(self, runs: pd.DataFrame) -> pd.Series:
        """Whether each run collapsed (a missing metric value counts as not collapsed).

        Raises:
            DiscoveryError: If the runs have no such column.
        """
        values = self._values(runs)
        if self.op == "not":
            result = ~values.fillna(True).astype(bool)
        else:
            result = _OPS[self.op][0](pd.to_numeric(values, errors="coerce"), self.threshold)
        return result.astype(bool).rename("collapsed")

    def known(self, runs: pd.DataFrame) -> pd.Series:
        """Whether each run has a value for the outcome's column (others are left out)."""
        values = self._values(runs)
        if self.op == "not":
            return values.notna()
        return pd.to_numeric(values, errors="coerce").notna()

    def describe(self, negate: bool = False) -> str:
        """The collapse condition in plain words, or with ``negate`` its opposite.

        E.g. "continuity index below 1" / "continuity index at least 1", "the strategy did
        not survive" / "the strategy survived".
        """
        if self.op == "not":
            return "the strategy survived" if negate else "the strategy did not survive"
        words = _OPS[self.op][2 if negate else 1].format(t=_number(self.threshold or 0.0))
        return f"{self.column.replace('_', ' ')} {words}"

    def runs_phrase(self, negate: bool = False) -> str:
        """The runs that collapse in words, e.g. "runs with continuity index below 1"."""
        joiner = "where" if self.op == "not" else "with"
        return f"runs {joiner} {self.describe(negate)}"

    def _values(self, runs: pd.DataFrame) -> pd.Series:
        if self.column not in runs.columns:
            raise DiscoveryError(
                f"the runs have no column {self.column!r} for outcome {self.text!r}"
            )
        return runs[self.column]


def parse_outcome(text: str, columns: Iterable[str] | None = None) -> Outcome:
    """Read an outcome: ``survived``, ``not survived`` or ``COLUMN<X`` (also ``<=``, ``>``, ``>=``).

    ``survived`` and ``not survived`` both mean: a run collapses when the strategy did not
    survive. A comparison means: a run collapses when the comparison is true.

    Args:
        text: The outcome as written, e.g. ``"continuity_index<1"``.
        columns: The columns a comparison may use; :data:`METRICS` if not given.

    Returns:
        The outcome.

    Raises:
        DiscoveryError: If the text has another form, names another column or the threshold
            is not a finite number.
    """
    words = " ".join(str(text).split())
    if words in ("survived", "not survived"):
        return Outcome("survived", "not", None, words)
    match = _COMPARISON.match(words)
    if not match:
        raise DiscoveryError(
            f"cannot read outcome {text!r}: use 'survived', 'not survived' or "
            "COLUMN<X, COLUMN<=X, COLUMN>X, COLUMN>=X"
        )
    column, op, raw = match.groups()
    allowed = tuple(columns) if columns is not None else METRICS
    if column not in allowed:
        raise DiscoveryError(
            f"unknown outcome column {column!r} in {text!r} (allowed: {', '.join(allowed)})"
        )
    try:
        threshold = float(raw)
    except ValueError:
        threshold = math.nan
    if not math.isfinite(threshold):
        raise DiscoveryError(f"threshold {raw!r} in outcome {text!r} is not a finite number")
    return Outcome(column, op, threshold, words)


# --- features ----------------------------------------------------------------------------------


def design_parameters(runs: pd.DataFrame) -> list[str]:
    """The design columns of a sweep's runs table: those between ``seed`` and ``label``."""
    cols = list(runs.columns)
    if "seed" not in cols or "label" not in cols:
        raise DiscoveryError("the runs table has no 'seed' and 'label' columns around the design")
    return cols[cols.index("seed") + 1 : cols.index("label")]


@dataclass(frozen=True)
class Feature:
    """One numeric column of the feature table and how to read its thresholds.

    Attributes:
        name: The column in the feature table ("shocks.funding_cut.size", "tactic: law").
        parameter: The design parameter it comes from.
        kind: ``"number"``, ``"month"`` (fractional year, 2019-06 → 2019.417) or ``"flag"``
            (0/1, e.g. whether a tactic is used).
        label: Plain words for axes ("funding cut size", "tactic law").
        values: The distinct values observed, sorted.
        levels: For flags, the words for 0 and 1 ("not used", "used").
        phrases: For flags, the conditions value = 0 and value = 1 in plain words.
    """

    name: str
    parameter: str
    kind: str
    label: str
    values: tuple[float, ...]
    levels: tuple[str, str] = ("no", "yes")
    phrases: tuple[str, str] = ("", "")

    def format_value(self, value: float) -> str:
        """A value (or threshold) in the parameter's own units: a number, a month, yes/no."""
        if self.kind == "month":
            return format_month(round(value * 12))
        if self.kind == "flag":
            return self.levels[int(value >= 0.5)]
        return _number(value)

    def condition(self, lo: float, hi: float) -> str:
        """The range ``lo < value <= hi`` (tree thresholds) in plain words.

        Thresholds are read back as the nearest observed values inside the range, so a grid
        reads "funding cut size ≥ 0.6" rather than "> 0.5".
        """
        if self.kind == "flag":
            return self.phrases[1] if math.isfinite(lo) else self.phrases[0]
        observed = np.asarray(self.values)
        low = _edge(observed[observed > lo], min, lo) if math.isfinite(lo) else None
        high = _edge(observed[observed <= hi], max, hi) if math.isfinite(hi) else None
        if low is None and high is None:
            return f"any {self.label}"
        a = self.format_value(low if low is not None else _edge(observed, min, lo))
        b = self.format_value(high if high is not None else _edge(observed, max, hi))
        month = self.kind == "month"
        if a == b:
            return f"{self.label} {'in' if month else '='} {a}"
        if low is None:
            return f"{self.label} {b} or earlier" if month else f"{self.label} ≤ {b}"
        if high is None:
            return f"{self.label} {a} or later" if month else f"{self.label} ≥ {a}"
        return f"{self.label} between {a} and {b}" if month else f"{self.label} from {a} to {b}"


def feature_table(
    runs: pd.DataFrame, parameters: list[str]
) -> tuple[pd.DataFrame, dict[str, Feature]]:
    """The numeric matrix the tree reads, one column per feature, constant columns dropped.

    Numbers stay as they are, ``YYYY-MM`` months become fractional years (2019-06 →
    2019.417), ``tactics`` ('+'-joined names, "none") becomes one 0/1 column per tactic
    ("tactic: law"), and any other text column one 0/1 column per value.

    Args:
        runs: The runs, one row each.
        parameters: The design columns to use.

    Returns:
        The feature table (same index as ``runs``) and each feature's :class:`Feature`.

    Raises:
        DiscoveryError: If a parameter is not a column of ``runs``.
    """
    _check_parameters(runs, parameters)
    columns: dict[str, pd.Series] = {}
    meta: dict[str, Feature] = {}
    for parameter in parameters:
        for values, feature in _encode(parameter, runs[parameter]):
            if values.nunique() > 1:
                columns[feature.name] = values
                meta[feature.name] = feature
    return pd.DataFrame(columns, index=runs.index, dtype=float), meta


def _check_parameters(runs: pd.DataFrame, parameters: list[str]) -> None:
    missing = [p for p in parameters if p not in runs.columns]
    if missing:
        raise DiscoveryError(
            f"unknown parameter(s) {', '.join(map(repr, missing))} "
            f"(columns: {', '.join(map(str, runs.columns))})"
        )


def _encode(parameter: str, series: pd.Series) -> list[tuple[pd.Series, Feature]]:
    if parameter.split(".")[-1] == "tactics":
        return _encode_tactics(parameter, series)
    if pd.api.types.is_bool_dtype(series):
        label = pretty_parameter(parameter)
        return [_flag(series.astype(float), parameter, parameter, label, ("no", "yes"))]
    if pd.api.types.is_numeric_dtype(series):
        return [_ordered(series, parameter, "number")]
    text = series.astype("string").str.strip()
    if text.dropna().str.match(_MONTH).all():
        return [
            _ordered(
                text.map(lambda v: parse_month(v) / 12, na_action="ignore"), parameter, "month"
            )
        ]
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.notna().sum() == text.notna().sum():
        return [_ordered(numbers, parameter, "number")]
    return _encode_categories(parameter, text)


def _encode_categories(parameter: str, text: pd.Series) -> list[tuple[pd.Series, Feature]]:
    label = pretty_parameter(parameter)
    return [
        _flag(
            (text == value).fillna(False).astype(float),
            f"{parameter}: {value}",
            parameter,
            f"{label} is {value}",
            ("no", "yes"),
            (f"{label} is not {value}", f"{label} is {value}"),
        )
        for value in sorted(text.dropna().unique())
    ]


def _encode_tactics(parameter: str, series: pd.Series) -> list[tuple[pd.Series, Feature]]:
    sets = (
        series.fillna("none")
        .astype(str)
        .map(lambda v: frozenset(t.strip() for t in v.split("+") if t.strip() not in ("", "none")))
    )
    names = sorted(frozenset().union(*sets)) if len(sets) else []
    encoded = []
    for name in names:
        words = f"tactic {name.replace('_', ' ')}"
        values = sets.map(lambda s, n=name: float(n in s))
        phrases = (f"{words} not used", f"{words} used")
        encoded.append(
            _flag(values, f"tactic: {name}", parameter, words, ("not used", "used"), phrases)
        )
    return encoded


def _flag(
    values: pd.Series,
    name: str,
    parameter: str,
    label: str,
    levels: tuple[str, str],
    phrases: tuple[str, str] | None = None,
) -> tuple[pd.Series, Feature]:
    phrases = phrases or (f"{label}: {levels[0]}", f"{label}: {levels[1]}")
    return values, Feature(name, parameter, "flag", label, (0.0, 1.0), levels, phrases)


def _ordered(values: pd.Series, parameter: str, kind: str) -> tuple[pd.Series, Feature]:
    """A number or month feature, with its distinct values for reading thresholds back."""
    values = values.astype(float)
    observed = tuple(float(v) for v in np.unique(values.dropna().to_numpy()))
    return values, Feature(parameter, parameter, kind, pretty_parameter(parameter), observed)


def _edge(candidates: np.ndarray, pick: Callable[[np.ndarray], Any], fallback: float) -> float:
    return float(pick(candidates)) if candidates.size else float(fallback)


# --- discovery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """One leaf of the tree where most runs collapsed: a box of parameter ranges.

    Attributes:
        conditions: The ranges in plain words ("funding cut size ≥ 0.6").
        bounds: Feature → (lo, hi) tree thresholds; a run is in the box if lo < value ≤ hi
            for every listed feature (``-inf`` / ``inf`` for an open side).
        n: Runs in the box.
        n_collapsed: Collapsed runs in the box.
        coverage: ``n_collapsed`` / all collapsed runs.
        density: ``n_collapsed`` / ``n``.
    """

    conditions: list[str]
    bounds: dict[str, tuple[float, float]]
    n: int
    n_collapsed: int
    coverage: float
    density: float

    def contains(self, features: pd.DataFrame) -> np.ndarray:
        """Which rows of a feature table fall in the box."""
        inside = np.ones(len(features), dtype=bool)
        for name, (lo, hi) in self.bounds.items():
            # the tree compares float32 features with float64 thresholds
            values = features[name].to_numpy(dtype=np.float32).astype(np.float64)
            inside &= (values > lo) & (values <= hi)
        return inside


@dataclass(eq=False)
class Discovery:
    """What :func:`discover` found.

    Attributes:
        outcome: The outcome that marks runs as collapsed.
        parameters: The design parameters used.
        n_runs: Runs used (successful, with the outcome and every parameter known).
        n_collapsed: Of those, runs that collapsed.
        n_excluded: Runs left out (failed, or outcome or a parameter missing).
        depth: The tree depth chosen.
        cv_accuracy: Mean cross-validated accuracy at that depth.
        cv_scores: Per depth: mean and standard error of the CV accuracy.
        feature_names: The tree's features, in column order.
        features: How to read each feature (see :class:`Feature`).
        tree: The fitted ``DecisionTreeClassifier`` (class 1 = collapsed).
        boxes: The leaves predicted "collapse", best (density × coverage) first.
        coverage: Share of collapsed runs in any box.
        density: Share of runs in any box that collapsed (NaN if there is no box).
        importances: Tidy table: feature, label, parameter, importance (descending).
        seed: Seed of the cross-validation, the tree and any plot jitter.
    """

    outcome: Outcome
    parameters: list[str]
    n_runs: int
    n_collapsed: int
    n_excluded: int
    depth: int
    cv_accuracy: float
    cv_scores: pd.DataFrame
    feature_names: list[str]
    features: dict[str, Feature]
    tree: Any
    boxes: list[Box]
    coverage: float
    density: float
    importances: pd.DataFrame
    seed: int = 0
    majority_accuracy: float = field(init=False)

    def __post_init__(self) -> None:
        share = self.n_collapsed / self.n_runs
        self.majority_accuracy = max(share, 1 - share)

    @property
    def best_box(self) -> Box | None:
        """The box with the highest density × coverage, if any."""
        return self.boxes[0] if self.boxes else None


def discover(
    runs: pd.DataFrame,
    parameters: list[str],
    outcome: Outcome,
    *,
    max_depth: int = 3,
    min_leaf_share: float = 0.05,
    seed: int = 0,
) -> Discovery:
    """Find the simplest boxes of parameter ranges that hold the collapsed runs.

    Only successful runs (``status == 'ok'``) with the outcome and every parameter known are
    used. The depth (1..``max_depth``) is the smallest whose 5-fold stratified
    cross-validated accuracy is within one standard error of the best depth's.

    Args:
        runs: A sweep's runs table.
        parameters: The design columns to explain the outcome by.
        outcome: Which runs collapsed (:func:`parse_outcome`).
        max_depth: Deepest tree considered.
        min_leaf_share: Smallest leaf as a share of the runs (at least 5 runs).
        seed: Seed of the cross-validation folds and the tree.

    Returns:
        The boxes, their coverage and density, the tree and the feature importances.

    Raises:
        DiscoveryError: If fewer than 20 runs are usable, fewer than 5 runs have either
            outcome, no parameter varies, or the options are out of range.
    """
    _check_options(max_depth, min_leaf_share)
    features, y, meta, n_excluded = _prepare(runs, parameters, outcome)
    _check_classes(y, outcome)
    min_leaf = max(MIN_CLASS, math.ceil(min_leaf_share * len(y)))
    scores = _cv_scores(features.to_numpy(), y, max_depth, min_leaf, seed)
    depth = _simplest_depth(scores)
    tree = _tree(depth, min_leaf, seed).fit(features.to_numpy(), y)
    boxes = _boxes(tree, features, y, meta)
    predicted = tree.predict(features.to_numpy()) == 1
    hits = int((predicted & (y == 1)).sum())
    return Discovery(
        outcome=outcome,
        parameters=list(parameters),
        n_runs=len(y),
        n_collapsed=int(y.sum()),
        n_excluded=n_excluded,
        depth=depth,
        cv_accuracy=float(scores.loc[depth, "mean"]),
        cv_scores=scores,
        feature_names=list(features.columns),
        features=meta,
        tree=tree,
        boxes=boxes,
        coverage=hits / int(y.sum()),
        density=hits / int(predicted.sum()) if predicted.any() else math.nan,
        importances=_importances(tree, meta),
        seed=seed,
    )


def _check_options(max_depth: int, min_leaf_share: float) -> None:
    if not 1 <= max_depth <= 10:
        raise DiscoveryError(f"max_depth must be 1..10, got {max_depth}")
    if not 0 <= min_leaf_share < 0.5:
        raise DiscoveryError(f"min_leaf_share must be in [0, 0.5), got {min_leaf_share}")


def _prepare(
    runs: pd.DataFrame, parameters: list[str], outcome: Outcome
) -> tuple[pd.DataFrame, np.ndarray, dict[str, Feature], int]:
    """Usable runs' feature table, collapse labels (0/1), feature metadata, runs left out."""
    _check_parameters(runs, parameters)
    ok = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    usable = ok[outcome.known(ok) & ok[parameters].notna().all(axis=1)]
    if len(usable) < MIN_RUNS:
        raise DiscoveryError(
            f"only {len(usable)} usable runs of {len(runs)} (successful, outcome known): "
            f"discovery needs at least {MIN_RUNS}"
        )
    features, meta = feature_table(usable, parameters)
    if features.shape[1] == 0:
        raise DiscoveryError("none of the parameters varies across the runs: nothing to split on")
    y = outcome.collapsed(usable).to_numpy(dtype=int)
    return features, y, meta, len(runs) - len(usable)


def _check_classes(y: np.ndarray, outcome: Outcome) -> None:
    n, k = len(y), int(y.sum())
    if k == 0:
        raise DiscoveryError(f"no {outcome.runs_phrase()} among the {n} runs: nothing to separate")
    if k == n:
        raise DiscoveryError(
            f"no {outcome.runs_phrase(negate=True)} among the {n} runs: nothing to separate"
        )
    if min(k, n - k) < MIN_CLASS:
        phrase = outcome.runs_phrase(negate=k > n - k)
        raise DiscoveryError(
            f"only {min(k, n - k)} {phrase} among the {n} runs: too few to separate "
            f"(need at least {MIN_CLASS} of each outcome)"
        )


def _tree(depth: int, min_leaf: int, seed: int) -> Any:
    from sklearn.tree import DecisionTreeClassifier

    return DecisionTreeClassifier(max_depth=depth, min_samples_leaf=min_leaf, random_state=seed)


def _cv_scores(
    x: np.ndarray, y: np.ndarray, max_depth: int, min_leaf: int, seed: int
) -> pd.DataFrame:
    """Mean and standard error of the stratified CV accuracy per depth (index: depth)."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    folds = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=seed)
    rows = []
    for depth in range(1, max_depth + 1):
        acc = cross_val_score(_tree(depth, min_leaf, seed), x, y, cv=folds, scoring="accuracy")
        rows.append(
            {"depth": depth, "mean": acc.mean(), "se": acc.std(ddof=1) / math.sqrt(acc.size)}
        )
    return pd.DataFrame(rows).set_index("depth")


def _simplest_depth(scores: pd.DataFrame) -> int:
    """The smallest depth whose mean accuracy is within one standard error of the best."""
    best = scores["mean"].idxmax()
    floor = scores.loc[best, "mean"] - scores.loc[best, "se"]
    return int(scores.index[scores["mean"] >= floor - 1e-12].min())


def _leaf_bounds(tree: Any, names: list[str]) -> list[tuple[int, dict[str, tuple[float, float]]]]:
    """Each leaf and the ranges (lo, hi] of the features on its path, root first."""
    t = tree.tree_
    leaves: list[tuple[int, dict[str, tuple[float, float]]]] = []
    stack: list[tuple[int, dict[str, tuple[float, float]]]] = [(0, {})]
    while stack:
        node, bounds = stack.pop()
        if t.children_left[node] == t.children_right[node]:
            leaves.append((node, bounds))
            continue
        name, thr = names[t.feature[node]], float(t.threshold[node])
        lo, hi = bounds.get(name, (-math.inf, math.inf))
        stack.append((int(t.children_right[node]), {**bounds, name: (max(lo, thr), hi)}))
        stack.append((int(t.children_left[node]), {**bounds, name: (lo, min(hi, thr))}))
    return leaves


def _boxes(tree: Any, features: pd.DataFrame, y: np.ndarray, meta: dict[str, Feature]) -> list[Box]:
    """One box per leaf predicted "collapse", best density × coverage first."""
    leaf_of = tree.apply(features.to_numpy())
    total = int(y.sum())
    boxes = []
    for leaf, bounds in _leaf_bounds(tree, list(features.columns)):
        if tree.classes_[int(np.argmax(tree.tree_.value[leaf][0]))] != 1:
            continue
        inside = leaf_of == leaf
        n, k = int(inside.sum()), int(y[inside].sum())
        conditions = [meta[name].condition(lo, hi) for name, (lo, hi) in bounds.items()]
        boxes.append(Box(conditions, bounds, n, k, k / total, k / n if n else math.nan))
    return sorted(boxes, key=lambda b: (-b.coverage * b.density, -b.n, b.conditions))


def _importances(tree: Any, meta: dict[str, Feature]) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "feature": list(meta),
            "label": [f.label for f in meta.values()],
            "parameter": [f.parameter for f in meta.values()],
            "importance": tree.feature_importances_,
        }
    )
    return table.sort_values(["importance", "feature"], ascending=[False, True], ignore_index=True)


# --- words -------------------------------------------------------------------------------------


def describe_discovery(discovery: Discovery) -> list[str]:
    """Two to four plain-language sentences on what the discovery found.

    Returns:
        The sentences: how many runs collapsed, the best box with its coverage and density,
        the union of the boxes (if several), and how far the tree can be trusted.
    """
    d = discovery
    phrase = d.outcome.runs_phrase()
    first = (
        f"{_capital(phrase)}: {d.n_collapsed} of {d.n_runs} runs ({_pct(d.n_collapsed / d.n_runs)})"
    )
    if d.n_excluded:
        first += f"; {d.n_excluded} failed or incomplete runs left out"
    sentences = [first + "."]
    best = d.best_box
    if best is None:
        sentences.append(
            f"No range of the parameters holds mostly {phrase}: the tree finds no region "
            "where they are the majority."
        )
    else:
        sentences.append(
            f"They concentrate where {_join(best.conditions)}: that box holds "
            f"{_pct(best.coverage)} of them (coverage), and {_pct(best.density)} of the "
            f"{best.n} runs inside it are of this kind (density)."
        )
    if len(d.boxes) > 1:
        sentences.append(
            f"All {len(d.boxes)} boxes together hold {_pct(d.coverage)} of them at "
            f"{_pct(d.density)} density."
        )
    sentences.append(_trust_sentence(d))
    return sentences


def _trust_sentence(d: Discovery) -> str:
    used = d.importances[d.importances["importance"] > 0.005]
    drivers = _join([f"{r.label} ({_pct(r.importance)})" for r in used.head(3).itertuples()])
    text = (
        f"The tree (depth {d.depth}, chosen by {CV_FOLDS}-fold cross-validation) is "
        f"{_pct(d.cv_accuracy)} accurate on held-out runs, against {_pct(d.majority_accuracy)} "
        "for always guessing the commoner outcome"
    )
    if d.cv_accuracy <= d.majority_accuracy + 0.02:
        return text + ": the parameters explain little of the outcome, so read any box as weak."
    return text + (f"; it splits mostly on {drivers}." if drivers else ".")


def _number(value: float) -> str:
    if value != 0 and (abs(value) >= 1000 or abs(value) < 0.001):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.2g}"
    return f"{value:.3g}"


def _pct(share: float) -> str:
    """A share as a whole percentage; one decimal where rounding would hide a last few runs."""
    if not math.isfinite(share):
        return "n/a"
    whole = round(100 * share)
    if (whole == 100 and share < 1) or (whole == 0 and share > 0):
        return f"{100 * share:.1f} %"
    return f"{whole} %"


def _join(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- figure ------------------------------------------------------------------------------------


def plot_discovery(runs: pd.DataFrame, discovery: Discovery, stem: str | Path) -> list[Path]:
    """Draw the runs over the two most important parameters with the best box, and the boxes.

    Left: each run at its values of the two most important features (jitter, from a seeded
    generator, only on features with few distinct values), coloured by outcome, with the best
    box drawn and its coverage and density; with one important feature, stacked counts by
    outcome with the box's thresholds. Right: every box in words with its coverage and density.

    Args:
        runs: The runs table given to :func:`discover`.
        discovery: What :func:`discover` found on those runs.
        stem: Output path without suffix; ``STEM.png`` and ``STEM.svg`` are written.

    Returns:
        The paths written.
    """
    from analysis.theme import new_figure, save_figure

    features, y, _, _ = _prepare(runs, discovery.parameters, discovery.outcome)
    missing = set(discovery.feature_names) - set(features.columns)
    if missing:
        raise DiscoveryError(
            f"these runs lack the discovery's features: {', '.join(sorted(missing))}"
        )
    fig, (left, right) = new_figure(1, 2, figsize=(14, 6), width_ratios=[1.3, 1])
    top = discovery.importances.loc[discovery.importances["importance"] > 0, "feature"].tolist()
    if len(top) >= 2:
        _scatter(left, features, y, discovery, top[:2])
    elif top:
        _counts(left, features, y, discovery, top[0])
    else:
        left.text(0.5, 0.5, "The tree made no split", ha="center", transform=left.transAxes)
        left.set_xlabel("(no parameter separates the outcomes)")
        left.set_ylabel("Runs")
    _box_panel(right, discovery)
    fig.suptitle(f"Which parameter ranges lead to {discovery.outcome.runs_phrase()}", fontsize=13)
    fig.tight_layout()
    return save_figure(fig, stem)


def _outcome_style(discovery: Discovery) -> list[tuple[int, str, Any, str]]:
    """(class, legend label, colour, marker): survived first, collapsed drawn on top."""
    import seaborn as sns

    from analysis.theme import PALETTE

    colours = sns.color_palette(PALETTE)
    out = discovery.outcome
    return [
        (0, _capital(out.describe(negate=True)), colours[0], "o"),
        (1, _capital(out.describe()), colours[3], "^"),
    ]


def _scatter(
    ax: Any, features: pd.DataFrame, y: np.ndarray, d: Discovery, names: list[str]
) -> None:
    rng = np.random.default_rng(d.seed)
    raw = [features[name].to_numpy(dtype=float) for name in names]
    xy = [_jittered(values, rng) for values in raw]
    for cls, label, colour, marker in _outcome_style(d):
        mask = y == cls
        ax.scatter(
            xy[0][mask],
            xy[1][mask],
            s=18,
            alpha=0.6,
            color=colour,
            marker=marker,
            label=f"{label} ({int(mask.sum())})",
            linewidths=0,
        )
    for axis, name in zip((ax.xaxis, ax.yaxis), names, strict=True):
        _format_axis(axis, d.features[name])
    ax.set_xlabel(_capital(d.features[names[0]].label))
    ax.set_ylabel(_capital(d.features[names[1]].label))
    jitter = any(np.unique(v).size <= _DISCRETE for v in raw)
    title = "Each point is one run" + (" (shifted a little where values repeat)" if jitter else "")
    ax.set_title(title, fontsize=10)
    if d.best_box is not None:
        _draw_box(ax, d, names)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncols=2, fontsize=9, frameon=False)


def _jittered(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    distinct = np.unique(values)
    if distinct.size > _DISCRETE:
        return values
    step = float(np.diff(distinct).min()) if distinct.size > 1 else 1.0
    return values + rng.uniform(-0.3, 0.3, values.size) * step


def _format_axis(axis: Any, feature: Feature) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter

    if len(feature.values) <= _DISCRETE:
        axis.set_major_locator(FixedLocator(list(feature.values)))
    elif feature.kind == "month":
        axis.set_major_locator(FixedLocator(_month_ticks(feature.values)))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: feature.format_value(v)))


def _month_ticks(values: tuple[float, ...], most: int = 8) -> list[float]:
    """Ticks on whole months (as fractional years), evenly spaced, at most ``most`` of them."""
    first, last = round(min(values) * 12), round(max(values) * 12)
    step = next(s for s in (1, 2, 3, 6, 12, 24, 60, 120, 10**9) if (last - first) // s < most)
    return [m / 12 for m in range(-(-first // step) * step, last + 1, step)]


def _draw_box(ax: Any, d: Discovery, names: list[str]) -> None:
    from matplotlib.patches import Rectangle

    box = d.best_box
    assert box is not None
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    xlo, xhi = _clip(box.bounds.get(names[0]), x0, x1)
    ylo, yhi = _clip(box.bounds.get(names[1]), y0, y1)
    ax.add_patch(
        Rectangle((xlo, ylo), xhi - xlo, yhi - ylo, fill=False, lw=2, ec="black", zorder=3)
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    others = [c for n, c in zip(box.bounds, box.conditions, strict=True) if n not in names]
    text = f"Best box: coverage {_pct(box.coverage)}, density {_pct(box.density)}"
    if others:
        text += "\nalso: " + "; ".join(others)
    ax.annotate(
        text,
        (xlo, yhi),
        xytext=(4, -4),
        textcoords="offset points",
        va="top",
        fontsize=9,
        zorder=4,
        bbox={"boxstyle": "round", "fc": "white", "ec": "black", "alpha": 0.9},
    )


def _clip(bounds: tuple[float, float] | None, lo: float, hi: float) -> tuple[float, float]:
    a, b = bounds if bounds is not None else (-math.inf, math.inf)
    return max(a, lo), min(b, hi)


def _counts(ax: Any, features: pd.DataFrame, y: np.ndarray, d: Discovery, name: str) -> None:
    feature = d.features[name]
    values = features[name].to_numpy(dtype=float)
    styles = _outcome_style(d)
    groups = [values[y == cls] for cls, *_ in styles]
    labels = [f"{label} ({g.size})" for (_, label, _, _), g in zip(styles, groups, strict=True)]
    colours = [colour for _, _, colour, _ in styles]
    if len(feature.values) <= _DISCRETE:
        _stacked_bars(ax, feature, groups, labels, colours)
    else:
        ax.hist(groups, bins=30, stacked=True, color=colours, label=labels, alpha=0.8)
    _format_axis(ax.xaxis, feature)
    ax.set_xlabel(_capital(feature.label))
    ax.set_ylabel("Runs")
    box = d.best_box
    if box is not None:
        for edge in box.bounds.get(name, (-math.inf, math.inf)):
            if math.isfinite(edge):
                ax.axvline(edge, color="black", ls="--", lw=1.5)
        ax.set_title(
            f"Best box: coverage {_pct(box.coverage)}, density {_pct(box.density)}", fontsize=10
        )
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncols=2, fontsize=9, frameon=False)


def _stacked_bars(
    ax: Any, feature: Feature, groups: list[np.ndarray], labels: list[str], colours: list[Any]
) -> None:
    positions = np.asarray(feature.values)
    width = 0.7 * (float(np.diff(positions).min()) if positions.size > 1 else 1.0)
    bottom = np.zeros(positions.size)
    for group, label, colour in zip(groups, labels, colours, strict=True):
        heights = np.array([(group == v).sum() for v in positions], dtype=float)
        ax.bar(positions, heights, width=width, bottom=bottom, color=colour, label=label)
        bottom += heights
    ax.set_ylim(0, 1.08 * bottom.max())


def _box_panel(ax: Any, d: Discovery) -> None:
    ax.axis("off")
    lines = [f"{_capital(d.outcome.runs_phrase())}: {d.n_collapsed} of {d.n_runs}", ""]
    for i, box in enumerate(d.boxes[:4], start=1):
        lines.append(
            f"Box {i}: coverage {_pct(box.coverage)}, density {_pct(box.density)}  "
            f"({box.n_collapsed} of {box.n} runs)"
        )
        lines += [
            textwrap.fill(c, 60, initial_indent="  • ", subsequent_indent="    ")
            for c in box.conditions
        ]
        lines.append("")
    if len(d.boxes) > 4:
        lines += [f"… and {len(d.boxes) - 4} smaller boxes", ""]
    if not d.boxes:
        lines += ["No region where most runs are of this kind.", ""]
    else:
        lines.append(f"All boxes together: coverage {_pct(d.coverage)}, density {_pct(d.density)}")
    lines += [
        f"Tree depth {d.depth} (the simplest within one standard error of the best",
        f"in {CV_FOLDS}-fold cross-validation): {_pct(d.cv_accuracy)} of held-out runs right,",
        f"against {_pct(d.majority_accuracy)} by always guessing the commoner outcome",
    ]
    lines += [
        "",
        "Coverage: share of all such runs that fall in the box.",
        "Density: share of the runs in the box that are such runs.",
    ]
    ax.text(
        0,
        1,
        "\n".join(lines),
        va="top",
        ha="left",
        fontsize=9.5,
        transform=ax.transAxes,
        linespacing=1.4,
    )
    ax.set_title("Boxes of parameter ranges", loc="left", fontsize=11)
