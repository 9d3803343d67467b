"""Experimental designs: the ``design`` node of an experiment → a list of design points.

An experiment file (``conf/experiment/NAME.yaml``) has one shape whatever the design::

    design:
      kind: grid            # grid | lhs | sobol | morris
      parameters:           # config key -> values (grid) or [low, high] (lhs, sobol, morris)
        shocks.funding_cut.size: [0.0, 0.4, 0.8]
      samples: 64           # base sample size N (lhs: N points; sobol: N (D + 2), or
                            # N (2D + 2) with second_order; morris: N (D + 1) trajectories' points)
      replications: 10      # seeds per design point
      seed: 0               # sweep seed: design sampling and every run's seed derive from it

A grid with no parameters has one point: the composed config itself, replicated.
Parameters may also be written nested (``shocks: {funding_cut: {size: [...]}}``), which is what
a command-line override such as ``design.parameters.shocks.funding_cut.size=[0,1]`` produces.
Optional keys: ``paired`` (same seeds at every point: common random numbers),
``second_order`` (sobol) and ``levels`` (morris grid levels).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

from sim.errors import ConfigError

KINDS = ("grid", "lhs", "sobol", "morris")
DESIGN_KEYS = (
    "kind",
    "parameters",
    "samples",
    "replications",
    "seed",
    "paired",
    "second_order",
    "levels",
)


@dataclass(frozen=True)
class Design:
    """A validated design.

    Attributes:
        kind: ``grid``, ``lhs``, ``sobol`` or ``morris``.
        parameters: Config key → values (grid) or ``(low, high)`` (others), in file order.
        samples: Base sample size N of lhs, sobol and morris (unused by grid).
        replications: Seeds per design point.
        seed: The sweep seed.
        paired: Use the same seeds at every point (common random numbers).
        second_order: Sobol: sample for second-order indices too.
        levels: Morris: number of grid levels.

    """

    kind: str
    parameters: dict[str, list[Any]]
    samples: int
    replications: int
    seed: int
    paired: bool = False
    second_order: bool = False
    levels: int = 4

    @property
    def names(self) -> list[str]:
        """The swept config keys, in order."""
        return list(self.parameters)

    def problem(self) -> dict[str, Any]:
        """The SALib problem definition (continuous designs only)."""
        return {
            "num_vars": len(self.parameters),
            "names": self.names,
            "bounds": [list(map(float, v)) for v in self.parameters.values()],
        }

    def points(self) -> list[dict[str, Any]]:
        """Every design point, in design order (the order SALib's analysers expect)."""
        if self.kind == "grid":
            if not self.parameters:
                return [{}]
            combos = itertools.product(*self.parameters.values())
            return [dict(zip(self.names, c, strict=True)) for c in combos]
        from SALib.sample import latin, morris, sobol

        problem = self.problem()
        if self.kind == "lhs":
            x = latin.sample(problem, self.samples, seed=self.seed)
        elif self.kind == "sobol":
            x = sobol.sample(
                problem, self.samples, calc_second_order=self.second_order, seed=self.seed
            )
        else:
            x = morris.sample(problem, self.samples, num_levels=self.levels, seed=self.seed)
        return [{n: float(v) for n, v in zip(self.names, row, strict=True)} for row in x]

    def describe(self) -> str:
        """One line: kind, parameters, points × replications."""
        n = len(self.points())
        over = ", ".join(self.names) or "no parameter (the config as composed)"
        return (
            f"{self.kind} over {over}: {n} points x {self.replications} "
            f"replications = {n * self.replications} runs"
        )


def flatten_parameters(node: Any, prefix: str = "") -> tuple[dict[str, Any], list[str]]:
    """Flatten nested ``design.parameters`` down to the lists of values (a list ends a key)."""
    out: dict[str, Any] = {}
    problems: list[str] = []
    if not isinstance(node, dict):
        return out, [
            f"design.parameters{prefix and '.' + prefix}: expected a mapping, got {node!r}"
        ]
    for key, value in node.items():
        full = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            inner, more = flatten_parameters(value, full)
            problems += more
            for k, v in inner.items():
                if k in out:
                    problems.append(f"design.parameters.{k}: given twice")
                out[k] = v
        elif full in out:
            problems.append(f"design.parameters.{full}: given twice")
        else:
            out[full] = value
    return out, problems


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _int_at_least(node: dict, key: str, low: int, problems: list[str]) -> int:
    value = node.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        problems.append(f"design.{key}: {value!r} is not allowed; expected an integer >= {low}")
        return low
    return value


def _check_values(kind: str, key: str, values: Any, problems: list[str]) -> list[Any]:
    where = f"design.parameters.{key}"
    if not isinstance(values, list):
        what = "a list of values" if kind == "grid" else "a range [low, high]"
        problems.append(f"{where}: {values!r} is not {what}")
        return []
    if kind == "grid":
        if not values:
            problems.append(f"{where}: empty list; a grid needs at least one value")
        return values
    if len(values) != 2 or not all(_is_number(v) for v in values):
        problems.append(
            f"{where}: {values!r} is not a range; {kind} needs [low, high] with two numbers "
            "(lists of values are for kind=grid)"
        )
        return []
    low, high = values
    if low > high:
        problems.append(f"{where}: lower bound {low} > upper bound {high}")
    elif low == high:
        problems.append(f"{where}: empty range [{low}, {high}]; give low < high")
    return [float(low), float(high)]


MAX_RUNS = 1_000_000
"""At most this many runs per sweep (its plan, sweep.json, takes about 100 bytes per run)."""
MAX_SEED = 2**63 - 1
PLAN_BYTES_PER_RUN = 100


def n_points(kind: str, parameters: dict[str, list[Any]], samples: int, second_order: bool) -> int:
    """The number of design points, computed without generating them."""
    d = len(parameters)
    if kind == "grid":
        return math.prod(len(v) for v in parameters.values())
    if kind == "lhs":
        return samples
    if kind == "sobol":
        return samples * (2 * d + 2 if second_order else d + 2)
    return samples * (d + 1)  # morris


def _check_size(
    kind: str,
    parameters: dict[str, list[Any]],
    samples: int,
    replications: int,
    second_order: bool,
    problems: list[str],
) -> None:
    """The sweep must fit: at most :data:`MAX_RUNS` runs, checked before any point is made."""
    points = n_points(kind, parameters, samples, second_order)
    runs = points * replications
    if runs <= MAX_RUNS:
        return
    from sim.bounds import human_bytes

    key = "design.replications" if points <= MAX_RUNS else "design.samples"
    if kind == "grid" and points > MAX_RUNS:
        key = "design.parameters"
    problems.append(
        f"{key}: {points:,} points x {replications:,} replications = {runs:,} runs; at most "
        f"{MAX_RUNS:,} runs per sweep (its plan alone would need about "
        f"{human_bytes(runs * PLAN_BYTES_PER_RUN)}); split it into several sweeps"
    )


def parse_design(node: Any) -> Design:
    """Validate the ``design`` node of a composed sweep config.

    Raises:
        ConfigError: Every problem found (unknown key, unknown kind, empty or
            reversed range, zero replications, ...), one line each.
    """
    if not isinstance(node, dict):
        raise ConfigError(["design: missing; choose an experiment, e.g. experiment=turnover_x_cut"])
    problems = [
        f"design.{k}: unknown key; allowed: {', '.join(DESIGN_KEYS)}"
        for k in node
        if k not in DESIGN_KEYS
    ]
    kind = node.get("kind")
    if kind not in KINDS:
        problems.append(f"design.kind: {kind!r} is not allowed; choose one of {', '.join(KINDS)}")
        kind = "grid"
    raw, more = flatten_parameters(node.get("parameters") or {})
    problems += more
    if not raw and not more and kind != "grid":
        problems.append(f"design.parameters: empty; {kind} needs at least one [low, high] range")
    parameters = {k: _check_values(kind, k, v, problems) for k, v in raw.items()}
    if "seed" in parameters:
        problems.append("design.parameters.seed: seeds are set by the sweep (design.seed)")
    replications = _int_at_least(node, "replications", 1, problems)
    seed = _int_at_least(node, "seed", 0, problems)
    if seed > MAX_SEED:
        problems.append(f"design.seed: {seed} is too large; at most {MAX_SEED} (2**63 - 1)")
    samples = node.get("samples", 1)
    if kind != "grid":
        samples = _int_at_least(node, "samples", 1, problems)
        if kind == "sobol" and samples & (samples - 1):
            problems.append(
                f"design.samples: {samples} is not a power of 2, which Sobol' sampling needs "
                f"(e.g. {2 ** max(1, round(math.log2(samples)))})"
            )
    flags = {}
    for key in ("paired", "second_order"):
        value = node.get(key, False)
        if not isinstance(value, bool):
            problems.append(f"design.{key}: {value!r} is not allowed; expected true or false")
        flags[key] = bool(value)
    levels = node.get("levels", 4)
    if (
        not isinstance(levels, int)
        or isinstance(levels, bool)
        or not 2 <= levels <= 1000
        or levels % 2
    ):
        problems.append(
            f"design.levels: {levels!r} is not allowed; expected an even integer from 2 to 1000"
        )
        levels = 4
    if not problems:
        _check_size(kind, parameters, samples, replications, flags["second_order"], problems)
    if problems:
        raise ConfigError(problems)
    return Design(
        kind=kind,
        parameters=parameters,
        samples=samples if isinstance(samples, int) else 1,
        replications=replications,
        seed=seed,
        levels=levels,
        **flags,
    )
