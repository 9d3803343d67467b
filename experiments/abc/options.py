"""The settings of ``continuity calibrate``: compose ``conf/calibrate.yaml``, check everything.

The composed config has three parts: the run config of the case (what every simulation runs,
``conf/config.yaml``), ``calibration`` (priors, the pattern file, quantitative facts:
``conf/calibration/CASE.yaml``) and ``abc`` (the sampler's settings). :func:`load_options`
checks all of them before any simulation and reports every problem in one line each.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.pattern_spec import PatternSpec, load_spec
from experiments.pattern_windows import Point, Window, parse_point, parse_window
from sim.config import Config, validate
from sim.dotted import set_value
from sim.errors import ConfigError, InputError

ABC_KEYS = {
    "population": (int, 20, None),
    "max_generations": (int, 1, None),
    "min_epsilon": (float, 0.0, None),
    "quantile": (float, 0.05, 0.95),
    "defensive": (float, 0.01, 0.99),
    "min_acceptance": (float, 0.0, 1.0),
    "max_simulations": (int, 1, None),
    "replicates": (int, 1, 10),
    "jobs": (int, 1, None),
    "seed": (int, 0, 2**32 - 1),
    "predictive_draws": (int, 0, None),
}
"""``abc.KEY``: its type, lowest and highest allowed value (``None``: no bound)."""

RESUME_KEYS = ("population", "quantile", "defensive", "replicates", "seed")
"""``abc`` keys a resumed calibration must share with the stored one (the stopping rules,
``jobs``, ``out`` and ``predictive_draws`` may change: e.g. more generations)."""

FACT_KEYS = ("column", "added", "at", "window", "scale", "source")


@dataclass(frozen=True)
class Prior:
    """A uniform prior on one config key (dotted, e.g. ``params.coalition.intake``)."""

    key: str
    low: float
    high: float


@dataclass(frozen=True)
class Fact:
    """A quantitative fact: a monthly column's growth over a window, or its value at a month."""

    name: str
    column: str
    added: Window | None
    at: Point | None
    low: float
    high: float
    scale: float
    source: str


@dataclass(frozen=True)
class AbcSettings:
    """The sampler's settings (``abc.*`` of ``conf/calibrate.yaml``)."""

    population: int
    max_generations: int
    min_epsilon: float
    quantile: float
    defensive: float
    min_acceptance: float
    max_simulations: int
    replicates: int
    jobs: int
    seed: int
    predictive_draws: int
    out: Path


@dataclass(frozen=True)
class Calibration:
    """Everything a calibration needs, checked.

    Attributes:
        case: The case calibrated.
        data: The composed run config (a plain dict) every simulation starts from.
        config: ``data`` validated.
        spec: The case's patterns.
        priors: The calibrated keys with their priors.
        facts: The quantitative facts.
        abc: The sampler's settings.
        overrides: The command line's overrides (stored with the results).
        settings: What a resumed calibration must share with the stored one (plain data).

    """

    case: str
    data: dict[str, Any]
    config: Config
    spec: PatternSpec
    priors: tuple[Prior, ...]
    facts: tuple[Fact, ...]
    abc: AbcSettings
    overrides: tuple[str, ...]
    settings: dict[str, Any]

    @property
    def keys(self) -> list[str]:
        """The calibrated keys, in prior order."""
        return [p.key for p in self.priors]


def load_options(overrides: list[str]) -> Calibration:
    """Compose ``conf/calibrate.yaml`` with ``overrides`` and check it.

    Raises:
        InputError: Every problem found, one line each, before any simulation.
    """
    from sim.api import compose_collect

    data, problems = compose_collect(list(overrides), "calibrate")
    calibration = data.pop("calibration", None)
    abc = data.pop("abc", None)
    if problems:
        raise ConfigError(problems)
    try:
        config = validate(data)
    except ConfigError as exc:
        problems.extend(exc.problems)
        config = None
    settings = parse_abc(abc, problems)
    priors, facts, spec = parse_calibration(calibration, data, problems)
    if problems:
        raise ConfigError(problems)
    assert config is not None and settings is not None and spec is not None
    return Calibration(
        case=config.case.name,
        data=data,
        config=config,
        spec=spec,
        priors=priors,
        facts=facts,
        abc=settings,
        overrides=tuple(overrides),
        settings={
            "calibration": calibration,
            "abc": {k: abc[k] for k in RESUME_KEYS},
            "model": data,
        },
    )


def parse_abc(node: Any, problems: list[str]) -> AbcSettings | None:
    """``abc.*``: whole numbers and shares in their ranges, an output directory."""
    if not isinstance(node, dict):
        problems.append(f"abc: expected a mapping of settings, got {node!r}")
        return None
    values: dict[str, Any] = {}
    for key in sorted(set(node) - set(ABC_KEYS) - {"out"}):
        problems.append(f"abc.{key}: unknown key; allowed: {', '.join([*ABC_KEYS, 'out'])}")
    for key, (kind, low, high) in ABC_KEYS.items():
        value = node.get(key)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if kind is int:
            ok = ok and float(value).is_integer()
        if ok:
            value = kind(value)
            ok = math.isfinite(value) and value >= low and (high is None or value <= high)
        if not ok:
            what = "a whole number" if kind is int else "a number"
            top = "" if high is None else f" and <= {high:g}"
            problems.append(f"abc.{key}: {value!r} is not allowed; expected {what} >= {low:g}{top}")
        values[key] = value
    out = node.get("out")
    if not isinstance(out, str) or not out.strip():
        problems.append(f"abc.out: {out!r} is not allowed; expected a directory")
        return None
    path = Path(out).expanduser()
    if path.exists() and not path.is_dir():
        problems.append(f"abc.out: {out!r} is a file; expected a directory")
    if any(p for p in problems if p.startswith("abc.")):
        return None
    return AbcSettings(**values, out=path.resolve())


def parse_calibration(
    node: Any, data: dict[str, Any], problems: list[str]
) -> tuple[tuple[Prior, ...], tuple[Fact, ...], PatternSpec | None]:
    """``calibration.*``: the pattern file, priors on real float keys, facts on real columns."""
    if not isinstance(node, dict):
        problems.append(f"calibration: expected a mapping (priors, patterns, facts), got {node!r}")
        return (), (), None
    for key in sorted(set(node) - {"patterns", "priors", "facts"}):
        problems.append(f"calibration.{key}: unknown key; allowed: patterns, priors, facts")
    spec = None
    try:
        spec = load_spec(str(node.get("patterns")))
    except InputError as exc:
        problems.extend(f"calibration.patterns: {p}" for p in exc.problems)
    priors = parse_priors(node.get("priors"), data, problems)
    facts = parse_facts(node.get("facts") or {}, problems)
    return priors, facts, spec


def _value_at(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return KeyError
        node = node[part]
    return node


def flat_priors(node: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Priors as ``{dotted key: bounds}``, nested keys flattened.

    YAML gives dotted keys; a command-line override
    (``++calibration.priors.params.coalition.intake=[2,4]``) gives nested ones, which win.
    """
    literal, nested = {}, {}
    for key, value in node.items():
        if isinstance(value, dict):
            nested.update(flat_priors(value, f"{prefix}{key}."))
        else:
            literal[f"{prefix}{key}"] = value
    return {**literal, **nested}


def parse_priors(node: Any, data: dict[str, Any], problems: list[str]) -> tuple[Prior, ...]:
    """Uniform priors ``key: [low, high]`` on float config keys, both ends allowed values."""
    if not isinstance(node, dict) or not node:
        problems.append("calibration.priors: expected at least one 'dotted.key: [low, high]'")
        return ()
    priors = []
    for key, bounds in flat_priors(node).items():
        where = f"calibration.priors.{key}"
        value = _value_at(data, key)
        if value is KeyError:
            problems.append(f"{where}: no such config key")
            continue
        if isinstance(value, bool) or not isinstance(value, float):
            problems.append(f"{where}: {value!r} is not a real-valued key; priors need a float key")
            continue
        ok = isinstance(bounds, list) and len(bounds) == 2
        ok = ok and all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
        if not ok or not bounds[0] < bounds[1]:
            problems.append(f"{where}: {bounds!r} is not allowed; expected [low, high], low < high")
            continue
        for end in bounds:
            trial = copy.deepcopy(data)
            set_value(trial, key, float(end))
            try:
                validate(trial)
            except ConfigError as exc:
                problems.append(f"{where}: {end!r} is outside the key's range ({exc.problems[0]})")
        priors.append(Prior(key, float(bounds[0]), float(bounds[1])))
    return tuple(priors)


def parse_facts(node: Any, problems: list[str]) -> tuple[Fact, ...]:
    """Facts ``name: {column, added | at, window: [low, high], scale, source}``."""
    from sim.recorder import NUMERIC_COLUMNS

    if not isinstance(node, dict):
        problems.append(f"calibration.facts: expected a mapping of facts, got {node!r}")
        return ()
    facts = []
    for name, entry in node.items():
        where = f"calibration.facts.{name}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping ({', '.join(FACT_KEYS)})")
            continue
        for key in sorted(set(entry) - set(FACT_KEYS)):
            problems.append(f"{where}.{key}: unknown key; allowed: {', '.join(FACT_KEYS)}")
        column = entry.get("column")
        if column not in NUMERIC_COLUMNS:
            problems.append(f"{where}.column: {column!r} is not a column of the monthly table")
        added = at = None
        try:
            if ("added" in entry) == ("at" in entry):
                raise ValueError("give exactly one of added (a window) or at (a month)")
            if "added" in entry:
                added = parse_window(entry["added"])
            else:
                at = parse_point(str(entry["at"]))
        except ValueError as exc:
            problems.append(f"{where}: {exc}; e.g. added: '2020-01..2024-12' or at: 'T0+24'")
        window, scale = entry.get("window"), entry.get("scale")
        ok = isinstance(window, list) and len(window) == 2
        ok = ok and all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in window)
        if not ok or window[0] > window[1]:
            problems.append(f"{where}.window: {window!r} is not allowed; expected [low, high]")
            continue
        if not isinstance(scale, (int, float)) or isinstance(scale, bool) or not scale > 0:
            problems.append(f"{where}.scale: {scale!r} is not allowed; expected a number > 0")
            continue
        facts.append(
            Fact(name, column, added, at, window[0], window[1], scale, str(entry.get("source", "")))
        )
    return tuple(facts)
