"""``continuity validate``: a case's scenario over many seeds, against its patterns.

A validation reads the case's pattern spec (``conf/patterns/CASE.yaml``, default ``mexico``;
:mod:`experiments.pattern_spec`), runs the baseline (the scenario as configured), the negative
control (the spec's ``control``: the scenario without the turnover and cut) and each counterfactual
of ``conf/counterfactual/`` on the same seeds (common random numbers), and reports

* for each pattern (:mod:`experiments.patterns`), the share of baseline seeds in which it holds,
  against a threshold (default 80 %);
* for each turnover-caused pattern, the share of control seeds in which it (wrongly) holds
  without its cause: the control passes when the pattern fails in at least ``control_threshold``
  of them (default 80 %);
* for each counterfactual, the paired difference counterfactual − baseline of the metrics, with a
  95 % t-interval over seeds (:mod:`experiments.validation_tables`).

The metrics of one run are

* each window of the spec's ``metrics`` (``momentum_late`` = T0+66..T0+72 for Mexico, and the
  calendar ``momentum_2024`` of earlier versions): the mean monthly total ``momentum`` over it
  (NaN unless the run covers the whole window);
* ``continuity_index``: from the run summary, M(T0 + 24) / M(T0 − 1) (NaN where it is null).

Arguments are ``key=value`` tokens: ``seeds=50``, ``first_seed=0``, ``out=DIR``, ``jobs=1``,
``counterfactuals=[a,b]``, ``threshold=0.8``, ``control_threshold=0.8``, ``case=mexico``; every
other token is a config override applied to every variant. Everything is checked before the first
run. The patterns in plain words: docs/validation.md.
"""

from __future__ import annotations

import copy
import multiprocessing
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.pattern_spec import DEFAULT_CASE, PatternSpec, available_cases, load_spec
from experiments.pattern_windows import Anchors, Window
from experiments.validation_tables import (
    BASELINE,
    COUNTERFACTUALS,
    METRICS,
    compare,
    format_markdown,
    format_text,
    pattern_table,
)
from sim.api import atomic_write
from sim.config import Config
from sim.dates import format_month, parse_month
from sim.errors import InputError
from sim.paths import group_options

SUMMARY_SCALARS = (
    "reference_date",
    "continuity_index",
    "momentum_before_turnover",
    "min_momentum_ratio",
    "months_to_recover",
    "survived",
    "nonstate_share",
    "momentum_final",
    "coalition_members_final",
    "states_with_ai_office_final",
    "law_passed_date",
    "posterior_particle",
)
"""Summary values copied into ``runs.parquet`` (nulls become NaN / None); ``posterior_particle``
is null unless the runs draw their parameters from a posterior (``params=posterior``)."""

FILES = (
    "validation.md",
    "validation.png",
    "patterns.parquet",
    "runs.parquet",
    "trajectories.parquet",
)

USAGE = """usage: continuity validate [seeds=50] [first_seed=0] [jobs=1] [out=DIR] [case=mexico]
                           [counterfactuals=[a,b]] [threshold=0.8] [control_threshold=0.8]
                           [config overrides]

Runs the scenario, its negative control (the same scenario without the turnover and cut) and each
counterfactual on the same seeds (first_seed .. first_seed + seeds - 1). Prints the share of seeds
in which each pattern of the case (conf/patterns/CASE.yaml, docs/validation.md) holds, the share
of control seeds in which each turnover-caused pattern wrongly holds without its cause, and each
counterfactual's paired difference from the baseline (late momentum, continuity index, 95 %
interval); writes validation.md, validation.png and the tables (Parquet) into out (default
outputs/validate/DATE/TIME). Config overrides apply to every variant.

Exit code: 0 if every pattern holds in at least threshold of the seeds and every turnover-caused
pattern fails in at least control_threshold of the control seeds, 1 if not, 2 for bad input.
  e.g.  continuity validate seeds=10 jobs=2
        continuity validate counterfactuals=[no_coalition,deep_cut] params.coalition.recruit_rate=0.1
        continuity validate case=all params=posterior   (parameters drawn from the posterior,
                                                         docs/posterior.md)
"""


@dataclass(frozen=True)
class Options:
    """What to validate.

    Attributes:
        seeds: Number of seeds (at least 2, for an interval).
        first_seed: The seeds are ``first_seed .. first_seed + seeds - 1``.
        out: Output directory (``None``: ``outputs/validate/DATE/TIME`` under the cwd).
        jobs: Worker processes (1: run in this process).
        counterfactuals: Counterfactual names (options of ``conf/counterfactual/``).
        threshold: Share of seeds in which every pattern must hold.
        control_threshold: Share of control seeds in which every turnover-caused pattern must
            fail.
        case: The pattern spec (``conf/patterns/CASE.yaml``).
        overrides: Config overrides applied to the baseline and every counterfactual.

    """

    seeds: int = 50
    first_seed: int = 0
    out: Path | None = None
    jobs: int = 1
    counterfactuals: tuple[str, ...] = tuple(COUNTERFACTUALS)
    threshold: float = 0.8
    control_threshold: float = 0.8
    case: str = DEFAULT_CASE
    overrides: tuple[str, ...] = ()

    @property
    def seed_list(self) -> list[int]:
        """The seeds, in order."""
        return list(range(self.first_seed, self.first_seed + self.seeds))

    def variants(self, control: str) -> list[str]:
        """The baseline, the counterfactuals, then the control (unless it is one of them)."""
        return list(dict.fromkeys([BASELINE, *self.counterfactuals, control]))


@dataclass
class Validation:
    """The outcome of :func:`run_validation`.

    Attributes:
        options: What was validated (``out`` resolved).
        spec: The case's patterns.
        patterns: Per pattern: ``number``, ``name``, ``text``, ``turnover_caused``, ``held``,
            ``n``, ``share``, ``passed`` (baseline) and ``control_held``, ``control_n``,
            ``control_share``, ``control_passed`` (the negative control; ``control_passed`` is
            missing for patterns that are not turnover-caused).
        comparisons: Per counterfactual × metric: paired differences with a 95 % interval.
        runs: One row per variant × seed with the metrics.
        pattern_runs: One row per seed × pattern of the baseline and the control, with
            ``variant`` and ``held``.
        trajectories: Long table ``variant, seed, date, momentum``.
        t0: The turnover the patterns are measured from (``YYYY-MM``).
        turnovers: Turnover dates common to every baseline run.
        posterior: The posterior file the runs drew their parameters from (``params=posterior``),
            as shown to the user; None with fixed parameters.
        files: Paths written.

    """

    options: Options
    spec: PatternSpec
    patterns: pd.DataFrame
    comparisons: pd.DataFrame
    runs: pd.DataFrame
    pattern_runs: pd.DataFrame
    trajectories: pd.DataFrame
    t0: str
    turnovers: list[str]
    posterior: str | None = None
    files: list[Path] = field(default_factory=list)

    @property
    def uncertainty(self) -> str:
        """One line saying which uncertainty the intervals include (:mod:`sim.posterior`)."""
        from sim.posterior import uncertainty_line

        draws = self.runs["posterior_particle"].nunique() if self.posterior else None
        return uncertainty_line(self.posterior, draws)

    @property
    def failed(self) -> pd.DataFrame:
        """The patterns holding in fewer than ``threshold`` of the seeds."""
        return self.patterns[~self.patterns["passed"]]

    @property
    def control_failed(self) -> pd.DataFrame:
        """The turnover-caused patterns that hold without their cause too often."""
        return self.patterns[self.patterns["control_passed"].eq(False)]

    @property
    def exit_code(self) -> int:
        """0 if every pattern reaches the threshold and every negative control passes, else 1."""
        return 0 if self.failed.empty and self.control_failed.empty else 1


# --------------------------------------------------------------------------- arguments
def available_counterfactuals() -> list[str]:
    """The counterfactual options of ``conf/counterfactual/`` (``none`` is the baseline)."""
    return [name for name in group_options("counterfactual") if name != "none"]


def _whole(key: str, text: str, low: int, problems: list[str]) -> int | None:
    try:
        value = int(text)
    except ValueError:
        problems.append(f"{key}: {text!r} is not a whole number")
        return None
    if value < low:
        reason = " (an interval needs two)" if key == "seeds" else ""
        problems.append(f"{key}: {value} is too small; at least {low}{reason}")
        return None
    return value


def _names(text: str) -> list[str]:
    inner = text.strip()
    if inner.startswith("[") and inner.endswith("]"):
        inner = inner[1:-1]
    return [n.strip().strip("'\"") for n in inner.split(",") if n.strip()]


def parse_args(tokens: Sequence[str], now: datetime | None = None) -> Options:
    """Read ``key=value`` tokens into :class:`Options`.

    The config overrides are checked by :func:`prepare`; when the other arguments have problems
    they are checked here too, so that every problem is reported at once.

    Args:
        tokens: The command-line arguments after ``validate``.
        now: The time that names the default output directory (default: now).

    Returns:
        The options.

    Raises:
        InputError: Every problem with the tokens, one plain line each.

    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    overrides: list[str] = []
    for token in tokens:
        key, sep, text = token.partition("=")
        bare = key.lstrip("+~")
        if token in ("-m", "--multirun"):
            problems.append(f"{token}: not supported; validate runs every seed itself (jobs=N)")
        elif not sep:
            problems.append(f"{token!r}: expected key=value (e.g. seeds=10)")
        elif key == "seeds":
            values["seeds"] = _whole(key, text, 2, problems)
        elif key == "first_seed":
            values["first_seed"] = _whole(key, text, 0, problems)
        elif key == "jobs":
            values["jobs"] = _whole(key, text, 1, problems)
        elif key == "out":
            values["out"] = Path(text) if text else None
            if not text:
                problems.append("out: give a directory, e.g. out=results/validate")
        elif key in ("threshold", "control_threshold"):
            try:
                values[key] = float(text)
            except ValueError:
                values[key] = None
            if values[key] is None or not 0.0 <= values[key] <= 1.0:
                problems.append(f"{key}: {text!r} is not a share in [0, 1]")
                values[key] = None
        elif key == "case":
            values["case"] = text
            if text != ALL_CASES and text in available_cases():
                overrides.append(token)  # the case's scenario, network and shocks
        elif key == "counterfactuals":
            values["counterfactuals"] = tuple(dict.fromkeys(_names(text)))
        elif bare == "counterfactual":
            problems.append(
                f"{token}: validate runs the baseline and the counterfactuals itself; "
                "choose them with counterfactuals=[...]"
            )
        elif bare == "seed":
            problems.append(
                f"{token}: validate sets the seed of each run; use seeds= and first_seed="
            )
        elif bare.startswith("hydra."):
            problems.append(f"{token}: Hydra settings do not apply to validate; use out=DIR")
        elif "." not in bare and bare not in _config_names():
            problems.append(_unknown_argument(bare))
        else:
            overrides.append(token)
    given = {k: v for k, v in values.items() if v is not None}
    options = Options(**given, overrides=tuple(overrides))
    if "counterfactuals" not in values:
        options = replace(options, counterfactuals=case_counterfactuals(options.case))
    problems += check_options(options)
    if problems:
        raise InputError(problems + _override_problems(overrides))
    return replace(options, out=default_out(now)) if options.out is None else options


ALL_CASES = "all"
"""``case=all``: every case with an observed outcome (:mod:`experiments.validate_cases`)."""


def case_counterfactuals(case: str) -> tuple[str, ...]:
    """The counterfactuals a case's spec lists, else the default ones (none for ``all``)."""
    if case == ALL_CASES:
        return ()
    try:
        spec = load_spec(case)
    except InputError:
        return tuple(COUNTERFACTUALS)  # the bad case is reported by check_options
    return tuple(COUNTERFACTUALS) if spec.counterfactuals is None else spec.counterfactuals


ARGUMENTS = ("seeds", "first_seed", "jobs", "out", "threshold", "counterfactuals", "case")
"""validate's own arguments (any other ``key=value`` is a config override)."""


def _config_names() -> set[str]:
    """Top-level config keys and config groups (what an override may start with)."""
    from sim.api import compose
    from sim.paths import config_dirs

    groups = {p.name for d in config_dirs() for p in d.iterdir() if p.is_dir()}
    return set(compose([])) | groups


def _unknown_argument(key: str) -> str:
    """The line for an argument that is neither validate's own nor a config key."""
    from sim.errors import did_you_mean

    close = did_you_mean(key, [*ARGUMENTS, *sorted(_config_names() - {"seed", "hydra"})])
    return (
        f"{key}: unknown argument{close}; validate's arguments: {', '.join(ARGUMENTS)}, "
        "or a config override such as params.coalition.recruit_rate=0.1"
    )


def _override_problems(overrides: list[str]) -> list[str]:
    """Problems with the config overrides alone (so bad arguments and overrides show together)."""
    from sim.api import load_config

    try:
        load_config(overrides)
    except InputError as exc:
        return exc.problems
    return []


def default_out(now: datetime | None = None) -> Path:
    """``outputs/validate/DATE/TIME`` (relative to the working directory)."""
    return Path("outputs/validate") / (now or datetime.now()).strftime("%Y-%m-%d/%H-%M-%S")


MAX_SEEDS = 10_000
"""At most this many seeds (each runs the baseline and every counterfactual)."""
MAX_SEED = 2**63 - 1
MAX_JOBS = 256
SECONDS_PER_RUN = 0.5
"""About the time of one Mexico run (docs/performance.md), for the message of too many seeds."""


def check_options(options: Options) -> list[str]:
    """Problems with option values (case, counterfactual names, seed count, output path)."""
    problems = []
    known = available_counterfactuals()
    if options.case == ALL_CASES:
        pass
    elif options.case not in available_cases():
        problems.append(
            f"case: no case {options.case!r} (no patterns/{options.case}.yaml); available: "
            f"{', '.join(available_cases())}, or all (docs/cases.md)"
        )
    else:
        try:
            spec = load_spec(options.case)
        except InputError as exc:
            problems += exc.problems
        else:
            if spec.control not in known:
                problems.append(
                    f"{spec.path}: control: no counterfactual {spec.control!r}; "
                    f"available: {', '.join(known)}"
                )
            missing = [m for m in METRICS if m != "continuity_index" and m not in spec.metrics]
            if missing:
                problems.append(f"{spec.path}: metrics: missing {', '.join(missing)}")
    unknown = [n for n in options.counterfactuals if n not in known]
    if unknown:
        problems.append(
            f"counterfactuals: no counterfactual {', '.join(map(repr, unknown))}; "
            f"available: {', '.join(known)}"
        )
    if options.seeds < 2:
        problems.append(f"seeds: {options.seeds} is too small; at least 2 (an interval needs two)")
    elif options.seeds > MAX_SEEDS:
        runs = options.seeds * (1 + len(options.counterfactuals))
        problems.append(
            f"seeds: {options.seeds:,} is too many; at most {MAX_SEEDS:,} ({runs:,} runs would "
            f"take about {runs * SECONDS_PER_RUN / 3600 / max(options.jobs, 1):,.0f} hours with "
            f"jobs={options.jobs})"
        )
    if options.first_seed + options.seeds - 1 > MAX_SEED:
        problems.append(f"first_seed: {options.first_seed} is too large; at most 2**63 - 1 - seeds")
    if options.jobs > MAX_JOBS:
        problems.append(f"jobs: {options.jobs} is too many; at most {MAX_JOBS} worker processes")
    if options.out is not None and options.out.exists() and not options.out.is_dir():
        problems.append(f"out: {str(options.out)!r} exists and is not a directory")
    return problems


# --------------------------------------------------------------------------- configs
def prepare(options: Options, spec: PatternSpec | None = None) -> dict[str, Config]:
    """Compose and validate the config of each variant once (seeded with ``first_seed``).

    Raises:
        InputError: Every problem with the overrides, in any variant, or with the horizon of the
            baseline and the control, before any run.

    """
    from sim.api import load_config

    spec = spec or load_spec(options.case)
    configs: dict[str, Config] = {}
    problems: list[str] = []
    for variant in options.variants(spec.control):
        choice = "none" if variant == BASELINE else variant
        try:
            cfg = load_config([*options.overrides, f"counterfactual={choice}"], options.first_seed)
        except InputError as exc:
            prefix = "" if variant == BASELINE else f"with counterfactual {variant}: "
            problems += [f"{prefix}{p}" for p in exc.problems if p not in problems]
            if variant == BASELINE:
                break
            continue
        configs[variant] = cfg
        if variant in (BASELINE, spec.control):
            problems += [p for p in horizon_problems(cfg, spec) if p not in problems]
    if problems:
        raise InputError(problems)
    return configs


def planned_anchors(cfg: Config) -> Anchors:
    """The anchors a run of ``cfg`` will have, as far as the config fixes them.

    T0 is the first scheduled turnover at or after the launch (``dates`` and ``term`` modes),
    else ``scenario.reference_date`` (no turnover; with ``stochastic`` turnovers T0 is drawn in
    the run, and the check uses ``scenario.reference_date``).
    """
    from sim.config import focus_month

    sc, turnover = cfg.scenario, cfg.shocks.turnover
    start, end = parse_month(sc.start), parse_month(sc.end)
    launch = parse_month(sc.strategy_launch)
    focus = focus_month(cfg) or launch
    if turnover.mode == "dates":
        months = [parse_month(d) for d in turnover.dates]
    elif turnover.mode == "term":
        months = list(range(parse_month(turnover.first), end + 1, turnover.term_months))
    else:
        months = []
    after = sorted(m for m in months if m >= focus and start < m <= end)
    t0 = after[0] if after else parse_month(sc.reference_date)
    return Anchors(t0=t0, launch=launch, start=start, end=end)


def horizon_problems(cfg: Config, spec: PatternSpec) -> list[str]:
    """The horizon must cover every month the spec's windows read (start/end anchors aside)."""
    anchors = planned_anchors(cfg)
    needed = [
        p.month(anchors)
        for w in spec.windows()
        for p in (w.first, w.last)
        if p.anchor not in ("start", "end")
    ]
    if not needed:
        return []
    first, last = min(needed), max(needed)
    if anchors.start <= first and last <= anchors.end:
        return []
    sc = cfg.scenario
    return [
        f"scenario.start/end: {sc.start}..{sc.end} must include {format_month(first)}.."
        f"{format_month(last)} (the windows of {spec.path.name} with T0 = "
        f"{format_month(anchors.t0)}, e.g. T0+{last - anchors.t0})"
    ]


# --------------------------------------------------------------------------- runs
def window_mean(timeseries: pd.DataFrame, window: Window, anchors: Anchors) -> float:
    """Mean monthly total momentum over ``window`` (NaN unless the run covers all of it)."""
    first, last = window.months(anchors)
    months = np.array([parse_month(d) for d in timeseries["date"]])
    inside = (months >= first) & (months <= last)
    if int(inside.sum()) != last - first + 1:
        return float("nan")
    return float(timeseries.loc[inside, "momentum"].mean())


def metric_values(
    timeseries: pd.DataFrame, summary: dict[str, Any], spec: PatternSpec, launch: str | None = None
) -> dict[str, float]:
    """The spec's momentum metrics of one run (:func:`window_mean` of each window)."""
    from experiments.patterns import Run

    anchors = Run(timeseries, summary, launch).anchors
    return {name: window_mean(timeseries, w, anchors) for name, w in spec.metrics.items()}


def momentum_2024(timeseries: pd.DataFrame) -> float:
    """Mean monthly total momentum over the calendar year 2024 (the column of earlier versions).

    Kept for compatibility: the same as the Mexico spec's ``momentum_2024`` window.
    """
    spec = load_spec(DEFAULT_CASE)
    start = parse_month(timeseries["date"].iloc[0])
    anchors = Anchors(t0=start, launch=None, start=start, end=start + len(timeseries) - 1)
    return window_mean(timeseries, spec.metrics["momentum_2024"], anchors)


def _run_one(task: tuple[str, Config, PatternSpec, bool]) -> dict[str, Any]:
    """One run of one variant and seed: its metrics, patterns (if asked) and trajectory."""
    from experiments.patterns import evaluate
    from sim.api import run

    variant, cfg, spec, judged = task
    result = run(cfg, keep_model=False)
    ts, summary = result.timeseries, result.summary
    launch = cfg.scenario.strategy_launch
    record = {"variant": variant, "seed": cfg.seed}
    record.update(metric_values(ts, summary, spec, launch))
    record.update({k: summary.get(k) for k in SUMMARY_SCALARS})
    return {
        "record": record,
        "patterns": evaluate(ts, summary, spec, launch) if judged else None,
        "turnovers": list(summary.get("turnovers", [])),
        "dates": ts["date"].to_numpy(),
        "momentum": ts["momentum"].to_numpy(),
    }


def _tasks(
    options: Options, configs: dict[str, Config], spec: PatternSpec
) -> list[tuple[str, Config, PatternSpec, bool]]:
    tasks = []
    for variant in options.variants(spec.control):
        for seed in options.seed_list:
            cfg = copy.deepcopy(configs[variant])
            cfg.seed = seed
            tasks.append((variant, cfg, spec, variant in (BASELINE, spec.control)))
    return tasks


def _execute(tasks: list[tuple[Any, ...]], jobs: int, progress: bool) -> list[dict[str, Any]]:
    """Run every task, in task order whatever ``jobs`` is; a progress bar on stderr."""
    from tqdm import tqdm

    bar = tqdm(
        total=len(tasks),
        desc="validate",
        unit="run",
        file=sys.stderr,
        disable=None if progress else True,
        leave=False,
    )
    try:
        if jobs == 1:
            results = []
            for task in tasks:
                results.append(_run_one(task))
                bar.update()
            return results
        chunk = max(1, len(tasks) // (jobs * 8))
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            results = []
            for res in pool.map(_run_one, tasks, chunksize=chunk):
                results.append(res)
                bar.update()
            return results
    finally:
        bar.close()


def _tables(results: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``runs``, ``pattern_runs`` and ``trajectories`` from the ordered results."""
    runs = pd.DataFrame([r["record"] for r in results])
    for col in ("continuity_index", "momentum_before_turnover", "min_momentum_ratio"):
        runs[col] = runs[col].astype(float)  # a null summary value becomes NaN
    runs["nonstate_share"] = runs["nonstate_share"].astype(float)
    runs["months_to_recover"] = runs["months_to_recover"].astype("Int64")
    runs["posterior_particle"] = runs["posterior_particle"].astype("Int64")
    for col in ("reference_date", "law_passed_date"):
        runs[col] = runs[col].astype("string")
    pattern_rows = [
        {"variant": r["record"]["variant"], "seed": r["record"]["seed"]}
        | {"number": i + 1, "pattern": name, "held": held}
        for r in results
        if r["patterns"] is not None
        for i, (name, held) in enumerate(r["patterns"].items())
    ]
    columns = ["variant", "seed", "number", "pattern", "held"]
    pattern_runs = pd.DataFrame(pattern_rows, columns=columns)
    pattern_runs["held"] = pattern_runs["held"].astype(bool)
    trajectories = pd.concat(
        [
            pd.DataFrame(
                {
                    "variant": r["record"]["variant"],
                    "seed": r["record"]["seed"],
                    "date": r["dates"],
                    "momentum": r["momentum"],
                }
            )
            for r in results
        ],
        ignore_index=True,
    )
    return runs, pattern_runs, trajectories


# --------------------------------------------------------------------------- the whole command
def run_validation(options: Options, progress: bool = True) -> Validation:
    """Check the configs, run every variant on every seed, tabulate and write the outputs.

    Args:
        options: What to validate (e.g. from :func:`parse_args`).
        progress: Show a progress bar on stderr (only when it is a terminal).

    Returns:
        The :class:`Validation`, with the files written into ``options.out``.

    Raises:
        InputError: A problem with the options or the config overrides (nothing is run or
            written).

    """
    problems = check_options(options)
    if problems:
        raise InputError(problems)
    if options.out is None:
        options = replace(options, out=default_out())
    spec = load_spec(options.case)
    configs = prepare(options, spec)
    results = _execute(_tasks(options, configs, spec), options.jobs, progress)
    runs, pattern_runs, trajectories = _tables(results)
    baseline = runs[runs["variant"] == BASELINE]
    t0 = str(baseline["reference_date"].mode().iloc[0])
    turnovers = [set(r["turnovers"]) for r in results if r["record"]["variant"] == BASELINE]
    common = set.intersection(*turnovers)
    validation = Validation(
        options=options,
        spec=spec,
        patterns=pattern_table(pattern_runs, spec, options.threshold, options.control_threshold),
        comparisons=compare(runs, options.counterfactuals, BASELINE),
        runs=runs,
        pattern_runs=pattern_runs,
        trajectories=trajectories,
        t0=t0,
        turnovers=sorted(common),
        posterior=_posterior_file(configs[BASELINE]),
    )
    validation.files = write(validation)
    return validation


def _posterior_file(cfg: Config) -> str | None:
    """The posterior file a config draws its parameters from, as shown to the user."""
    from sim.posterior import display_path, resolve

    spec = cfg.params.posterior
    return None if spec is None else display_path(resolve(spec.file))


def write(validation: Validation) -> list[Path]:
    """Write the Markdown report, the figure and the three tables into ``options.out``."""
    from analysis.validation_figure import plot_validation
    from sim.schemas import VALIDATE_PATTERNS, VALIDATE_TRAJECTORIES, validate_runs, write_parquet

    out = Path(validation.options.out)
    out.mkdir(parents=True, exist_ok=True)
    markdown = format_markdown(validation)
    metrics = [c for c in validation.runs.columns if c not in ("variant", "seed", *SUMMARY_SCALARS)]
    runs_schema = validate_runs(metrics)
    writers: dict[str, Callable[[str], Any]] = {
        "validation.md": lambda p: Path(p).write_text(markdown, encoding="utf-8"),
        "validation.png": lambda p: plot_validation(
            validation.trajectories, validation.t0, p, turnovers=validation.turnovers
        ),
        "patterns.parquet": lambda p: write_parquet(validation.pattern_runs, VALIDATE_PATTERNS, p),
        "runs.parquet": lambda p: write_parquet(validation.runs, runs_schema, p),
        "trajectories.parquet": lambda p: write_parquet(
            validation.trajectories, VALIDATE_TRAJECTORIES, p
        ),
    }
    return [atomic_write(out / name, writers[name]) for name in FILES]


__all__ = [
    "BASELINE",
    "COUNTERFACTUALS",
    "METRICS",
    "Options",
    "Validation",
    "available_counterfactuals",
    "default_out",
    "momentum_2024",
    "parse_args",
    "prepare",
    "format_text",
    "horizon_problems",
    "metric_values",
    "planned_anchors",
    "run_validation",
    "window_mean",
]
