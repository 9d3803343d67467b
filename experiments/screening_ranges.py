"""The parameters a screening sweep varies and their ranges, by one documented rule.

Rule (docs/sensitivity.md): a parameter with default ``d`` ranges over ``[0.5 d, 1.5 d]``,
clipped to the range its config field allows (probabilities and shares stay in ``[0, 1]``;
``sim.config`` field metadata). Integer keys (two month counts) get whole-number ends; the sweep
rounds sampled values of an integer key, and Morris' four levels on ``[12, 36]`` are whole
numbers anyway. Left out, with the reason in :data:`EXCLUDED`: list-valued keys (pillar
weights), keys whose
default is 0 (the rule gives an empty range), the anchor kinds' parameters (the Mexico baseline
has no anchor, so they cannot act) and the tactics' ``cost_per_year`` (a campaign's size, a
decision that rescales the same strengths, not a behaviour).

``python -m experiments.screening_ranges`` prints the ``design.parameters`` block of the
behavioural screening preset (``tactics``: of the tactic screening preset), which is how
``conf/experiment/screening*.yaml`` were written; ``tests/test_screening.py`` checks the
presets still follow the rule.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

from sim.tactics import TACTIC_NAMES

LOW, HIGH = 0.5, 1.5
"""A default ``d`` ranges over ``[LOW d, HIGH d]`` before clipping."""

SCENARIO_KEYS = (
    "scenario.federal_dependence",
    "shocks.funding_cut.size",
    "shocks.elections.fresh_concentration",
)
"""Judgement values of the scenario screened with the behavioural parameters."""

EXCLUDED = {
    "params.anchors": "no anchor in the Mexico baseline: they cannot act",
    "params.momentum.pillar_weights": "lists of shares per pillar (compositional)",
    "params.commitment.susceptibility.international": "default 0 (fixed anchors by design)",
    "cost_per_year": "a tactic's size (a decision that rescales its strengths)",
}
"""Keys (or key prefixes / last names) left out of the screening, and why."""


def _excluded(key: str) -> bool:
    last = key.rsplit(".", 1)[-1]
    return last in EXCLUDED or any(key == k or key.startswith(k + ".") for k in EXCLUDED)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scalars(node: Any, prefix: str, out: dict[str, tuple[float, tuple[Any, Any]]]) -> None:
    """Every numeric field under ``node`` (a dataclass), with its value and allowed range."""
    for f in dataclasses.fields(node):
        key = f"{prefix}.{f.name}"
        value = getattr(node, f.name)
        bounds = f.metadata.get("range", (None, None))
        if dataclasses.is_dataclass(value):
            _scalars(value, key, out)
        elif isinstance(value, dict):
            for k, v in value.items():
                if _number(v):
                    out[f"{key}.{k}"] = (v, bounds)
        elif _number(value):
            out[key] = (value, bounds)


def rule_range(default: float, bounds: tuple[Any, Any]) -> list[float]:
    """``[0.5 d, 1.5 d]`` clipped to ``bounds`` (``None`` = unbounded), rounded to 6 digits.

    An integer default gets whole-number ends.
    """
    low, high = LOW * default, HIGH * default
    if isinstance(default, int):
        low, high = float(round(low)), float(round(high))
    if bounds[0] is not None:
        low = max(low, bounds[0])
    if bounds[1] is not None:
        high = min(high, bounds[1])
    return [round(low, 6), round(high, 6)]


def _get(node: Any, key: str) -> tuple[float, tuple[Any, Any]]:
    """The value and allowed range of a dotted key of a config dataclass."""
    *path, last = key.split(".")
    for name in path:
        node = getattr(node, name)
    f = next(f for f in dataclasses.fields(node) if f.name == last)
    return getattr(node, last), f.metadata.get("range", (None, None))


def behavioural_ranges(cfg: Any) -> dict[str, list[float]]:
    """Every screened behavioural parameter of ``cfg`` (a :class:`sim.config.Config`) and range."""
    found: dict[str, tuple[float, tuple[Any, Any]]] = {}
    _scalars(cfg.params, "params", found)
    for key in SCENARIO_KEYS:
        found[key] = _get(cfg, key)
    return {k: rule_range(v, b) for k, (v, b) in found.items() if not _excluded(k) and v != 0}


def tactic_ranges(cfg: Any) -> dict[str, list[float]]:
    """Every screened tactic parameter of ``cfg`` (tactics enabled or not) and its range."""
    found: dict[str, tuple[float, tuple[Any, Any]]] = {}
    for name in TACTIC_NAMES:
        _scalars(getattr(cfg.tactics, name), f"tactics.{name}", found)
    return {k: rule_range(v, b) for k, (v, b) in found.items() if not _excluded(k) and v != 0}


def _yaml(ranges: dict[str, list[float]]) -> str:
    return "\n".join(f"    {k}: [{lo:g}, {hi:g}]" for k, (lo, hi) in ranges.items())


def main(argv: list[str]) -> None:
    """Print the ``design.parameters`` lines of a screening preset."""
    from sim.api import load_config

    if argv[:1] == ["tactics"]:
        cfg = load_config([f"tactics=[{','.join(TACTIC_NAMES)}]"])
        print(_yaml(tactic_ranges(cfg)))
    else:
        print(_yaml(behavioural_ranges(load_config([]))))


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
