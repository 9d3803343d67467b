"""The data contract: one Arrow schema per table the project writes (docs/data.md).

A table's schema never depends on what happened in a run (a failed run, the chunking of a sweep,
the launcher): integer columns stay ``int64`` with nulls where a value is missing, ``error`` is
always text, dates are ``date32`` (the first day of the month), lists are Arrow lists, and
categorical text is dictionary-encoded. :func:`to_arrow` casts a pandas table to its schema;
:func:`write_parquet` writes it.

In memory, :attr:`sim.api.Result.timeseries` keeps ``date`` as ``YYYY-MM`` text; only the
files follow this contract.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

TEXT = pa.string()
CATEGORY = pa.dictionary(pa.int32(), pa.string())
DATE = pa.date32()
INT = pa.int64()
FLOAT = pa.float64()
BOOL = pa.bool_()


def month_start(value: Any) -> dt.date | None:
    """``"2018-12"`` (or a date) as ``date(2018, 12, 1)``; None for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, 1)
    text = str(value)
    return dt.date(int(text[:4]), int(text[5:7]), 1)


# --------------------------------------------------------------------------- the tables
def _timeseries_fields() -> list[pa.Field]:
    from sim.recorder import _BOOL_COLUMNS, _INT_COLUMNS, NUMERIC_COLUMNS

    counts = set(_INT_COLUMNS) | {"states_ever_ai_office"}
    fields = [pa.field("date", DATE), pa.field("step", INT)]
    for c in NUMERIC_COLUMNS:
        fields.append(pa.field(c, BOOL if c in _BOOL_COLUMNS else INT if c in counts else FLOAT))
    fields.append(pa.field("administration", CATEGORY))
    return fields


def run_timeseries() -> pa.Schema:
    """``timeseries.parquet`` of a run: one row per month (wide)."""
    return pa.schema(_timeseries_fields())


SWEEP_TIMESERIES = pa.schema(
    [
        ("run_id", INT),
        ("date", DATE),
        ("step", INT),
        ("administration", CATEGORY),
        ("variable", CATEGORY),
        ("value", FLOAT),
    ]
)
"""``timeseries.parquet`` of a sweep: one row per run, month and variable (long)."""

NETWORK_NODES = pa.schema(
    [
        ("node", INT),
        ("id", TEXT),
        ("name", TEXT),
        ("type", CATEGORY),
        ("commitment_start", FLOAT),
        ("commitment_before_turnover", FLOAT),
        ("commitment_final", FLOAT),
        ("coalition_member", BOOL),
        ("ai_office", BOOL),
    ]
)
"""``network_nodes.parquet``: one row per actor."""

NETWORK_EDGES = pa.schema([("source", INT), ("target", INT), ("weight", FLOAT)])
"""``network_edges.parquet``: one row per undirected tie (``source`` < ``target``)."""

SUMMARY_METRICS = pa.schema(
    [
        ("scenario", CATEGORY),
        ("reference_date", DATE),
        ("momentum_before_turnover", FLOAT),
        ("continuity_index", FLOAT),
        ("min_momentum_after_turnover", FLOAT),
        ("min_momentum_ratio", FLOAT),
        ("months_to_recover", INT),
        ("survived", BOOL),
        ("nonstate_share", FLOAT),
        ("momentum_final", FLOAT),
        ("coalition_members_final", INT),
        ("states_with_ai_office_final", INT),
        ("law_passed_date", DATE),
        ("funding_cut_start", DATE),
        ("international_commitments", INT),
        ("international_commitment_names", pa.list_(TEXT)),
        ("turnovers", pa.list_(DATE)),
        ("launch_date", DATE),
        ("strategy_start", DATE),
        ("anchors_final", pa.list_(TEXT)),
        ("anchors_lost", pa.list_(TEXT)),
        ("relaunches", pa.list_(DATE)),
        ("tactics", CATEGORY),
        ("tactic_cost_per_year", FLOAT),
        ("posterior_particle", INT),
    ]
)
"""The summary metrics of a run as columns of ``runs.parquet`` (in this order), followed by
``agents_<Type>`` (int64) for every actor type. ``tactics`` is the tactic set as one label
(``law+subnational_hubs``, ``none``), the same as the design column of that name.
``anchors_final`` lists the anchors in force at the end as ``kind: name``; ``anchors_lost`` the
names of those lost at a review; ``relaunches`` the months a successor re-launched the strategy;
``posterior_particle`` the posterior particle a run with ``params=posterior`` drew (null without)."""

SWEEP_OUTPUTS = pa.schema([("coalition_members_t24", INT), ("momentum_late", FLOAT)])
"""Outputs a sweep adds to each run's summary metrics (:mod:`experiments.screening_outputs`):
coalition members at T0+24 and the mean momentum over T0+66..T0+72 (null if not covered)."""

RUN_IDS = pa.schema([("run_id", INT), ("point_id", INT), ("replication", INT), ("seed", INT)])
RUN_STATUS = pa.schema([("label", TEXT), ("status", CATEGORY), ("error", TEXT)])


def agent_type_fields() -> list[pa.Field]:
    """``agents_<Type>`` for every Mesa agent type of the model."""
    from sim.agents import AGENT_CLASSES

    names = sorted({cls.__name__ for cls in AGENT_CLASSES.values()})
    return [pa.field(f"agents_{t}", INT) for t in names]


def sweep_runs(design: dict[str, Iterable[Any]]) -> pa.Schema:
    """``runs.parquet`` of a sweep: ids, the design keys, status, the metrics, ``elapsed_s``.

    Design-parameter columns keep their config-key names (e.g. ``shocks.funding_cut.size``);
    each is ``float64`` if any of its values is a number with a fraction, ``int64`` if all
    are whole numbers, ``bool`` or text otherwise (decided from the plan, never from results).

    Args:
        design: Design key → its values in the plan.
    """
    metrics = set(SUMMARY_METRICS.names) | set(SWEEP_OUTPUTS.names)
    return pa.schema(
        [
            *RUN_IDS,
            *(pa.field(k, _design_type(v)) for k, v in design.items() if k not in metrics),
            *RUN_STATUS,
            *SUMMARY_METRICS,
            *SWEEP_OUTPUTS,
            *agent_type_fields(),
            pa.field("elapsed_s", FLOAT),
        ]
    )


def _design_type(values: Iterable[Any]) -> pa.DataType:
    vals = [v for v in values if v is not None]
    if vals and all(isinstance(v, bool) for v in vals):
        return BOOL
    if vals and all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
        return INT
    if vals and all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals):
        return FLOAT
    return TEXT


def validate_runs(metrics: Iterable[str] = ("momentum_late", "momentum_2024")) -> pa.Schema:
    """``runs.parquet`` of ``continuity validate``: one row per variant and seed.

    Args:
        metrics: The case's momentum windows (the pattern spec's ``metrics``, in its order).
    """
    return pa.schema(
        [
            ("variant", CATEGORY),
            ("seed", INT),
            *((m, FLOAT) for m in metrics),
            ("reference_date", DATE),
            ("continuity_index", FLOAT),
            ("momentum_before_turnover", FLOAT),
            ("min_momentum_ratio", FLOAT),
            ("months_to_recover", INT),
            ("survived", BOOL),
            ("nonstate_share", FLOAT),
            ("momentum_final", FLOAT),
            ("coalition_members_final", INT),
            ("states_with_ai_office_final", INT),
            ("law_passed_date", DATE),
            ("posterior_particle", INT),
        ]
    )


VALIDATE_RUNS = validate_runs()
"""``runs.parquet`` of ``continuity validate`` for the Mexico pattern spec."""

VALIDATE_PATTERNS = pa.schema(
    [("variant", CATEGORY), ("seed", INT), ("number", INT), ("pattern", CATEGORY), ("held", BOOL)]
)
"""``patterns.parquet`` of ``continuity validate``: one row per judged variant (the baseline and
its negative control), seed and pattern."""

VALIDATE_TRAJECTORIES = pa.schema(
    [("variant", CATEGORY), ("seed", INT), ("date", DATE), ("momentum", FLOAT)]
)
"""``trajectories.parquet`` of ``continuity validate``: one row per variant, seed and month."""


# --------------------------------------------------------------------------- casting
def _missing(v: Any) -> bool:
    """None, NaN, pandas' NA or NaT."""
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    import pandas as pd

    return v is pd.NA or v is pd.NaT


def _column(values: list[Any], typ: pa.DataType) -> pa.Array:
    """Values of any pandas origin (NaN for missing, floats for whole numbers) as ``typ``."""
    if pa.types.is_date32(typ):
        return pa.array([None if _missing(v) else month_start(v) for v in values], type=typ)
    if pa.types.is_integer(typ):
        return pa.array([None if _missing(v) else int(v) for v in values], type=typ)
    if pa.types.is_boolean(typ):
        return pa.array([None if _missing(v) else bool(v) for v in values], type=typ)
    if pa.types.is_floating(typ):
        return pa.array([None if _missing(v) else float(v) for v in values], type=typ)
    if pa.types.is_dictionary(typ):
        text = pa.array([None if _missing(v) else str(v) for v in values], type=TEXT)
        return text.dictionary_encode().cast(typ)
    if pa.types.is_list(typ):
        return pa.array(
            [None if _list_missing(v) else _items(v, typ.value_type) for v in values], type=typ
        )
    return pa.array([None if _missing(v) else str(v) for v in values], type=typ)


def _list_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _items(v: Any, typ: pa.DataType) -> list[Any]:
    if isinstance(v, str):
        v = [x for x in v.split(",") if x]
    items = list(v)
    return [month_start(x) for x in items] if pa.types.is_date32(typ) else items


def to_arrow(df: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """Cast ``df`` to ``schema``: its columns in the schema's order, missing columns all null.

    Raises:
        ValueError: If ``df`` has a column the schema does not declare.
    """
    extra = [c for c in df.columns if c not in schema.names]
    if extra:
        raise ValueError(f"columns not in the table's schema (docs/data.md): {extra}")
    n = len(df)
    arrays = [
        _series(df[f.name], f.type) if f.name in df.columns else pa.nulls(n, f.type) for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _series(s: pd.Series, typ: pa.DataType) -> pa.Array:
    """One column: numbers of a numpy dtype directly (fast), anything else value by value."""
    import numpy as np

    kind = s.dtype.kind if isinstance(s.dtype, np.dtype) else ""
    plain_number = pa.types.is_floating(typ) and kind in "fiu"
    exact = (pa.types.is_integer(typ) and kind in "iu") or (
        pa.types.is_boolean(typ) and kind == "b"
    )
    if plain_number or exact:
        return pa.array(s.to_numpy(), from_pandas=True).cast(typ)
    return _column(s.tolist(), typ)


def write_parquet(df: pd.DataFrame | pa.Table, schema: pa.Schema, path: str | Path) -> None:
    """Write ``df`` as Parquet with exactly ``schema``."""
    import pyarrow.parquet as pq

    table = df if isinstance(df, pa.Table) else to_arrow(df, schema)
    if not table.schema.equals(schema):
        table = table.cast(schema)
    pq.write_table(table, path)


def as_datetime(values: Any) -> pd.Series:
    """Month labels (``YYYY-MM`` text, as in memory) or dates (as in the files) as datetimes.

    Readers use it so that a table read from a file and one held in memory plot the same.
    """
    import pandas as pd

    text = pd.Series(values).astype(str).str.slice(0, 7)
    return pd.to_datetime(text, format="%Y-%m")
