"""Turn a plain nested dict (a composed Hydra config) into typed dataclasses.

The schema is the dataclasses of :mod:`sim.config`. Every field carries its
type in the annotation and, optionally, in ``field(metadata=...)``:

- ``range=(low, high)``: inclusive bounds for numbers (``None`` = unbounded);
- ``choices=(...)``: the allowed values of a string (or of list items);
- ``date=True``: the string is a ``YYYY-MM`` month;
- ``when=True``: a ``YYYY-MM`` month or one relative to the case (``launch+6``, ``turnover-8``).

:func:`build` walks the dict and the schema together and collects *every*
problem (unknown key, wrong type, out of range, bad date) as one plain line
naming the dotted key, the value found and what is allowed. Cross-field rules
(dates inside the horizon, order of turnover dates, ...) live in
``sim.config.check``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from typing import Any, Literal, get_args, get_origin

from sim.dates import parse_month, parse_when

_MISSING = dataclasses.MISSING


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if tp is float:
        return "a number"
    if tp is int:
        return "a whole number"
    if tp is bool:
        return "true or false"
    if tp is str:
        return "a string"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if origin in (list, tuple):
        return "a list"
    if origin is dict:
        return "a mapping"
    if dataclasses.is_dataclass(tp):
        return "a mapping"
    return str(tp)


def _optional_inner(tp: Any) -> tuple[bool, Any]:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(get_args(tp)) == 2:
            return True, args[0]
    return False, tp


def build(cls: type, data: Any, path: str, problems: list[str]) -> Any:
    """Build dataclass ``cls`` from ``data``, appending problems to ``problems``.

    Args:
        cls: A dataclass type of the schema.
        data: The plain value (normally a dict) to convert.
        path: The dotted key of ``data`` in the whole config ("" at the root).
        problems: Where each problem is appended as one plain line.

    Returns:
        The dataclass instance; where ``data`` is not a mapping, the defaults
        (so that later cross-field checks can still run).

    """
    if not isinstance(data, dict):
        problems.append(f"{path or 'config'}: expected a mapping, got {_show(data)}")
        return cls()
    fields, hints = _schema(cls)
    for key in data:
        if key not in fields:
            allowed = ", ".join(sorted(fields)) or "(none)"
            problems.append(f"{_join(path, key)}: unknown key; allowed keys here: {allowed}")
    kwargs = {}
    for name, f in fields.items():
        key = _join(path, name)
        if name in data:
            kwargs[name] = _convert(hints[name], data[name], key, f.metadata, problems)
        elif f.default is _MISSING and f.default_factory is _MISSING:
            problems.append(f"{key}: missing required key")
            kwargs[name] = None
    try:
        return cls(**kwargs)
    except TypeError as exc:  # pragma: no cover - schema bug, not user input
        problems.append(f"{path or 'config'}: {exc}")
        return None


@functools.cache
def _schema(cls: type) -> tuple[dict[str, dataclasses.Field], dict[str, Any]]:
    """A schema dataclass's init fields and type hints, remembered.

    The schema is fixed, and resolving type hints was most of the cost of validating a config.
    """
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    return fields, typing.get_type_hints(cls)


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _convert(tp: Any, value: Any, key: str, meta: Any, problems: list[str]) -> Any:
    optional, tp = _optional_inner(tp)
    if value is None:
        if optional:
            return None
        problems.append(f"{key}: null is not allowed; expected {_type_name(tp)}")
        return value
    origin = get_origin(tp)
    if dataclasses.is_dataclass(tp):
        return build(tp, value, key, problems)
    if origin in (list, tuple):
        if not isinstance(value, list | tuple):
            problems.append(f"{key}: expected a list, got {_show(value)}")
            return value
        (item_tp,) = get_args(tp)[:1]
        items = [_convert(item_tp, v, f"{key}[{i}]", meta, problems) for i, v in enumerate(value)]
        return items
    if origin is dict:
        k_tp, v_tp = get_args(tp)
        if not isinstance(value, dict):
            problems.append(f"{key}: expected a mapping, got {_show(value)}")
            return value
        out = {}
        for k, v in value.items():
            out[k] = _convert(v_tp, v, _join(key, k), meta, problems)
        return out
    return _scalar(tp, value, key, meta, problems)


def _scalar(tp: Any, value: Any, key: str, meta: Any, problems: list[str]) -> Any:
    origin = get_origin(tp)
    if origin is Literal:
        allowed = get_args(tp)
        if value not in allowed:
            problems.append(
                f"{key}: {_show(value)} is not allowed; choose one of "
                + ", ".join(str(a) for a in allowed)
            )
        return value
    if tp is bool:
        if not isinstance(value, bool):
            problems.append(f"{key}: expected true or false, got {_show(value)}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                problems.append(f"{key}: expected a whole number, got {_show(value)}")
                return value
        return _check_range(value, key, meta, problems)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{key}: expected a number, got {_show(value)}")
            return value
        value = float(value)
        if not math.isfinite(value):
            problems.append(f"{key}: expected a finite number, got {_show(value)}")
            return value
        return _check_range(value, key, meta, problems)
    if tp is str:
        if not isinstance(value, str):
            problems.append(f"{key}: expected a string, got {_show(value)}")
            return value
        alternatives = meta.get("date_or", ())
        if alternatives and value not in alternatives:
            try:
                parse_month(value)
            except ValueError:
                problems.append(
                    f"{key}: {_show(value)} is not a date; use YYYY-MM or "
                    + " or ".join(repr(a) for a in alternatives)
                )
        if meta.get("when"):
            try:
                parse_when(value)
            except ValueError:
                problems.append(
                    f"{key}: {_show(value)} is not a date; use YYYY-MM, 'launch', 'turnover' "
                    "or an offset in months such as 'launch+6' or 'turnover-8'"
                )
        if meta.get("date"):
            try:
                parse_month(value)
            except ValueError:
                problems.append(f"{key}: {_show(value)} is not a date; use YYYY-MM, e.g. '2018-12'")
        choices = meta.get("choices")
        if choices and value not in choices:
            problems.append(
                f"{key}: {_show(value)} is not allowed; choose one of " + ", ".join(choices)
            )
        return value
    problems.append(f"{key}: unsupported schema type {tp!r}")  # pragma: no cover
    return value


def _check_range(value: float, key: str, meta: Any, problems: list[str]) -> float:
    from sim.bounds import combine, fmt

    low, high = combine(meta.get("range", (None, None)), key)
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else fmt(low)
        hi = "inf" if high is None else fmt(high)
        shown = f"{value:g}" if abs(value) < 1e16 else f"{value:.3g}"
        problems.append(f"{key}: {shown} is out of range; allowed [{lo}, {hi}]")
    return value
