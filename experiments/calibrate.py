"""The calibration procedure of the Mexico scenario, runnable (docs/calibration.md).

Two modes, both over seeds ``first_seed .. first_seed + seeds - 1`` of the scenario as configured
(``conf/`` plus any overrides):

* ``check`` (default): the share of seeds in which each pattern of the Mexico spec holds
  (``conf/patterns/mexico.yaml``, docs/validation.md) and the statistics of the calibration targets across seeds
  (:data:`TARGETS`). One hand-tuning round = one check with the candidate values as overrides.
* ``sweep``: one-at-a-time sensitivity. Each parameter of the grid is set to ``factor × value``
  for each factor (clipped to the range ``sim/config.py`` allows), all else at the defaults, and
  the pattern shares are reported per variant: which patterns fail when a parameter moves is
  what pins it (the identifiability table of docs/calibration.md).

Arguments: ``python -m experiments.calibrate --help`` (:data:`USAGE`). Exit code 0, or 2 with
one line per problem for bad input (nothing is run then).
"""

from __future__ import annotations

import copy
import dataclasses
import multiprocessing
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration_tables import TARGETS, check_report, sweep_report, target_values
from experiments.pattern_spec import DEFAULT_CASE, PatternSpec, load_spec
from experiments.patterns import evaluate
from experiments.validate import _names, _override_problems, _whole, horizon_problems
from sim.config import Config
from sim.errors import InputError

PARAMETERS: dict[str, tuple[str, ...]] = {
    "momentum": ("params.momentum.decay",),
    "federal": ("params.federal.base_budget", "params.federal.budget_adjust"),
    "coalition": (
        "params.coalition.recruit_rate",
        "params.coalition.outreach_rate",
        "params.coalition.join_threshold",
        "params.coalition.intake",
        "params.coalition.nonmember_engagement",
    ),
    "states": ("params.states.initiative_rate", "params.states.initiative_threshold"),
    "senate": (
        "params.senate.bill_rate",
        "params.senate.passage_rate",
        "params.senate.base_support",
        "params.senate.coalition_lobbying",
        "params.commitment.susceptibility.senate",
    ),
    "dpa": ("params.dpa.guidance_rate",),
    "international": ("params.international.join_base",),
    "response": (
        "params.response.withdrawal_tolerance",
        "params.response.signal",
        "params.response.fatigue_rate",
        "params.response.fatigue_recovery",
        "params.response.fatigue_effect",
        "params.response.mobilisation",
        "params.response.capacity_reference",
        "params.response.venue_shift",
    ),
    "turnover": (
        "params.turnover.inheritance",
        "params.turnover.branding_penalty",
        "params.turnover.baseline_priority",
        "params.turnover.coalition_pressure",
        "params.turnover.salience_weight",
        "params.turnover.relaunch_threshold",
    ),
    "assumptions": (
        "shocks.funding_cut.size",
        "shocks.elections.fresh_concentration",
        "network.organizations_pool",
        "network.companies",
        "scenario.federal_dependence",
    ),
}
"""The parameters set in the calibration, by group; ``assumptions`` are fixed by assumption,
not by the patterns. ``grid=all`` sweeps every one."""

USAGE = """usage: python -m experiments.calibrate [check|sweep] [seeds=20] [first_seed=0] [jobs=1]
           [grid=all|GROUP|KEY|[KEY,...]] [factors=[0.5,1.5]] [threshold=0.8] [out=FILE.md]
           [config overrides]

  check   (default) share of seeds in which each pattern (docs/validation.md) holds, and the
          calibration targets across seeds, for conf/ plus the overrides
  sweep   one parameter at a time at factor × its value (clipped to its range): pattern
          shares per variant and which patterns pin which parameter; grid= implies sweep
  grid    all (default), a group (momentum, federal, coalition, states, senate, dpa,
          international, response, turnover, assumptions), a config key, or a list of keys
  e.g.  python -m experiments.calibrate seeds=50 jobs=2 params.coalition.recruit_rate=0.2
        python -m experiments.calibrate sweep seeds=50 jobs=2 out=sweep.md
        python -m experiments.calibrate grid=coalition factors=[0.8,1.2]
"""


@dataclass(frozen=True)
class Options:
    """What to run (see the module docstring); ``grid`` is a tuple of config keys."""

    mode: str = "check"
    seeds: int = 20
    first_seed: int = 0
    jobs: int = 1
    grid: tuple[str, ...] = ()
    factors: tuple[float, ...] = (0.5, 1.5)
    threshold: float = 0.8
    out: Path | None = None
    overrides: tuple[str, ...] = ()


@dataclass(frozen=True)
class Variant:
    """One configuration: a label, the parameter moved (if any) and the validated config."""

    label: str
    key: str | None
    factor: float | None
    value: float | None
    default: float | None
    config: Config


# --------------------------------------------------------------------------- arguments
def grid_keys(text: str) -> list[str]:
    """``all``, a group of :data:`PARAMETERS`, or config keys (one, or a ``[a,b]`` list)."""
    names = _names(text)
    if names == ["all"]:
        return [k for keys in PARAMETERS.values() for k in keys]
    return [k for n in names for k in PARAMETERS.get(n, (n,))]


def parse_args(tokens: Sequence[str]) -> Options:
    """Read the command-line tokens into :class:`Options`.

    Raises:
        InputError: Every problem with the tokens and the config overrides, one line each.

    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    overrides: list[str] = []
    for i, token in enumerate(tokens):
        key, sep, text = token.partition("=")
        bare = key.lstrip("+~")
        if token in ("check", "sweep"):
            values["mode"] = token
            if i > 0:
                problems.append(f"{token}: the mode comes first (e.g. {token} seeds=10)")
        elif not sep:
            problems.append(f"{token!r}: expected check, sweep or key=value (e.g. seeds=10)")
        elif key in ("seeds", "first_seed", "jobs"):
            values[key] = _whole(key, text, {"seeds": 2, "first_seed": 0, "jobs": 1}[key], problems)
        elif key == "grid":
            values["grid"] = tuple(dict.fromkeys(grid_keys(text)))
            if not values["grid"]:
                problems.append("grid: name a group, a key or a list of keys (e.g. grid=coalition)")
        elif key in ("factors", "threshold"):
            values[key] = _numbers(key, text, problems)
        elif key == "out":
            values["out"] = Path(text) if text else None
            if not text or Path(text).is_dir():
                problems.append(f"out: {text!r} is not a file name (e.g. out=calibration.md)")
        elif bare == "seed":
            problems.append(f"{token}: the seeds are set by seeds= and first_seed=")
        elif bare.startswith("hydra.") or token in ("-m", "--multirun"):
            problems.append(f"{token}: Hydra settings and multirun do not apply here")
        else:
            overrides.append(token)
    if values.get("grid") and values.get("mode") == "check":
        problems.append("grid: a grid is swept; use sweep (or leave out check)")
    if "grid" in values:
        values["mode"] = "sweep"
    if values.get("mode") == "sweep" and "grid" not in values:
        values["grid"] = tuple(grid_keys("all"))
    if "threshold" in values and values["threshold"] is not None:
        values["threshold"] = values["threshold"][0]
    if problems:
        raise InputError(problems + _override_problems(overrides))
    return Options(**{k: v for k, v in values.items() if v is not None}, overrides=tuple(overrides))


def _numbers(key: str, text: str, problems: list[str]) -> tuple[float, ...] | None:
    try:
        numbers = tuple(float(n) for n in _names(text))
    except ValueError:
        numbers = ()
    bad = not numbers or (key == "threshold" and (len(numbers) > 1 or not 0 <= numbers[0] <= 1))
    if bad or any(n < 0 or not np.isfinite(n) for n in numbers):
        wanted = (
            "a share in [0, 1]" if key == "threshold" else "a list of factors ≥ 0, e.g. [0.5,1.5]"
        )
        problems.append(f"{key}: {text!r} is not {wanted}")
        return None
    return numbers


# --------------------------------------------------------------------------- configurations
def parameter(cfg: Any, key: str) -> tuple[Any, tuple[float | None, float | None]]:
    """The value of a dotted config key and its allowed range (``sim/config.py`` metadata).

    Raises:
        KeyError: ``key`` names no numeric setting.

    """
    node, bounds = cfg, (None, None)
    for part in key.split("."):
        if dataclasses.is_dataclass(node):
            field = {f.name: f for f in dataclasses.fields(node)}.get(part)
            if field is None:
                raise KeyError(key)
            bounds = field.metadata.get("range", (None, None))
            node = getattr(node, part)
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(key)
    if isinstance(node, bool) or not isinstance(node, int | float):
        raise KeyError(key)
    return node, bounds


def variants(options: Options) -> list[Variant]:
    """The baseline and, in sweep mode, each grid key at each factor (composed once each).

    Raises:
        InputError: Bad overrides, unknown or non-numeric grid keys (before any run).

    """
    from sim.api import compose, load_config
    from sim.config import validate

    base = load_config(list(options.overrides), options.first_seed)
    out = [Variant("baseline", None, None, None, None, base)]
    problems = []
    data = compose(list(options.overrides)) if options.grid else {}
    for key in options.grid:
        try:
            value, (low, high) = parameter(base, key)
        except KeyError:
            problems.append(f"grid: {key!r} is not a numeric config key or a group of PARAMETERS")
            continue
        for factor in options.factors:
            new = min(
                max(value * factor, -np.inf if low is None else low),
                np.inf if high is None else high,
            )
            new = int(round(new)) if isinstance(value, int) else float(new)
            if new == value or any(v.key == key and v.value == new for v in out):
                continue  # clipped back to the default or to a value already run
            label = f"{key} ×{factor:g}"
            try:
                cfg = validate(_with(data, key, new) | {"seed": options.first_seed})
            except InputError as exc:  # e.g. budget shares that no longer sum to at most 1
                problems += [f"grid: {label} = {new:g}: {p}" for p in exc.problems]
                continue
            out.append(Variant(label, key, factor, new, value, cfg))
    if problems:
        raise InputError(problems)
    return out


def _with(data: dict[str, Any], key: str, value: float) -> dict[str, Any]:
    """A deep copy of a composed config with the dotted ``key`` set to ``value``."""
    moved = copy.deepcopy(data)
    *path, last = key.split(".")
    node = moved
    for part in path:
        node = node[part]
    node[last] = value
    return moved


# --------------------------------------------------------------------------- runs
def measure(task: tuple[str, Config]) -> dict[str, Any]:
    """One run: its variant label, seed, pattern checks and target values."""
    from sim.api import run

    label, cfg = task
    result = run(cfg, keep_model=False)
    ts, summary = result.timeseries, result.summary
    launch = cfg.scenario.strategy_launch
    held = evaluate(ts, summary, load_spec(DEFAULT_CASE), launch)
    return {"variant": label, "seed": cfg.seed} | held | target_values(ts, summary, launch)


def run_all(tasks: list[tuple[str, Config]], jobs: int) -> pd.DataFrame:
    """Every task, in order; ``jobs`` worker processes (spawned) when more than one."""
    from tqdm import tqdm

    bar = tqdm(
        total=len(tasks), desc="calibrate", unit="run", file=sys.stderr, leave=False, disable=None
    )
    rows: list[dict[str, Any]] = []
    try:
        if jobs == 1:
            for task in tasks:
                rows.append(measure(task))
                bar.update()
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                chunk = max(1, len(tasks) // (jobs * 8))
                for row in pool.map(measure, tasks, chunksize=chunk):
                    rows.append(row)
                    bar.update()
    finally:
        bar.close()
    return pd.DataFrame(rows)


def calibrate(options: Options) -> tuple[pd.DataFrame, list[Variant]]:
    """Compose every variant, then run it on every seed.

    Returns:
        One row per variant × seed (``variant``, ``seed``, one bool column per pattern, one
        column per target), and the variants.

    """
    chosen = variants(options)
    seeds = range(options.first_seed, options.first_seed + options.seeds)
    tasks = [
        (v.label, dataclasses.replace(copy.deepcopy(v.config), seed=s))
        for v in chosen
        for s in seeds
    ]
    return run_all(tasks, options.jobs), chosen


def report(options: Options, runs: pd.DataFrame, chosen: list[Variant], seconds: float) -> str:
    """The Markdown report of a check or a sweep."""
    sc = chosen[0].config.scenario
    spec: PatternSpec = load_spec(DEFAULT_CASE)
    short = horizon_problems(chosen[0].config, spec)
    seeds = (
        f"{options.seeds} seeds ({options.first_seed}..{options.first_seed + options.seeds - 1})"
    )
    head = [
        f"# Calibration {options.mode} — Mexico scenario, {seeds}",
        "",
        f"- Date: {date.today().isoformat()}; {len(runs)} runs in {seconds:.0f} s "
        f"(jobs={options.jobs})",
        f"- Config overrides: {', '.join(f'`{o}`' for o in options.overrides) or 'none'}",
        f"- Horizon: {sc.start}..{sc.end}"
        + (" (does not cover every pattern window: windows are cut short)" if short else ""),
    ]
    if options.mode == "check":
        return "\n".join(head + ["", *check_report(runs, spec)])
    return "\n".join(head + ["", *sweep_report(runs, chosen, options.threshold, spec)])


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m experiments.calibrate``: parse, run, print (and write) the report."""
    import time

    args = sys.argv[1:] if argv is None else list(argv)
    if {"-h", "--help"}.intersection(args):
        print(USAGE)
        return 0
    start = time.perf_counter()
    try:
        options = parse_args(args)
        runs, chosen = calibrate(options)
    except InputError as exc:
        print("calibrate: invalid input", file=sys.stderr)
        print("\n".join(f"  - {p}" for p in exc.problems), file=sys.stderr)
        return 2
    text = report(options, runs, chosen, time.perf_counter() - start)
    print(text)
    if options.out is not None:
        options.out.parent.mkdir(parents=True, exist_ok=True)
        options.out.write_text(text + "\n", encoding="utf-8")
    return 0


__all__ = ["PARAMETERS", "TARGETS", "Options", "calibrate", "main", "parse_args"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
