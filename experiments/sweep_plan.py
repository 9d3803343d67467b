"""A sweep's plan: every run's full config and seed, made and validated before any job starts.

``make_plan`` composes ``conf/sweep.yaml`` with ``experiment=NAME`` and the user's overrides,
generates the design points (:mod:`experiments.design`), turns each point into a config
(config-group keys such as ``tactics`` or ``counterfactual`` are recomposed through Hydra, one
composition per distinct combination; other keys are set on the composed dict), validates every
point and derives every run's seed. The plan is written to ``DIR/sweep.json``; jobs read it and
never compose anything.

Seeds: run *r* of point *p* gets ``SeedSequence(design.seed, spawn_key=(h(p), r))``, where
*h(p)* is a hash of the point's values, so a run's seed depends only on the sweep seed, the
point and the replication — never on chunking, launcher, workers or order. With
``design.paired: true`` the spawn key is ``(r,)``: every point uses the same seeds (common
random numbers, for paired comparisons).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from experiments.design import Design, parse_design
from experiments.provenance import provenance
from sim.errors import ConfigError, InputError

GROUPS = ("scenario", "network", "shocks", "params", "counterfactual", "tactics")
"""Config groups a design may vary by option name (``tactics`` takes a list of tactics)."""

SETTINGS = {"chunk_size": "auto", "timeseries": True, "retry_failed": False}
"""The ``sweep`` node: runs per job (``auto`` ≈ 20 s of work), write the long time series,
redo failed runs when resuming."""

MAX_LINES = 12
"""At most this many problem lines are printed for one sweep."""


@dataclass
class Plan:
    """Everything a sweep runs.

    Attributes:
        experiment: The experiment's name (``conf/experiment/NAME.yaml``).
        overrides: The user's config overrides (Hydra's own excluded).
        design: The validated design.
        settings: The ``sweep`` node (chunk size, time series, retry).
        bases: Composed configs, one per combination of config-group options.
        points: ``{"point_id", "base", "values", "label"}`` per design point.
        runs: ``[run_id, point_id, replication, seed]`` per run, in order.

    """

    experiment: str
    overrides: list[str]
    design: Design
    settings: dict[str, Any]
    bases: list[dict[str, Any]]
    points: list[dict[str, Any]]
    runs: list[list[int]] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def config_digest(self) -> str:
        """A hash of the configs, design and seeds the sweep runs."""
        what = {
            "bases": self.bases,
            "points": [[p["base"], p["values"]] for p in self.points],
            "runs": self.runs,
            "timeseries": self.settings["timeseries"],
        }
        return hashlib.sha256(_canonical(what).encode()).hexdigest()[:16]

    @property
    def digest(self) -> str:
        """A hash of what the sweep computes (not of chunking or launcher).

        It covers the configs and the package version, model code and data files
        (:mod:`experiments.provenance`).
        """
        what = {"configs": self.config_digest, "provenance": self.provenance}
        return hashlib.sha256(_canonical(what).encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        """The manifest written to ``DIR/sweep.json``."""
        design = asdict(self.design)
        return {
            "format": 1,
            "experiment": self.experiment,
            "overrides": self.overrides,
            "digest": self.digest,
            "config_digest": self.config_digest,
            "provenance": self.provenance,
            "design": design,
            "problem": self.design.problem() if self.design.kind != "grid" else None,
            "settings": self.settings,
            "bases": self.bases,
            "points": self.points,
            "runs": self.runs,
        }


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def run_seed(sweep_seed: int, values: dict[str, Any], replication: int, paired: bool) -> int:
    """The seed of one run (see the module docstring)."""
    if paired:
        key: tuple[int, ...] = (replication,)
    else:
        h = hashlib.sha256(_canonical(values).encode()).digest()
        key = (int.from_bytes(h[:4], "little"), int.from_bytes(h[4:8], "little"), replication)
    return int(np.random.SeedSequence(sweep_seed, spawn_key=key).generate_state(1)[0])


def label(values: dict[str, Any]) -> str:
    """A short text naming a design point, e.g. ``tactics=law+broad_coalition, seed=...``."""

    def short(v: Any) -> Any:
        return f"{v:.4g}" if isinstance(v, float) else format_value(v)

    return ", ".join(f"{k}={short(v)}" for k, v in values.items())


def format_value(value: Any) -> Any:
    """A design value as a table cell: lists (tactics) become ``a+b`` (``none`` if empty)."""
    if isinstance(value, list):
        return "+".join(map(str, value)) or "none"
    return value


def group_override(key: str, value: Any) -> str:
    """The Hydra override that selects a config-group option."""
    if isinstance(value, list):
        return f"{key}=[{','.join(map(str, value))}]"
    return f"{key}={value}"


def set_value(data: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted config key on a composed config dict (the key must exist)."""
    node = data
    parts = key.split(".")
    for part in parts[:-1]:
        node = node[part]
    old = node[parts[-1]]
    if isinstance(old, int) and not isinstance(old, bool) and isinstance(value, float):
        value = round(value)  # an integer key sampled from a continuous range
    node[parts[-1]] = value


def config_for(bases: list[dict], point: dict[str, Any], seed: int) -> dict[str, Any]:
    """The full config dict of one run."""
    data = copy.deepcopy(bases[point["base"]])
    for key, value in point["values"].items():
        if key not in GROUPS:
            set_value(data, key, value)
    data["seed"] = seed
    return data


def _key_problem(base: dict[str, Any], key: str) -> str | None:
    """Why a design key cannot be set on the composed config, if it cannot."""
    if key in GROUPS:
        return None
    node: Any = base
    parts = key.split(".")
    for i, part in enumerate(parts):
        if not isinstance(node, dict) or part not in node:
            here = sorted(node) if isinstance(node, dict) else []
            hint = (
                f"; keys at {'.'.join(parts[:i]) or 'top level'}: {', '.join(here)}" if here else ""
            )
            return f"design.parameters.{key}: not a key of the config{hint}"
        node = node[part]
    if isinstance(node, dict):
        return f"design.parameters.{key}: is a section, not a value; name one of its keys"
    return None


def _compose(experiment: str, overrides: list[str]) -> tuple[dict[str, Any], list[str]]:
    from sim.api import compose_collect

    return compose_collect([f"experiment={experiment}", *overrides], config_name="sweep")


def parse_settings(node: Any) -> dict[str, Any]:
    """Validate the ``sweep`` node (see :data:`SETTINGS`)."""
    node = node or {}
    problems = [
        f"sweep.{k}: unknown key; allowed: {', '.join(SETTINGS)}" for k in node if k not in SETTINGS
    ]
    out = {**SETTINGS, **{k: v for k, v in node.items() if k in SETTINGS}}
    size = out["chunk_size"]
    if size != "auto" and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
        problems.append(
            f"sweep.chunk_size: {size!r} is not allowed; expected auto or an integer >= 1"
        )
    for key in ("timeseries", "retry_failed"):
        if not isinstance(out[key], bool):
            problems.append(f"sweep.{key}: {out[key]!r} is not allowed; expected true or false")
    if problems:
        raise ConfigError(problems)
    return out


def make_plan(experiment: str, overrides: list[str]) -> Plan:
    """Compose, generate and validate every run of a sweep.

    Args:
        experiment: Name of a file of ``conf/experiment/``.
        overrides: Config overrides (no ``hydra.`` ones), applied to every run; ``design.*``
            and ``sweep.*`` overrides change the design and the sweep settings.

    Raises:
        ConfigError: Every problem, before any run: composition, the design, the sweep
            settings, and each distinct problem of any design point.
    """
    data, problems = _compose(experiment, overrides)
    if problems:
        raise ConfigError(problems)
    problems = []
    design = settings = None
    try:
        design = parse_design(data.pop("design", None))
    except ConfigError as exc:
        problems += exc.problems
    try:
        settings = parse_settings(data.pop("sweep", None))
    except ConfigError as exc:
        problems += exc.problems
    if problems:
        raise ConfigError(problems)
    problems = [p for k in design.names if (p := _key_problem(data, k))]
    seed = data.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        problems.append(
            f"seed: expected a whole number >= 0, got {seed!r} (a sweep derives each run's "
            "seed from design.seed; set design.seed=N)"
        )
    if problems:
        raise ConfigError(problems)
    plan = Plan(experiment, list(overrides), design, settings, [], [])
    _add_points(plan, data)
    _validate_points(plan)
    _check_posterior_keys(plan)
    plan.runs = [
        [p["point_id"] * design.replications + r, p["point_id"], r, seed]
        for p in plan.points
        for r in range(design.replications)
        for seed in [run_seed(design.seed, p["values"], r, design.paired)]
    ]
    plan.provenance = provenance(plan.bases)
    return plan


def _add_points(plan: Plan, default: dict[str, Any]) -> None:
    """Turn design points into plan points, composing one base per group combination."""
    groups = [k for k in plan.design.names if k in GROUPS]
    index: dict[tuple[str, ...], int] = {}
    problems: list[str] = []
    if not groups:
        plan.bases.append(default)
    whole = _integer_keys(default, plan.design.names)
    if plan.design.kind == "grid":
        for key in whole:
            bad = [v for v in plan.design.parameters[key] if not _whole_number(v)]
            if bad:
                problems.append(
                    f"design.parameters.{key}: {bad[0]!r} is not a whole number; {key} takes "
                    "whole numbers"
                )
        if problems:
            raise ConfigError(problems)
    for i, values in enumerate(plan.design.points()):
        for key in whole:  # record the value each run uses (an integer key is rounded)
            if isinstance(values[key], float):
                values[key] = round(values[key])
        combo = tuple(group_override(k, values[k]) for k in groups)
        if combo not in index:
            if groups:
                data, more = _compose(plan.experiment, [*plan.overrides, *combo])
                if more:
                    problems += [f"design.parameters ({', '.join(combo)}): {p}" for p in more]
                    continue
                data.pop("design", None)
                data.pop("sweep", None)
                plan.bases.append(data)
            index[combo] = len(plan.bases) - 1
        plan.points.append(
            {"point_id": i, "base": index[combo], "values": values, "label": label(values)}
        )
    if problems:
        raise ConfigError(_dedupe(problems))


def _whole_number(value: Any) -> bool:
    if isinstance(value, bool):
        return True  # reported by validation if the key is not a boolean
    return not isinstance(value, float) or value.is_integer()


def _integer_keys(base: dict[str, Any], names: list[str]) -> list[str]:
    """The design keys the schema types as integers (so design values must be whole)."""
    import dataclasses
    import typing

    from sim.config import Config
    from sim.validation import _optional_inner

    out = []
    for key in names:
        if key in GROUPS:
            continue
        tp: Any = Config
        for part in key.split("."):
            hints = typing.get_type_hints(tp) if dataclasses.is_dataclass(tp) else {}
            tp = hints.get(part)
        if tp is not None and _optional_inner(tp)[1] is int:
            out.append(key)
    return out


def _validate_points(plan: Plan) -> None:
    """Validate every point's config (and preflight each base's network once)."""
    from sim.api import preflight
    from sim.config import validate

    where: dict[str, list[dict]] = {}  # problem -> the points that have it
    preflighted: set[str] = set()
    for p in plan.points:
        try:
            data = config_for(plan.bases, p, 0)
            cfg = validate(data)
            key = _preflight_inputs(data)
            if key not in preflighted:
                preflight(cfg)
                preflighted.add(key)
        except InputError as exc:
            for m in exc.problems:
                where.setdefault(m, []).append(p)
    if where:
        raise ConfigError(_dedupe([_at_points(m, points) for m, points in where.items()]))


def _preflight_inputs(data: dict[str, Any]) -> str:
    """What :func:`sim.api.preflight` reads of a config: points sharing it need one preflight.

    The network node, the scenario's coalitions and start, the state election calendar and the
    seed; a design over other keys (e.g. ``scenario.federal_dependence``) preflights once.
    """
    scenario = data.get("scenario") or {}
    elections = (data.get("shocks") or {}).get("elections") or {}
    return _canonical(
        [
            data.get("network"),
            scenario.get("coalitions"),
            scenario.get("start"),
            elections.get("state_calendar"),
            data.get("seed"),
        ]
    )


def _check_posterior_keys(plan: Plan) -> None:
    """With ``params=posterior``, refuse design keys and overrides that set a calibrated key.

    The posterior sets its keys in every run (:mod:`sim.posterior`), so sweeping or overriding
    one would be silently replaced.
    """
    from sim.posterior import load

    specs = {
        (b.get("params") or {}).get("posterior", {}).get("file")
        for b in plan.bases
        if isinstance((b.get("params") or {}).get("posterior"), dict)
    }
    keys: set[str] = set()
    for file in specs:
        keys |= set(load(file).keys)
    problems = [
        f"design.parameters.{k}: set by the posterior with params=posterior (a calibrated key); "
        "sweep it without params=posterior"
        for k in plan.design.names
        if k in keys
    ]
    problems += [
        f"{k}: set by the posterior with params=posterior (a calibrated key); drop the override"
        for k in (o.split("=", 1)[0].lstrip("+~") for o in plan.overrides)
        if k in keys
    ]
    if problems:
        raise ConfigError(problems)


def _at_points(problem: str, points: list[dict]) -> str:
    """One line for a problem shared by design points, naming them and the first one's values."""
    first = points[0]
    if len(points) == 1:
        return f"design point {first['point_id']} ({first['label']}): {problem}"
    ids = [str(p["point_id"]) for p in points]
    shown = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")
    return f"design points {shown} (e.g. {first['label']}): {problem}"


def _dedupe(problems: list[str]) -> list[str]:
    """Distinct problem lines, at most :data:`MAX_LINES`, with a count of the rest."""
    seen = list(dict.fromkeys(problems))
    if len(seen) <= MAX_LINES:
        return seen
    return [*seen[:MAX_LINES], f"... and {len(seen) - MAX_LINES} more problems like these"]
