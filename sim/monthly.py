"""A run's monthly table: its columns, and the table read without building a DataFrame.

The recorder (:mod:`sim.recorder`) fills one row of numbers per month; :class:`MonthlyColumns`
is a finished run's copy of them. Its :meth:`~MonthlyColumns.frame` is the tidy monthly table
(one row per month, docs/ODD.md "Outputs"); :meth:`~MonthlyColumns.column` gives one column as
that table would, and :meth:`~MonthlyColumns.compact` the arrays a sweep stores, without
making the DataFrame (a sweep run reads three columns and stores the numbers: ~1 ms a run less).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from sim.config import PILLARS
from sim.dates import format_month
from sim.state import SOURCES

CONTRIBUTIONS = {
    "federal": "administration",
    "states": "state",
    "senate": "senate",
    "coalitions": "coalition",
    "dpa": "dpa",
    "companies": "company",
    "organizations": "organization",
}
"""Output column suffix → actor type whose momentum stock it reports."""

NUMERIC_COLUMNS = (
    ["momentum"]
    + [f"momentum_{p}" for p in PILLARS]
    + ["federal_priority", "federal_budget", "federal_effort", "federal_knowhow"]
    + [f"contribution_{k}" for k in CONTRIBUTIONS]
    + ["coalition_members", "states_with_ai_office", "states_ever_ai_office"]
    + ["law_in_force", "dpa_active"]
    + [f"funding_{s}" for s in SOURCES]
    + ["senate_support", "bills_introduced", "dpa_guidance", "international_commitments"]
    + ["ecosystem_investment", "federal_withdrawal", "coalition_capacity", "mobilisation"]
    + ["fatigue", "anchors_in_force", "relaunches"]
)
"""Numeric columns of the monthly time series, in order (after ``date`` and ``step``)."""

_INT_COLUMNS = {
    "coalition_members",
    "states_with_ai_office",
    "bills_introduced",
    "dpa_guidance",
    "international_commitments",
    "anchors_in_force",
    "relaunches",
}
_BOOL_COLUMNS = {"law_in_force", "dpa_active"}

_month_label = functools.lru_cache(maxsize=4096)(format_month)
"""``format_month`` of an ``int``, remembered (every run labels the same months)."""

FRAME_COLUMNS = ("date", "step", *NUMERIC_COLUMNS, "administration")
"""The monthly table's columns, in order."""


def _inferred_string_dtype() -> pd.api.extensions.ExtensionDtype | None:
    """The dtype pandas gives a column of Python strings, if an extension one (pandas 3)."""
    dtype = pd.Series(["x"]).dtype
    if not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return None  # object columns (pandas 2): build from a dict
    try:
        from pandas.api.internals import create_dataframe_from_blocks  # noqa: F401
    except ImportError:  # pragma: no cover - a pandas without it
        return None
    return dtype


_STRING_DTYPE = _inferred_string_dtype()
_FLOAT_ROWS, _INT_ROWS, _BOOL_ROWS = (
    np.array([j for j, c in enumerate(NUMERIC_COLUMNS) if keep(c)], dtype=np.intp)
    for keep in (
        lambda c: c not in _INT_COLUMNS and c not in _BOOL_COLUMNS,
        lambda c: c in _INT_COLUMNS,
        lambda c: c in _BOOL_COLUMNS,
    )
)


@functools.lru_cache(maxsize=64)
def _cached_string_array(values: tuple, label: bool) -> pd.api.extensions.ExtensionArray:
    strings = [_month_label(x) for x in values] if label else list(values)
    return pd.array(strings, dtype=_STRING_DTYPE)


def _string_array(values: tuple, label: bool = False) -> pd.api.extensions.ExtensionArray:
    """A string column of ``values`` (month labels if ``label``), as pandas infers it.

    Remembered (every run has the same dates and few administrations); each table gets its own
    copy, so writing to one table's column changes no other table.
    """
    return _cached_string_array(values, label).copy()


def _frame_from_blocks(table: np.ndarray, dates, names) -> pd.DataFrame:
    """The monthly table from the recorder's rows: one block per dtype, as pandas makes it.

    Blocks in the order and with the columns ``pd.DataFrame(dict)`` gives (dates, the int64
    columns with ``step`` first, the float64 ones, the bools, the administrations), so the
    table is the same, not just equal.
    """
    from pandas.api.internals import create_dataframe_from_blocks

    n = table.shape[1]
    ints = np.empty((_INT_ROWS.size + 1, n), dtype=np.int64)
    ints[0] = np.arange(n, dtype=np.int64)
    ints[1:] = table[_INT_ROWS]  # float -> int64 as astype(np.int64) casts
    blocks = [
        (dates, np.array([0])),
        (ints, np.r_[1, _INT_ROWS + 2]),
        (table[_FLOAT_ROWS], _FLOAT_ROWS + 2),
        (table[_BOOL_ROWS].astype(bool), _BOOL_ROWS + 2),
        (names, np.array([len(FRAME_COLUMNS) - 1])),
    ]
    return create_dataframe_from_blocks(
        blocks, index=pd.RangeIndex(n), columns=pd.Index(list(FRAME_COLUMNS))
    )


Monthly = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""A run's monthly table, compact: values (months x variables), steps, dates, administrations."""

_ROW = {c: j for j, c in enumerate(NUMERIC_COLUMNS)}


class MonthlyColumns:
    """A finished run's monthly numbers, month labels and administrations (a copy).

    Args:
        table: One row per column of :data:`NUMERIC_COLUMNS`, one column per month (float64).
        months: The months recorded (integer months, see :mod:`sim.dates`).
        administration: The federal administration's name in each month.

    """

    columns = FRAME_COLUMNS
    """The monthly table's column names, in order (as ``DataFrame.columns`` iterates them)."""

    def __init__(self, table: np.ndarray, months: np.ndarray, administration: list[str]):
        self.table = np.array(table, dtype=np.float64)
        self.months = np.array(months, dtype=np.int64)
        self.administration = tuple(administration)

    def __len__(self) -> int:
        return self.months.size

    def column(self, name: str, dtype: type | None = None) -> np.ndarray:
        """Column ``name`` as ``frame()[name].to_numpy(dtype=dtype)`` gives it (read only).

        A float column is a view of :attr:`table`: writing to it changes this table, and the
        frame made after.
        """
        if name in _ROW:
            values = self.table[_ROW[name]]
            if name in _INT_COLUMNS:
                values = values.astype(np.int64)
            elif name in _BOOL_COLUMNS:
                values = values.astype(bool)
        elif name == "step":
            values = np.arange(len(self), dtype=np.int64)
        elif name == "date":
            values = np.array([_month_label(x) for x in self.months.tolist()], dtype=object)
        elif name == "administration":
            values = np.array(self.administration, dtype=object)
        else:
            raise KeyError(name)
        return values if dtype is None else np.asarray(values, dtype=dtype)

    def compact(self) -> Monthly:
        """The values (months x :data:`NUMERIC_COLUMNS`, float64), steps, dates, administrations.

        What ``experiments.run_tables.compact`` reads from :meth:`frame`, the same arrays.
        """
        rows = self.table.copy()
        rows[_INT_ROWS] = self.table[_INT_ROWS].astype(np.int64)
        rows[_BOOL_ROWS] = self.table[_BOOL_ROWS].astype(bool)
        return (
            np.ascontiguousarray(rows.T),
            self.column("step"),
            self.column("date"),
            self.column("administration"),
        )

    def frame(self) -> pd.DataFrame:
        """The tidy monthly table: one row per month.

        Columns ``date``, ``step``, :data:`NUMERIC_COLUMNS` (float64, the int64 ones of
        ``_INT_COLUMNS`` and the bool ones of ``_BOOL_COLUMNS``) and ``administration``. Made
        block by block (:func:`_frame_from_blocks`) where pandas allows, else column by column
        (:meth:`frame_from_columns`): the same table (``tests/test_frame_blocks.py``).
        """
        n = len(self)
        if _STRING_DTYPE is None or n == 0:  # an empty table's columns are object columns
            return self.frame_from_columns()
        dates = _string_array(tuple(self.months.tolist()), label=True)
        names = _string_array(self.administration)
        return _frame_from_blocks(self.table, dates, names)

    def frame_from_columns(self) -> pd.DataFrame:
        """The monthly table built from a dict of columns (pandas infers the blocks)."""
        out = {
            "date": [_month_label(x) for x in self.months.tolist()],
            "step": np.arange(len(self), dtype=np.int64),
        }
        for c, col in zip(NUMERIC_COLUMNS, self.table, strict=True):
            if c in _INT_COLUMNS:
                col = col.astype(np.int64)
            elif c in _BOOL_COLUMNS:
                col = col.astype(bool)
            out[c] = col
        out["administration"] = list(self.administration)
        return pd.DataFrame(out)
