"""Calendar months as ``YYYY-MM`` strings and as month indices.

The model's time step is one month. Scenarios, shocks and outputs speak in
``YYYY-MM`` dates; inside the model a date is an integer count of months since
year 0 (``year * 12 + month - 1``), and a step is a month offset from the
scenario start.
"""

from __future__ import annotations

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
