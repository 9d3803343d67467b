"""Schema field helpers: a default plus the metadata :func:`sim.validation.build` checks."""

from __future__ import annotations

from dataclasses import field
from typing import Any


# The leading underscores keep the schema modules' field declarations short and
# mark these as schema plumbing, not public API.
def _f(default: float, low: float | None = 0.0, high: float | None = None) -> Any:
    return field(default=default, metadata={"range": (low, high)})


def _p(default: float) -> Any:
    return field(default=default, metadata={"range": (0.0, 1.0)})


def _i(default: int, low: int | None = 0, high: int | None = None) -> Any:
    return field(default=default, metadata={"range": (low, high)})


def _money(default: float) -> Any:
    """A non-negative amount in effort units (scaled with every resource: docs/ODD.md, Units)."""
    return field(default=default, metadata={"range": (0.0, None), "money": True})


def _date(default: str | None) -> Any:
    return field(default=default, metadata={"date": True})


def _when(default: str | None) -> Any:
    """A ``YYYY-MM`` month or one relative to the case: ``launch+N``, ``turnover-N``."""
    return field(default=default, metadata={"when": True})


def _dates(default: list[str]) -> Any:
    return field(default_factory=lambda: list(default), metadata={"date": True})


__all__ = ["_date", "_dates", "_f", "_i", "_money", "_p", "_when"]
