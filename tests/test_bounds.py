"""Every numeric config key has a finite upper bound (its own, or sim/bounds.py's)."""

from __future__ import annotations

import dataclasses
import math
import typing

from sim.bounds import BOUNDS, combine, limit
from sim.config import Config
from sim.validation import _optional_inner


def _numeric_fields(cls: type, prefix: str = "") -> list[tuple[str, tuple]]:
    out = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        tp = _optional_inner(hints[f.name])[1]
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(tp):
            out += _numeric_fields(tp, key + ".")
            continue
        origin = typing.get_origin(tp)
        inner = tp
        if origin is dict:
            inner, key = typing.get_args(tp)[1], key + ".x"
        if typing.get_origin(inner) is list:
            inner, key = typing.get_args(inner)[0], key + "[0]"
        if inner in (int, float):
            out.append((key, f.metadata.get("range", (None, None))))
    return out


def test_every_numeric_key_has_a_finite_range():
    fields = _numeric_fields(Config)
    assert len(fields) > 80
    unbounded = [k for k, own in fields if combine(own, k)[1] in (None, math.inf)]
    assert unbounded == [], f"add these keys to sim/bounds.py BOUNDS: {unbounded}"


def test_bounds_only_tighten_and_match_dict_and_list_keys():
    assert limit("params.momentum.pillar_weights.state[3]") == (0, 1000)
    assert combine((0.0, 1.0), "params.momentum.decay") == (0.0, 1.0)  # a share stays a share
    assert combine((0.001, None), "params.coalition.outreach_cost") == (0.001, 1e6)
    assert all(low is None or high is None or low <= high for low, high in BOUNDS.values())
