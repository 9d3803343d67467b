"""Monthly records read straight from the model arrays (no per-agent reporters)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.config import ACTOR_KEYS, PILLARS
from sim.dates import format_month
from sim.numerics import ColumnSums, _sum
from sim.state import SOURCES

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import ContinuityModel

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
_SCALAR_COLUMNS = (
    "momentum",
    "federal_priority",
    "federal_budget",
    "federal_effort",
    "federal_knowhow",
    "coalition_members",
    "states_with_ai_office",
    "states_ever_ai_office",
    "law_in_force",
    "dpa_active",
    "senate_support",
    "bills_introduced",
    "dpa_guidance",
    "international_commitments",
    "ecosystem_investment",
    "federal_withdrawal",
    "coalition_capacity",
    "mobilisation",
    "fatigue",
    "anchors_in_force",
    "relaunches",
)
"""The columns ``Recorder.record`` fills from one scalar each (the others come from arrays)."""


_month_label = functools.lru_cache(maxsize=4096)(format_month)
"""``format_month`` of an ``int``, remembered (every run labels the same months)."""


class Recorder:
    """Collects one row per month into preallocated arrays.

    Args:
        model: The model to read.
        n_months: Number of months the run will record.

    """

    def __init__(self, model: ContinuityModel, n_months: int):
        self.model = model
        self.n = 0
        # one row per column (contiguous), filled month by month; ``data`` views its rows
        self.table = np.zeros((len(NUMERIC_COLUMNS), n_months))
        self.months = np.zeros(n_months, dtype=np.int64)
        self.administration: list[str] = []
        self._type_pos = {t: i for i, t in enumerate(ACTOR_KEYS)}
        col = {c: j for j, c in enumerate(NUMERIC_COLUMNS)}
        self._pillar_rows = slice(col[f"momentum_{PILLARS[0]}"], col[f"momentum_{PILLARS[-1]}"] + 1)
        self._contribution_rows = np.array([col[f"contribution_{c}"] for c in CONTRIBUTIONS])
        self._contribution_types = np.array([self._type_pos[t] for t in CONTRIBUTIONS.values()])
        self._funding_rows = slice(col[f"funding_{SOURCES[0]}"], col[f"funding_{SOURCES[-1]}"] + 1)
        self._scalar_rows = np.array([col[c] for c in _SCALAR_COLUMNS])

    @functools.cached_property
    def _funding_sums(self) -> ColumnSums:
        """``funding.sum(axis=0)``, bit for bit (made on the first month recorded here)."""
        return ColumnSums(*self.model.state.funding.shape)

    @property
    def data(self) -> dict[str, np.ndarray]:
        """Each numeric column's row of :attr:`table` (views, so a copied recorder stays whole)."""
        return dict(zip(NUMERIC_COLUMNS, self.table, strict=True))

    def record(self) -> None:
        """Append the current month's row."""
        m, st, k = self.model, self.model.state, self.n
        tab = self.table
        adm, senate, dpas = m.administration, m.senate, m.dpas
        # the scalars of _SCALAR_COLUMNS, in order, stored in one assignment (exact: every value
        # is a float, an int or a bool, each converted to float64 as a single store would)
        tab[self._scalar_rows, k] = [
            _sum(m.momentum),  # ndarray.sum without its wrapper
            adm.priority,
            adm.budget,
            st.effort[m.seat],
            m.federal_knowhow,
            np.count_nonzero(st.coalition >= 0),
            np.count_nonzero(st.ai_office),
            np.count_nonzero(st.office_opened),
            m.law_in_force,
            any(dpa.alive for dpa in dpas),
            senate.support if senate is not None else 0.0,
            senate.bills_introduced if senate is not None else 0,
            sum(dpa.guidance_issued for dpa in dpas),
            len(m.commitments_made),
            m.ecosystem_investment,
            m.withdrawal,
            m.capacity,
            m.mobilisation,
            m.fatigue,
            len(m.anchors),
            len(m.relaunches),
        ]
        tab[self._pillar_rows, k] = m.momentum
        tab[self._contribution_rows, k] = m.momentum_by_type[self._contribution_types]
        tab[self._funding_rows, k] = self._funding_sums(st.funding)
        self.months[k] = m.month
        self.administration.append(adm.name)
        self.n += 1

    def frame(self) -> pd.DataFrame:
        """The tidy monthly table: one row per month.

        Columns ``date``, ``step``, :data:`NUMERIC_COLUMNS` (float64, the int64 ones of
        ``_INT_COLUMNS`` and the bool ones of ``_BOOL_COLUMNS``) and ``administration``. Made
        block by block (:func:`_frame_from_blocks`) where pandas allows, else column by column
        (:meth:`frame_from_columns`): the same table (``tests/test_frame_blocks.py``).
        """
        n = self.n
        if _STRING_DTYPE is None or n == 0:  # an empty table's columns are object columns
            return self.frame_from_columns()
        dates = _string_array(tuple(self.months[:n].tolist()), label=True)
        names = _string_array(tuple(self.administration[:n]))
        return _frame_from_blocks(self.table[:, :n], dates, names)

    def frame_from_columns(self) -> pd.DataFrame:
        """The monthly table built from a dict of columns (pandas infers the blocks)."""
        n = self.n
        out = {
            "date": [_month_label(x) for x in self.months[:n].tolist()],
            "step": np.arange(n, dtype=np.int64),
        }
        data = self.data
        for c in NUMERIC_COLUMNS:
            col = data[c][:n]
            if c in _INT_COLUMNS:
                col = col.astype(np.int64)
            elif c in _BOOL_COLUMNS:
                col = col.astype(bool)
            out[c] = col
        out["administration"] = self.administration[:n]
        return pd.DataFrame(out)


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
