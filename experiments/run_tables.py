"""One run's contribution to a sweep's tables: its summary row and its long time series."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.recorder import NUMERIC_COLUMNS
from sim.schemas import SWEEP_TIMESERIES


def summary_row(summary: dict[str, Any]) -> dict[str, Any]:
    """Every summary metric of a run as flat table cells.

    ``turnovers`` stays a list (an Arrow list of dates in the file), ``tactics`` becomes one
    label (``law+hubs`` or ``none``), the international commitments become a count and the
    list of their names, and the agents by type become ``agents_<Type>`` counts. ``seed`` is
    left out (the sweep records it). Column types: :mod:`sim.schemas`.
    """
    row: dict[str, Any] = {}
    for key, value in summary.items():
        if key == "seed":
            continue
        if key == "international_commitments":
            row[key] = len(value)
            row["international_commitment_names"] = [c["name"] for c in value]
        elif key in ("turnovers", "relaunches"):
            row[key] = list(value)
        elif key == "anchors_final":
            row[key] = [f"{a['kind']}: {a['name']}" for a in value]
        elif key == "anchors_lost":
            row[key] = [a["name"] for a in value]
        elif key == "tactics":
            row[key] = "+".join(value) or "none"
        elif key == "agents_by_type":
            row.update({f"agents_{t}": n for t, n in value.items()})
        else:
            row[key] = value
    return row


Monthly = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""A run's monthly table, compact: values (months x variables), steps, dates, administrations."""


def compact(ts: pd.DataFrame) -> Monthly:
    """Keep only the arrays of a run's monthly table (few Python objects to hold per run)."""
    return (
        ts.loc[:, list(NUMERIC_COLUMNS)].to_numpy(dtype=np.float64),
        ts["step"].to_numpy(dtype=np.int64),
        ts["date"].to_numpy(dtype=object),
        ts["administration"].to_numpy(dtype=object),
    )


def long_timeseries(runs: list[tuple[int, Monthly]]) -> pa.Table:
    """Runs' monthly tables (:func:`compact`) in long format: one row per (run, month, variable).

    Columns: ``run_id``, ``date``, ``step``, ``administration``, ``variable``, ``value``; rows
    in the order of ``runs``, then month, then the recorder's column order. The text columns
    are dictionary-encoded (pandas reads them as categoricals, in order of first appearance).
    """
    k = len(NUMERIC_COLUMNS)
    if not runs:
        return pa.table({c: pa.array([], type=t) for c, t in LONG_SCHEMA.items()})
    values = np.concatenate([m[0].reshape(-1) for _, m in runs])
    ids = np.concatenate([np.full(len(m[1]), r, dtype=np.int64) for r, m in runs])
    steps = np.concatenate([m[1] for _, m in runs])
    date_codes, dates = pd.factorize(np.concatenate([m[2] for _, m in runs]))
    admin_codes, admins = pd.factorize(np.concatenate([m[3] for _, m in runs]))
    n = len(ids)
    return pa.table(
        {
            "run_id": pa.array(np.repeat(ids, k)),
            "date": _dates(np.repeat(date_codes, k), dates),
            "step": pa.array(np.repeat(steps, k)),
            "administration": _strings(np.repeat(admin_codes, k), admins),
            "variable": _strings(np.tile(np.arange(k), n), NUMERIC_COLUMNS),
            "value": pa.array(values),
        }
    )


def _dates(codes: np.ndarray, labels: Any) -> pa.Array:
    """Month-start dates (``date32``) from integer codes into ``YYYY-MM`` labels."""
    from sim.schemas import month_start

    dictionary = pa.array([month_start(x) for x in labels], type=pa.date32())
    return dictionary.take(pa.array(codes.astype(np.int32)))


def _strings(codes: np.ndarray, labels: Any) -> pa.Array:
    """Dictionary-encoded text from integer codes (read by pandas as a categorical)."""
    dictionary = pa.array([str(x) for x in labels], type=pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), dictionary)


LONG_SCHEMA = {f.name: f.type for f in SWEEP_TIMESERIES}
"""Columns and types of ``timeseries.parquet`` (:data:`sim.schemas.SWEEP_TIMESERIES`)."""
