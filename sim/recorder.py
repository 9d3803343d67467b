"""Monthly records read straight from the model arrays (no per-agent reporters)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from sim.config import ACTOR_KEYS, PILLARS
from sim.monthly import (  # noqa: F401 - the table's columns, read from here by other modules
    _BOOL_COLUMNS,
    _INT_COLUMNS,
    CONTRIBUTIONS,
    FRAME_COLUMNS,
    NUMERIC_COLUMNS,
    MonthlyColumns,
)
from sim.numerics import ColumnSums, _sum
from sim.state import SOURCES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from sim.model import ContinuityModel

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

    def columns(self) -> MonthlyColumns:
        """A copy of the months recorded so far (:class:`sim.monthly.MonthlyColumns`)."""
        n = self.n
        return MonthlyColumns(self.table[:, :n], self.months[:n], self.administration[:n])

    def frame(self) -> pd.DataFrame:
        """The tidy monthly table of the months recorded so far (:meth:`MonthlyColumns.frame`)."""
        return self.columns().frame()

    def frame_from_columns(self) -> pd.DataFrame:
        """The same table built from a dict of columns (:meth:`MonthlyColumns.frame_from_columns`)."""
        return self.columns().frame_from_columns()
