"""A case's pattern spec: ``conf/patterns/CASE.yaml``, read and checked into a :class:`PatternSpec`.

The file lists the case's patterns in order, each under the name of its kind
(:data:`experiments.case_patterns.ALL_KINDS`) with ``turnover_caused``, ``source`` and every parameter of
that kind (no defaults: every number and window comes from the file); ``control`` names the
counterfactual that removes the turnover (the negative control); ``metrics`` names windows of
mean total momentum that the counterfactual comparisons read. Format: docs/validation.md.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from experiments.case_patterns import ALL_KINDS as KINDS
from experiments.pattern_windows import EXAMPLE, Point, Window, parse_point, parse_window
from experiments.patterns import Check, Pattern
from sim.api import CONF_DIR
from sim.errors import InputError

DEFAULT_CASE = "mexico"
TOP_KEYS = ("case", "control", "metrics", "patterns")
OPTIONAL_KEYS = ("outcome", "control_removes", "counterfactuals")
COMMON_KEYS = ("turnover_caused", "source")
CONTROL_KEYS = ("turnover_caused", "control_fails")
"""Each pattern says whether the negative control must fail it, under one of these names:
``turnover_caused`` (the control removes the turnover) or ``control_fails`` (any control)."""
OUTCOMES = ("survives", "dies")
OUTCOME_KEYS = ("observed", "text", "evidence")


@dataclass(frozen=True)
class Outcome:
    """A case's observed outcome at its turnover (for ``continuity validate case=all``).

    Attributes:
        observed: ``survives`` or ``dies`` (the federal strategy, pattern ``federal_outcome``).
        text: What happened, in words, with dates.
        evidence: How strong the evidence is, 1 (thin) to 5 (solid).

    """

    observed: str
    text: str
    evidence: int


@dataclass(frozen=True)
class PatternSpec:
    """A case's patterns, negative control and metric windows.

    Attributes:
        case: The case's name (the file's stem).
        control: The counterfactual (``conf/counterfactual/``) without the turnover and cut.
        metrics: Metric name → window of mean total momentum (e.g. ``momentum_late``).
        patterns: The patterns, in order.
        path: The file read.
        outcome: The observed outcome (optional; needs a ``federal_outcome`` pattern).
        control_removes: What the negative control removes, in words.
        counterfactuals: The counterfactuals ``continuity validate`` runs for the case by
            default (``None``: every one of ``conf/counterfactual/``).

    """

    case: str
    control: str
    metrics: dict[str, Window]
    patterns: tuple[Pattern, ...]
    path: Path
    outcome: Outcome | None = None
    control_removes: str = "the turnover and its funding cut"
    counterfactuals: tuple[str, ...] | None = None

    @property
    def turnover_caused(self) -> tuple[Pattern, ...]:
        """The patterns the negative control must fail."""
        return tuple(p for p in self.patterns if p.turnover_caused)

    def windows(self) -> list[Window]:
        """Every window and point (as a one-month window) the patterns and metrics read."""
        out = list(self.metrics.values())
        for p in self.patterns:
            for f in dataclasses.fields(p.check):
                value = getattr(p.check, f.name)
                items = value if isinstance(value, tuple) else (value,)
                for item in items:
                    if isinstance(item, Window):
                        out.append(item)
                    elif isinstance(item, Point):
                        out.append(Window(item, item))
        return out


def available_cases(conf_dir: Path | None = None) -> list[str]:
    """The cases with a pattern spec in ``patterns/`` of any config directory (``--config-dir``)."""
    if conf_dir is not None:
        return sorted(p.stem for p in (conf_dir / "patterns").glob("*.yaml"))
    from sim.paths import group_options

    return sorted(group_options("patterns"))


def spec_path(case: str, conf_dir: Path | None = None) -> Path:
    """``patterns/CASE.yaml``: the user's directory first (``--config-dir``), then the package's."""
    if conf_dir is not None:
        return conf_dir / "patterns" / f"{case}.yaml"
    from sim.paths import config_dirs

    for directory in config_dirs():
        path = directory / "patterns" / f"{case}.yaml"
        if path.is_file():
            return path
    return CONF_DIR / "patterns" / f"{case}.yaml"


def load_spec(case: str = DEFAULT_CASE, path: Path | str | None = None) -> PatternSpec:
    """Read and check a case's pattern spec.

    Args:
        case: The case (``conf/patterns/CASE.yaml``), when ``path`` is not given.
        path: A spec file to read instead.

    Returns:
        The spec.

    Raises:
        InputError: One line per problem (file, key, value and what is allowed).

    """
    file = Path(path) if path is not None else spec_path(case)
    if not file.is_file():
        known = ", ".join(available_cases()) or "none"
        raise InputError(f"case: no pattern spec {str(file)!r}; available cases: {known}")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(f"{file}: not valid YAML ({str(exc).splitlines()[0]})") from None
    return parse_spec(data, file)


def parse_spec(data: Any, file: Path) -> PatternSpec:
    """Check the parsed YAML of a spec file (see :func:`load_spec`)."""
    problems: list[str] = []
    where = str(file)
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a mapping with keys {', '.join(TOP_KEYS)}")
    for key in data:
        if key not in (*TOP_KEYS, *OPTIONAL_KEYS):
            allowed = ", ".join((*TOP_KEYS, *OPTIONAL_KEYS))
            problems.append(f"{where}: {key}: unknown key; allowed: {allowed}")
    for key in TOP_KEYS:
        if key not in data:
            problems.append(f"{where}: {key}: missing")
    control = data.get("control")
    if "control" in data and (not isinstance(control, str) or not control):
        problems.append(f"{where}: control: {control!r} is not a counterfactual name")
    metrics: dict[str, Window] = {}
    raw_metrics = data.get("metrics") or {}
    if not isinstance(raw_metrics, dict):
        problems.append(f"{where}: metrics: expected a mapping name: window")
        raw_metrics = {}
    for name, text in raw_metrics.items():
        window = _convert(f"{where}: metrics.{name}", text, Window, problems)
        if window is not None:
            metrics[str(name)] = window
    patterns = _patterns(data.get("patterns"), where, problems)
    outcome = _outcome(data.get("outcome"), where, problems)
    if outcome is not None and "federal_outcome" not in {p.name for p in patterns}:
        problems.append(f"{where}: outcome: needs a federal_outcome pattern to be checked against")
    removes = data.get("control_removes", "the turnover and its funding cut")
    if not isinstance(removes, str) or not removes.strip():
        problems.append(f"{where}: control_removes: say in words what the control removes")
    counterfactuals = data.get("counterfactuals")
    if counterfactuals is not None and (
        not isinstance(counterfactuals, list)
        or not all(isinstance(c, str) and c for c in counterfactuals)
    ):
        problems.append(f"{where}: counterfactuals: expected a list of counterfactual names")
        counterfactuals = None
    if problems:
        raise InputError(problems)
    case = data.get("case")
    return PatternSpec(
        str(case),
        str(control),
        metrics,
        tuple(patterns),
        file,
        outcome,
        str(removes).strip(),
        None if counterfactuals is None else tuple(counterfactuals),
    )


def _exact_keys(key: str, entry: dict, allowed: Sequence[str], problems: list[str]) -> bool:
    """Whether ``entry`` has exactly the ``allowed`` keys; one problem line per key if not."""
    bad = [k for k in entry if k not in allowed]
    for k in bad:
        problems.append(f"{key}.{k}: unknown key; allowed: {', '.join(allowed)}")
    missing = [k for k in allowed if k not in entry]
    for k in missing:
        problems.append(f"{key}.{k}: missing")
    return not bad and not missing


def _outcome(raw: Any, where: str, problems: list[str]) -> Outcome | None:
    """The optional ``outcome`` mapping: observed (survives | dies), text, evidence (1-5)."""
    if raw is None:
        return None
    key = f"{where}: outcome"
    if not isinstance(raw, dict):
        problems.append(f"{key}: expected a mapping with keys {', '.join(OUTCOME_KEYS)}")
        return None
    if not _exact_keys(key, raw, OUTCOME_KEYS, problems):
        return None
    ok = True
    if raw["observed"] not in OUTCOMES:
        problems.append(f"{key}.observed: {raw['observed']!r}; allowed: {', '.join(OUTCOMES)}")
        ok = False
    if not isinstance(raw["text"], str) or not raw["text"].strip():
        problems.append(f"{key}.text: say what happened, in words")
        ok = False
    evidence = raw["evidence"]
    if isinstance(evidence, bool) or not isinstance(evidence, int) or not 1 <= evidence <= 5:
        problems.append(f"{key}.evidence: {evidence!r} is not a whole number from 1 to 5")
        ok = False
    return Outcome(raw["observed"], raw["text"].strip(), evidence) if ok else None


def _patterns(raw: Any, where: str, problems: list[str]) -> list[Pattern]:
    if raw is None:
        return []
    if not isinstance(raw, dict) or not raw:
        problems.append(f"{where}: patterns: expected a mapping of pattern kinds")
        return []
    out = []
    for number, (name, entry) in enumerate(raw.items(), start=1):
        key = f"{where}: patterns.{name}"
        kind = KINDS.get(name)
        if kind is None:
            problems.append(f"{key}: unknown pattern kind; allowed: {', '.join(KINDS)}")
            continue
        if not isinstance(entry, dict):
            problems.append(f"{key}: expected a mapping of the pattern's parameters")
            continue
        fields = {f.name: f for f in dataclasses.fields(kind)}
        control_key = next((k for k in CONTROL_KEYS if k in entry), "turnover_caused")
        if not _exact_keys(key, entry, [control_key, "source", *fields], problems):
            continue
        hints = typing.get_type_hints(kind)
        values = {k: _convert(f"{key}.{k}", entry[k], hints[k], problems) for k in fields}
        caused = _convert(f"{key}.{control_key}", entry[control_key], bool, problems)
        source = entry["source"]
        if not isinstance(source, str) or not source.strip():
            problems.append(f"{key}.source: give the citation of the case fact (a text)")
        if any(v is None for v in values.values()) or caused is None:
            continue
        check: Check = kind(**values)
        out.append(Pattern(number, str(name), bool(caused), str(source).strip(), check))
    return out


def _convert(key: str, value: Any, kind: Any, problems: list[str]) -> Any:
    """``value`` as ``kind`` (Window, Point, float, int, bool, a range or a window list)."""
    try:
        if kind is Window:
            return parse_window(value)
        if kind is Point:
            return parse_point(value)
        if kind is bool:
            if isinstance(value, bool):
                return value
            raise ValueError
        if kind is int:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError
            return value
        if kind is float:
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError
            return float(value)
        if typing.get_origin(kind) is tuple and typing.get_args(kind) == (Window, ...):
            if not isinstance(value, list) or not value:
                raise ValueError
            return tuple(parse_window(v) for v in value)
        if typing.get_origin(kind) is tuple:  # Range
            if not isinstance(value, list) or len(value) != 2:
                raise ValueError
            low, high = (_convert(key, v, float, []) for v in value)
            if low is None or high is None or low > high:
                raise ValueError
            return (low, high)
    except ValueError:
        problems.append(f"{key}: {value!r} is not {_wanted(kind)}")
        return None
    raise TypeError(kind)  # pragma: no cover - a kind's field of an unsupported type


def _wanted(kind: Any) -> str:
    if kind is Window:
        return f"a window ({EXAMPLE})"
    if kind is Point:
        return f"a month ({EXAMPLE.replace('..T0+24', '')})"
    if kind is bool:
        return "true or false"
    if kind is int:
        return "a whole number ≥ 0"
    if kind is float:
        return "a number ≥ 0"
    if typing.get_args(kind) == (Window, ...):
        return f"a list of windows ({EXAMPLE})"
    return "a range [low, high] with low ≤ high"
