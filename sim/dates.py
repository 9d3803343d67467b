"""Calendar months as ``YYYY-MM`` strings and as month indices.

The model's time step is one month. Scenarios, shocks and outputs speak in
``YYYY-MM`` dates; inside the model a date is an integer count of months since
year 0 (``year * 12 + month - 1``), and a step is a month offset from the
scenario start.
"""

from __future__ import annotations

import functools
import re

_DATE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: object) -> int:
    """Parse a ``YYYY-MM`` string into an absolute month number.

    Args:
        value: The date, e.g. ``"2018-12"``.

    Returns:
        ``year * 12 + (month - 1)``.

    Raises:
        ValueError: If the value is not a ``YYYY-MM`` string with a month in 1..12.

    """
    if not isinstance(value, str):
        raise ValueError(f"expected a 'YYYY-MM' date string, got {value!r}")
    return _parse(value)


@functools.lru_cache(maxsize=4096)
def _parse(value: str) -> int:
    """:func:`parse_month` of a string, remembered (a run reads the same few dates many times)."""
    m = _DATE.match(value.strip())
    if not m:
        raise ValueError(f"expected a 'YYYY-MM' date, got {value!r}")
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 01..12 in {value!r}")
    return year * 12 + month - 1


def format_month(month: int) -> str:
    """Format an absolute month number as ``YYYY-MM``."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def month_range(start: str, end: str) -> list[str]:
    """All months from ``start`` to ``end`` inclusive, as ``YYYY-MM`` strings."""
    a, b = parse_month(start), parse_month(end)
    return [format_month(m) for m in range(a, b + 1)]


_WHEN = re.compile(r"^(launch|turnover)\s*(?:([+-])\s*(\d+))?$")


def parse_when(value: object) -> tuple[str, int]:
    """Parse a date that may be relative to the case's launch or turnover.

    ``"YYYY-MM"`` → ``("date", month)``; ``"launch"``, ``"launch+6"``, ``"turnover-8"`` →
    ``("launch" | "turnover", offset in months)``. A case-neutral default (a tactic that starts
    with the strategy, a law eight months before the turnover) works in every case.

    Raises:
        ValueError: For anything else.

    """
    if isinstance(value, str):
        m = _WHEN.match(value.strip())
        if m:
            offset = int(m.group(3) or 0) * (-1 if m.group(2) == "-" else 1)
            return m.group(1), offset
    return "date", parse_month(value)


def resolve_when(value: str, launch: int, turnover: int) -> int:
    """The absolute month of a :func:`parse_when` value, given the launch and turnover months."""
    kind, n = parse_when(value)
    return n if kind == "date" else (launch if kind == "launch" else turnover) + n
