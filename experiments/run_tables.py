"""One run's contribution to a sweep's tables: its summary row and its long time series."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.monthly import Monthly
from sim.recorder import NUMERIC_COLUMNS
from sim.schemas import SWEEP_TIMESERIES


def summary_row(summary: dict[str, Any]) -> dict[str, Any]:
    """Every summary metric of a run as flat table cells.

    ``turnovers`` stays a list (an Arrow list of dates in the file), ``tactics`` becomes one
    label (``law+hubs`` or ``none``), the international commitments become a count and the
    list of their names, and the agents by type become ``agents_<Type>`` counts. ``seed`` is
    left out (the sweep records it). ``posterior_particle`` is the posterior draw of a run with
    ``params=posterior`` (null without); its values are that particle's row of the posterior. Column types: :mod:`sim.schemas`.
    """
    row: dict[str, Any] = {"posterior_particle": summary.get("posterior_particle")}
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
        elif key == "posterior_values":
            continue  # the particle names them (its row of the posterior file)
        else:
            row[key] = value
    return row


def compact(ts: pd.DataFrame) -> Monthly:
    """Keep only the arrays of a run's monthly table (few Python objects to hold per run).

    What :meth:`sim.monthly.MonthlyColumns.compact` gives without making the table.
    """
    columns = _positions(tuple(ts.columns))
    try:  # column by column: ~20x faster than selecting a sub-frame (a few ms per run)
        get = ts._get_column_array
        values = np.stack([get(j) for j in columns[0]], axis=1).astype(np.float64, copy=False)
        step, date, administration = (get(j) for j in columns[1:])
    except AttributeError:  # pragma: no cover - a pandas without the accessor
        values = ts.loc[:, list(NUMERIC_COLUMNS)].to_numpy(dtype=np.float64)
        step, date, administration = ts["step"], ts["date"], ts["administration"]
    return (
        values,
        np.asarray(step, dtype=np.int64),
        np.asarray(date, dtype=object),
        np.asarray(administration, dtype=object),
    )


@lru_cache(maxsize=8)
def _positions(columns: tuple[str, ...]) -> tuple[list[int], int, int, int]:
    """Where the numeric columns, ``step``, ``date`` and ``administration`` are in a run's table."""
    where = {c: j for j, c in enumerate(columns)}
    return (
        [where[c] for c in NUMERIC_COLUMNS],
        where["step"],
        where["date"],
        where["administration"],
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
