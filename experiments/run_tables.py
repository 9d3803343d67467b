"""One run's contribution to a sweep's tables: its summary row and its long time series."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.recorder import NUMERIC_COLUMNS


def summary_row(summary: dict[str, Any]) -> dict[str, Any]:
    """Every summary metric of a run as flat table cells.

    Lists become text (``turnovers`` = ``2018-12,2024-10``; ``tactics`` = ``law+hubs`` or
    ``none``), the international commitments become a count and their names, and the agents
    by type become ``agents_<Type>`` counts. ``seed`` is left out (the sweep records it).
    """
    row: dict[str, Any] = {}
    for key, value in summary.items():
        if key == "seed":
            continue
        if key == "international_commitments":
            row[key] = len(value)
            row["international_commitment_names"] = ",".join(c["name"] for c in value)
        elif key == "turnovers":
            row[key] = ",".join(value)
        elif key == "tactics":
            row[key] = "+".join(value) or "none"
        elif key == "agents_by_type":
            row.update({f"agents_{t}": n for t, n in value.items()})
        else:
            row[key] = value
    return row


def long_timeseries(ts: pd.DataFrame, run_id: int) -> pd.DataFrame:
    """A run's monthly table in long format: one row per (month, variable), values as floats."""
    n = len(ts)
    k = len(NUMERIC_COLUMNS)
    values = ts.loc[:, list(NUMERIC_COLUMNS)].to_numpy(dtype=np.float64)
    return pd.DataFrame(
        {
            "run_id": np.full(n * k, run_id, dtype=np.int64),
            "date": np.repeat(ts["date"].to_numpy(dtype=object), k),
            "step": np.repeat(ts["step"].to_numpy(dtype=np.int64), k),
            "administration": np.repeat(ts["administration"].to_numpy(dtype=object), k),
            "variable": np.tile(np.array(NUMERIC_COLUMNS, dtype=object), n),
            "value": values.reshape(-1),
        }
    )
