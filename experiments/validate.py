"""``continuity validate``: the Mexico scenario over many seeds, against the patterns of BRIEF §4.

A validation runs the baseline (the scenario as configured) and each counterfactual of
``conf/counterfactual/`` on the same seeds (common random numbers) and reports

* for each of the nine patterns (:mod:`experiments.patterns`), the share of baseline seeds in
  which it holds, against a threshold (default 80 %);
* for each counterfactual, the paired difference counterfactual − baseline of two metrics, with a
  95 % t-interval over seeds (:mod:`experiments.validation_tables`).

The metrics of one run are

* ``momentum_2024``: the mean of the monthly total ``momentum`` over the twelve months
  2024-01..2024-12 (NaN if the run does not cover all of 2024);
* ``continuity_index``: from the run summary, M(T0 + 24) / M(T0 − 1) (NaN where it is null).

Arguments are ``key=value`` tokens: ``seeds=50``, ``first_seed=0``, ``out=DIR``, ``jobs=1``,
``counterfactuals=[a,b]``, ``threshold=0.8``; every other token is a config override applied to
the baseline and to every counterfactual. Everything is checked before the first run.
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

import pandas as pd

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
from sim.dates import parse_month
from sim.errors import InputError
from sim.paths import group_options

YEAR = "2024"
"""The calendar year whose mean momentum is ``momentum_2024``."""

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
)
"""Summary values copied into ``runs.parquet`` (nulls become NaN / None)."""

FILES = (
    "validation.md",
    "validation.png",
    "patterns.parquet",
    "runs.parquet",
    "trajectories.parquet",
)

USAGE = """usage: continuity validate [seeds=50] [first_seed=0] [jobs=1] [out=DIR]
                           [counterfactuals=[a,b]] [threshold=0.8] [config overrides]

Runs the Mexico scenario and each counterfactual on the same seeds (first_seed .. first_seed +
seeds - 1), prints the share of seeds in which each pattern of BRIEF §4 holds and each
counterfactual's paired difference from the baseline (2024 momentum, continuity index, 95 %
interval), and writes validation.md, validation.png and the tables (Parquet) into out
(default outputs/validate/DATE/TIME). Config overrides apply to every variant.

Exit code: 0 if every pattern holds in at least threshold of the seeds, 1 if not, 2 for bad input.
  e.g.  continuity validate seeds=10 jobs=2
        continuity validate counterfactuals=[no_coalition,deep_cut] params.coalition.recruit_rate=0.1
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
        overrides: Config overrides applied to the baseline and every counterfactual.

    """

    seeds: int = 50
    first_seed: int = 0
    out: Path | None = None
    jobs: int = 1
    counterfactuals: tuple[str, ...] = tuple(COUNTERFACTUALS)
    threshold: float = 0.8
    overrides: tuple[str, ...] = ()

    @property
    def seed_list(self) -> list[int]:
        """The seeds, in order."""
        return list(range(self.first_seed, self.first_seed + self.seeds))

    @property
    def variants(self) -> list[str]:
        """The baseline, then the counterfactuals."""
        return [BASELINE, *self.counterfactuals]


@dataclass
class Validation:
    """The outcome of :func:`run_validation`.

    Attributes:
        options: What was validated (``out`` resolved).
        patterns: Per pattern: ``number``, ``name``, ``text``, ``held``, ``n``, ``share``,
            ``passed``.
        comparisons: Per counterfactual × metric: paired differences with a 95 % interval.
        runs: One row per variant × seed with the metrics.
        pattern_runs: One row per baseline seed × pattern with ``held``.
        trajectories: Long table ``variant, seed, date, momentum``.
        t0: The turnover the patterns are measured from (``YYYY-MM``).
        turnovers: Turnover dates common to every baseline run.
        files: Paths written.

    """

    options: Options
    patterns: pd.DataFrame
    comparisons: pd.DataFrame
    runs: pd.DataFrame
    pattern_runs: pd.DataFrame
    trajectories: pd.DataFrame
    t0: str
    turnovers: list[str]
    files: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> pd.DataFrame:
        """The patterns holding in fewer than ``threshold`` of the seeds."""
        return self.patterns[~self.patterns["passed"]]

    @property
    def exit_code(self) -> int:
        """0 if every pattern reaches the threshold, else 1."""
        return 0 if self.failed.empty else 1


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
        elif key == "threshold":
            try:
                values["threshold"] = float(text)
            except ValueError:
                values["threshold"] = None
            if values["threshold"] is None or not 0.0 <= values["threshold"] <= 1.0:
                problems.append(f"threshold: {text!r} is not a share in [0, 1]")
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
    problems += check_options(options)
    if problems:
        raise InputError(problems + _override_problems(overrides))
    return replace(options, out=default_out(now)) if options.out is None else options


ARGUMENTS = ("seeds", "first_seed", "jobs", "out", "threshold", "counterfactuals")
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


def check_options(options: Options) -> list[str]:
    """Problems with option values (counterfactual names, seed count, output path)."""
    problems = []
    known = available_counterfactuals()
    unknown = [n for n in options.counterfactuals if n not in known]
    if unknown:
        problems.append(
            f"counterfactuals: no counterfactual {', '.join(map(repr, unknown))}; "
            f"available: {', '.join(known)}"
        )
    if options.seeds < 2:
        problems.append(f"seeds: {options.seeds} is too small; at least 2 (an interval needs two)")
    if options.out is not None and options.out.exists() and not options.out.is_dir():
        problems.append(f"out: {str(options.out)!r} exists and is not a directory")
    return problems


# --------------------------------------------------------------------------- configs
def prepare(options: Options) -> dict[str, Config]:
    """Compose and validate the config of each variant once (seeded with ``first_seed``).

    Raises:
        InputError: Every problem with the overrides, in any variant, before any run.

    """
    from sim.api import load_config

    configs: dict[str, Config] = {}
    problems: list[str] = []
    for variant in options.variants:
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
        if variant == BASELINE:
            problems += _horizon_problems(cfg)
    if problems:
        raise InputError(problems)
    return configs


def _horizon_problems(cfg: Config) -> list[str]:
    """The patterns and ``momentum_2024`` read all of 2024: the horizon must cover it."""
    start, end = parse_month(cfg.scenario.start), parse_month(cfg.scenario.end)
    if start <= parse_month(f"{YEAR}-01") and end >= parse_month(f"{YEAR}-12"):
        return []
    return [
        f"scenario.start/end: {cfg.scenario.start}..{cfg.scenario.end} must include "
        f"{YEAR}-01..{YEAR}-12 (the patterns and momentum_2024 read {YEAR})"
    ]


# --------------------------------------------------------------------------- runs
def momentum_2024(timeseries: pd.DataFrame) -> float:
    """Mean monthly total momentum over 2024-01..2024-12 (NaN unless all 12 months are in)."""
    values = timeseries.loc[timeseries["date"].str.startswith(f"{YEAR}-"), "momentum"]
    return float(values.mean()) if len(values) == 12 else float("nan")


def _run_one(task: tuple[str, Config]) -> dict[str, Any]:
    """One run of one variant and seed: its metrics, patterns (baseline) and trajectory."""
    from experiments.patterns import evaluate
    from sim.api import run

    variant, cfg = task
    result = run(cfg, keep_model=False)
    ts, summary = result.timeseries, result.summary
    record = {"variant": variant, "seed": cfg.seed, "momentum_2024": momentum_2024(ts)}
    record.update({k: summary.get(k) for k in SUMMARY_SCALARS})
    return {
        "record": record,
        "patterns": evaluate(ts, summary) if variant == BASELINE else None,
        "turnovers": list(summary.get("turnovers", [])),
        "dates": ts["date"].to_numpy(),
        "momentum": ts["momentum"].to_numpy(),
    }


def _tasks(options: Options, configs: dict[str, Config]) -> list[tuple[str, Config]]:
    tasks = []
    for variant in options.variants:
        for seed in options.seed_list:
            cfg = copy.deepcopy(configs[variant])
            cfg.seed = seed
            tasks.append((variant, cfg))
    return tasks


def _execute(tasks: list[tuple[str, Config]], jobs: int, progress: bool) -> list[dict[str, Any]]:
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
    for col in ("reference_date", "law_passed_date"):
        runs[col] = runs[col].astype("string")
    pattern_rows = [
        {"seed": r["record"]["seed"], "number": i + 1, "pattern": name, "held": held}
        for r in results
        if r["patterns"] is not None
        for i, (name, held) in enumerate(r["patterns"].items())
    ]
    pattern_runs = pd.DataFrame(pattern_rows, columns=["seed", "number", "pattern", "held"])
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
    configs = prepare(options)
    results = _execute(_tasks(options, configs), options.jobs, progress)
    runs, pattern_runs, trajectories = _tables(results)
    baseline = runs[runs["variant"] == BASELINE]
    t0 = str(baseline["reference_date"].mode().iloc[0])
    common = set.intersection(*(set(r["turnovers"]) for r in results if r["patterns"] is not None))
    validation = Validation(
        options=options,
        patterns=pattern_table(pattern_runs, options.threshold),
        comparisons=compare(runs, options.counterfactuals, BASELINE),
        runs=runs,
        pattern_runs=pattern_runs,
        trajectories=trajectories,
        t0=t0,
        turnovers=sorted(common),
    )
    validation.files = write(validation)
    return validation


def write(validation: Validation) -> list[Path]:
    """Write the Markdown report, the figure and the three tables into ``options.out``."""
    from analysis.validation_figure import plot_validation
    from sim.schemas import VALIDATE_PATTERNS, VALIDATE_RUNS, VALIDATE_TRAJECTORIES, write_parquet

    out = Path(validation.options.out)
    out.mkdir(parents=True, exist_ok=True)
    markdown = format_markdown(validation)
    writers: dict[str, Callable[[str], Any]] = {
        "validation.md": lambda p: Path(p).write_text(markdown, encoding="utf-8"),
        "validation.png": lambda p: plot_validation(
            validation.trajectories, validation.t0, p, turnovers=validation.turnovers
        ),
        "patterns.parquet": lambda p: write_parquet(validation.pattern_runs, VALIDATE_PATTERNS, p),
        "runs.parquet": lambda p: write_parquet(validation.runs, VALIDATE_RUNS, p),
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
    "run_validation",
]
