"""Outputs of a sweep run read at fixed months from T0, for screening and calibration.

The run summary (:mod:`sim.summary`) reports the continuity index and end-of-run values; the
calibration patterns (docs/calibration.md) are read at months relative to T0 (the first
turnover at or after the launch, the summary's ``reference_date``). Two of them are added to
every row of a sweep's ``runs.parquet``:

* ``coalition_members_t24``: coalition members at T0+24 (pattern 4 wants 100–130 for Mexico);
* ``momentum_late``: mean total momentum over T0+66..T0+72 (the last months of the successor's
  term; the ``momentum_late`` window of the Mexico pattern spec).

Both are null when the run does not cover the month or window.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.dates import parse_month
from sim.monthly import MonthlyColumns
from sim.summary import column

MEMBERS_AT = 24
"""``coalition_members_t24`` is read at T0 + this many months."""
LATE_WINDOW = (66, 72)
"""``momentum_late`` is the mean momentum over T0 + these months (both included)."""


def screening_outputs(
    timeseries: pd.DataFrame | MonthlyColumns, summary: dict[str, Any]
) -> dict[str, Any]:
    """``coalition_members_t24`` and ``momentum_late`` of one run (None where not covered).

    Args:
        timeseries: The run's monthly table (``date`` as ``YYYY-MM``, ``momentum``,
            ``coalition_members``), or its :class:`~sim.monthly.MonthlyColumns`.
        summary: The run's summary (``reference_date`` is T0).

    Returns:
        The two values, keyed by column name.

    """
    n = len(timeseries)
    first = parse_month(column(timeseries, "date")[0]) if n else 0
    t0 = parse_month(summary["reference_date"]) - first
    at = t0 + MEMBERS_AT
    members = column(timeseries, "coalition_members")
    momentum = column(timeseries, "momentum", np.float64)
    a, b = t0 + LATE_WINDOW[0], t0 + LATE_WINDOW[1]
    return {
        "coalition_members_t24": int(members[at]) if 0 <= at < n else None,
        "momentum_late": float(momentum[a : b + 1].mean()) if 0 <= a and b < n else None,
    }
